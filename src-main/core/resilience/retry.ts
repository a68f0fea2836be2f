import { ValidationError, type AppError } from '../errors'
import { RateLimitedError } from '../providers'

export interface BackoffOptions {
  baseDelayMs: number
  maxDelayMs: number
}

export interface RetryOptions extends BackoffOptions {
  /** Tries per candidate, the first one included. */
  maxAttempts: number
}

/** A server asking us to wait longer than this is better served by the next provider. */
export const MAX_RETRY_AFTER_MS = 60_000

function checkBackoff(attempt: number, opts: BackoffOptions): void {
  if (!Number.isInteger(attempt) || attempt < 1) throw new ValidationError(`A retry attempt is counted from 1; got ${attempt}.`)
  if (!(opts.baseDelayMs >= 0) || !(opts.maxDelayMs >= 0)) {
    throw new ValidationError(`Retry delays must be zero or more milliseconds (base ${opts.baseDelayMs}, max ${opts.maxDelayMs}).`)
  }
}

/**
 * Exponential backoff with full jitter: a uniform pick in [0, min(max, base·2^(attempt-1))].
 * Full jitter spreads clients that failed together so they do not retry together.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number): number {
  checkBackoff(attempt, opts)
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1))
  const r = Math.min(Math.max(random(), 0), 1)
  return Math.floor(r * ceiling)
}

/**
 * How long to wait before retrying after `error` on try number `attempt`; null when this error
 * should not be retried here (not retryable, or the server asks for a longer wait than
 * `maxRetryAfterMs`, in which case falling back beats stalling the user).
 */
export function retryDelayFor(error: AppError, attempt: number, opts: BackoffOptions, random: () => number, maxRetryAfterMs = MAX_RETRY_AFTER_MS): number | null {
  if (!error.retryable) return null
  const jittered = backoffDelay(attempt, opts, random)
  if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > maxRetryAfterMs) return null
    return Math.max(Math.ceil(error.retryAfterMs), jittered)
  }
  return jittered
}
