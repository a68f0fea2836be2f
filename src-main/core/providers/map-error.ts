import { AppError, CancelledError, NetworkError, TimeoutError } from '../errors'
import { AuthError, BadResponseError, ContentFilteredError, ContextTooLongError, ModelNotFoundError, ProviderServerError, QuotaError, RateLimitedError } from './errors'

/** What an SDK error tells us, whichever SDK threw it. */
export interface HttpFailure {
  status: number
  /** The error text the server sent (SDKs put it in `message`). */
  message?: string
  /** Response headers, for Retry-After. */
  headers?: Headers | Record<string, string | string[] | undefined> | null
  /** Provider-specific error type/code, e.g. 'insufficient_quota', 'context_length_exceeded'. */
  type?: string
}

const CONTEXT = /context[ _-]?(length|window)|too many tokens|maximum context|prompt is too long|input is too long|exceeds the (model'?s )?context/i
const QUOTA = /insufficient_quota|quota|billing|credit balance|out of credit|exceeded your current/i
const FILTER = /content[ _-]?(filter|policy)|safety|blocked|moderation/i

function header(headers: HttpFailure['headers'], name: string): string | undefined {
  if (!headers) return undefined
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const value = (headers as Record<string, string | string[] | undefined>)[name] ?? (headers as Record<string, string | string[] | undefined>)[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** Retry-After in seconds or as an HTTP date, plus the `retry-after-ms` OpenAI and Anthropic send. */
export function retryAfterMs(headers: HttpFailure['headers'], now = Date.now()): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'))
  if (Number.isFinite(ms) && ms >= 0 && header(headers, 'retry-after-ms') !== undefined) return ms
  const raw = header(headers, 'retry-after')
  if (raw === undefined) return undefined
  const seconds = Number(raw)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(raw)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Maps an HTTP failure to the AppError a user (and the fallback chain) acts on. */
export function mapHttpFailure(provider: string, model: string, failure: HttpFailure): AppError {
  const text = `${failure.type ?? ''} ${failure.message ?? ''}`
  const cause = { status: failure.status, message: failure.message?.slice(0, 500), type: failure.type }
  const { status } = failure
  if (status === 401 || status === 403) return QUOTA.test(text) ? new QuotaError(provider, { cause }) : new AuthError(provider, { cause })
  if (status === 402) return new QuotaError(provider, { cause })
  if (status === 429) return QUOTA.test(text) && !/rate/i.test(text) ? new QuotaError(provider, { cause }) : new RateLimitedError(provider, retryAfterMs(failure.headers), { cause })
  if (status === 404) return new ModelNotFoundError(provider, model, { cause })
  if (status === 408 || status === 504) return new TimeoutError(`${provider} took too long to answer.`, { cause })
  if (status === 413 || ((status === 400 || status === 422) && CONTEXT.test(text))) return new ContextTooLongError(provider, { cause })
  if (status === 400 && FILTER.test(text)) return new ContentFilteredError(provider, { cause })
  if (status === 400 && /model/i.test(text) && /not (found|exist)|unknown|invalid model/i.test(text)) return new ModelNotFoundError(provider, model, { cause })
  if (status >= 500) return new ProviderServerError(provider, status, { cause })
  return new BadResponseError(provider, `HTTP ${status}${failure.message ? `: ${failure.message.slice(0, 200)}` : ''}`, { retryable: false, cause })
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE'])

function codeOf(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && code) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Errors that are not HTTP statuses: cancel by the user, a timeout, a refused or dropped
 * connection, a reply that does not parse. `signal` tells a user's cancel from a timeout.
 */
export function mapTransportError(provider: string, error: unknown, signal?: AbortSignal): AppError {
  if (error instanceof AppError) return error
  if (signal?.aborted) {
    const reason: unknown = signal.reason
    if (reason instanceof AppError) return reason
    return new CancelledError('Stopped.')
  }
  const name = error instanceof Error ? error.name : ''
  const message = error instanceof Error ? error.message : String(error)
  const code = codeOf(error)
  if (name === 'AbortError' || name === 'APIUserAbortError') return new CancelledError('Stopped.')
  if (name === 'TimeoutError' || name === 'APIConnectionTimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new TimeoutError(`${provider} did not answer in time.`, { cause: error, hint: 'The server may be overloaded or the model still loading; try again or raise the timeout.' })
  }
  if (error instanceof SyntaxError) return new BadResponseError(provider, 'malformed data', { cause: error })
  if ((code && NETWORK_CODES.has(code)) || name === 'APIConnectionError' || /fetch failed|socket|network|\bterminated\b|ECONNRE/i.test(message)) {
    return new NetworkError(`Could not reach ${provider}.`, { cause: error, hint: 'Check that the server is running and the address is right (Providers & Health → Test).' })
  }
  if (error instanceof SyntaxError || /JSON|Unexpected token|parse/i.test(message)) return new BadResponseError(provider, 'malformed data', { cause: error })
  return new BadResponseError(provider, message.slice(0, 120) || 'unknown failure', { cause: error })
}
