import { AppError } from '../errors'

/** Why a file could not be read as a document; each has its own message for the user. */
export type DocumentProblem = 'too-large' | 'empty' | 'binary' | 'encrypted' | 'corrupt' | 'unsupported' | 'no-text'

const CODES = { 'too-large': 'E_PAYLOAD_TOO_LARGE', empty: 'E_VALIDATION', binary: 'E_UNSUPPORTED', encrypted: 'E_UNSUPPORTED', corrupt: 'E_UNSUPPORTED', unsupported: 'E_UNSUPPORTED', 'no-text': 'E_UNSUPPORTED' } as const

/** A file that is not a readable document: the message names the file and says what is wrong with it. */
export class DocumentError extends AppError {
  readonly problem: DocumentProblem

  constructor(problem: DocumentProblem, message: string, hint?: string, cause?: unknown) {
    super(CODES[problem], message, { ...(hint ? { hint } : {}), ...(cause === undefined ? {} : { cause }) })
    this.problem = problem
  }
}
