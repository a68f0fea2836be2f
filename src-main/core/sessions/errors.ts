import { AppError, IoError, ValidationError } from '../errors'
import type { ErrorShape } from '../../../src-shared/contract'

export class SessionNotFoundError extends AppError {
  constructor(what: 'session' | 'message' | 'attachment', id: string) {
    super('E_NOT_FOUND', `No ${what} with id "${id.slice(0, 80)}".`, {
      hint: what === 'session' ? 'It may have been deleted permanently; refresh the list.' : 'Refresh the conversation and try again.',
    })
  }
}

/** The database was written by a newer Ollama Desk; we refuse to touch it rather than guess. */
export class StoreTooNewError extends AppError {
  constructor(found: number, supported: number) {
    super('E_UNSUPPORTED', `The session database is from a newer version of Ollama Desk (schema ${found}; this version knows ${supported}).`, {
      hint: 'Update Ollama Desk. Your history was not changed.',
    })
  }
}

export class NotASessionStoreError extends ValidationError {
  constructor(file: string, reason: string) {
    super(`${file} is not an Ollama Desk session database: ${reason}.`, [], 'Pick a backup made by Ollama Desk (a .db file in the backups folder).')
  }
}

export class StoreClosedError extends AppError {
  constructor(reason = 'The session store is closed.') {
    super('E_INTERNAL', reason, { hint: 'Restart Ollama Desk. Messages that finished before this are saved.', retryable: false })
  }
}

/** Turns a shape that crossed the worker boundary back into the closest AppError subclass. */
export function fromErrorShape(shape: ErrorShape, detail?: string): AppError {
  const cause = detail === undefined ? undefined : new Error(detail)
  if (shape.code === 'E_VALIDATION') {
    const error = new ValidationError(shape.message, shape.issues ?? [], shape.hint)
    return cause ? Object.assign(error, { cause }) : error
  }
  if (shape.code === 'E_IO') return new IoError(shape.message, { hint: shape.hint, cause, retryable: shape.retryable })
  return new AppError(shape.code, shape.message, { hint: shape.hint, retryable: shape.retryable, issues: shape.issues, cause })
}
