import { dataFolderForDiskErrors, freeMegabytes, isDiskFull } from './disk-full'
import type { ErrorCode, ErrorIssue, ErrorShape } from '../../../src-shared/contract'

export interface AppErrorOptions {
  hint?: string
  retryable?: boolean
  cause?: unknown
  issues?: ErrorIssue[]
}

/**
 * The one error type of the app. `message` and `hint` are written for the user; `code` is stable
 * for programs; `cause` stays on this side of the boundary (logged, never sent).
 */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly retryable: boolean
  readonly issues: ErrorIssue[] | undefined

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.hint = options.hint
    this.retryable = options.retryable ?? false
    this.issues = options.issues
  }

  toShape(): ErrorShape {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.issues === undefined ? {} : { issues: this.issues }),
    }
  }
}

export class ValidationError extends AppError {
  constructor(message: string, issues: ErrorIssue[] = [], hint?: string) {
    super('E_VALIDATION', message, { issues, hint })
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(size: number, limit: number) {
    super('E_PAYLOAD_TOO_LARGE', `The message is ${size} characters; the limit is ${limit}.`, {
      hint: 'Send smaller pieces, for example attach large files instead of pasting them.',
    })
  }
}

export class UnknownRouteError extends AppError {
  constructor(route: string) {
    super('E_UNKNOWN_ROUTE', `There is no request named "${route.slice(0, 128)}".`, {
      hint: 'The app and its window may be different versions; reload the window.',
    })
  }
}

export class CancelledError extends AppError {
  constructor(message = 'Cancelled.') {
    super('E_CANCELLED', message)
  }
}

export class NetworkError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('E_NETWORK', message, { retryable: true, ...options })
  }
}

export class TimeoutError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('E_TIMEOUT', message, { retryable: true, ...options })
  }
}

export class ConfigError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('E_CONFIG', message, options)
  }
}

export class IoError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('E_IO', message, options)
  }
}

/**
 * A full disk is the one storage failure a user can fix, so it has its own code and says how much
 * room is left where the data lives.
 */
export class DiskFullError extends AppError {
  /** `free`: megabytes left, when the caller measured them already (otherwise asked of the disk). */
  constructor(options: { cause?: unknown; folder?: string; free?: number } = {}) {
    const folder = options.folder ?? dataFolderForDiskErrors()
    const free = options.free ?? freeMegabytes(folder)
    super('E_DISK_FULL', `The disk holding your data is full${free === undefined ? '' : `: ${free} MB free`}.`, {
      cause: options.cause,
      hint: `Free some space${folder ? ` on the disk with ${folder}` : ''}, or move the data folder (--data-dir or OLLAMA_DESK_HOME). Nothing already saved was lost.`,
      retryable: true,
    })
  }
}

/** Anything thrown becomes an AppError; unknown failures keep their cause but show a safe message. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (error instanceof Error && error.name === 'AbortError') return new CancelledError()
  if (isDiskFull(error)) return new DiskFullError({ cause: error })
  return new AppError('E_INTERNAL', 'Something went wrong inside Ollama Desk.', {
    cause: error,
    hint: 'Try again. If it keeps happening, the log in the data folder has the details.',
  })
}
