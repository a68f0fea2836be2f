import { isMcpClosed, isMcpError, isMcpTimeout, isStreamableHttpError, isUnauthorizedError } from './sdk'

export interface McpBackoff {
  initialMs?: number
  maxMs?: number
}

export const DEFAULT_BACKOFF_INITIAL_MS = 1000
export const DEFAULT_BACKOFF_MAX_MS = 60_000
/** Remote retries are spread ±20% so clients of a server that came back do not all knock at once. */
export const REMOTE_JITTER = 0.2

/** The wait before retry number `attempt` (0 first): initial·2^attempt, capped, spread by ±jitter. */
export function backoffDelay(attempt: number, backoff: McpBackoff | undefined, jitter = 0, random: () => number = Math.random): number {
  const initialMs = backoff?.initialMs ?? DEFAULT_BACKOFF_INITIAL_MS
  const maxMs = backoff?.maxMs ?? DEFAULT_BACKOFF_MAX_MS
  const base = Math.min(initialMs * 2 ** Math.min(attempt, 30), maxMs)
  if (jitter <= 0) return base
  return Math.round(Math.min(maxMs, base * (1 + jitter * (2 * random() - 1))))
}

/** The restarts of one server: how many tries since it last stayed up, and the wait before the next. */
export class RestartBackoff {
  private tries = 0
  constructor(private readonly options: { backoff?: McpBackoff | undefined; jitter: number; random?: (() => number) | undefined }) {}

  /** The tries counted so far (the number of the one scheduled last). */
  get attempt(): number {
    return this.tries
  }

  /** A fresh start begins the backoff over. */
  reset(): void {
    this.tries = 0
  }

  /** A server that stayed up for a while (the longest wait) begins the backoff over. */
  lostAfter(upMs: number): void {
    if (upMs >= (this.options.backoff?.maxMs ?? DEFAULT_BACKOFF_MAX_MS)) this.tries = 0
  }

  /** Counts one more try and returns the wait before it. */
  next(): number {
    const delay = backoffDelay(this.tries, this.options.backoff, this.options.jitter, this.options.random)
    this.tries++
    return delay
  }
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  return typeof cause?.code === 'string' ? cause.code : undefined
}

/** An HTTP status a transport error carries: StreamableHTTPError's code, or the old SSE transport's message. */
function httpStatus(error: unknown): number | undefined {
  if (isStreamableHttpError(error)) return error.code
  const found = error instanceof Error ? /\(HTTP (\d{3})\)/.exec(error.message) : null
  return found ? Number(found[1]) : undefined
}

/** The server refused us (a sign-in matter, handled by the OAuth flow), which says nothing about it being gone. */
export function isAuthRefusal(error: unknown): boolean {
  const status = httpStatus(error)
  return isUnauthorizedError(error) || status === 401 || status === 403 || (error instanceof Error && /\bUnauthorized\b/.test(error.message))
}

/** A request failed before any server answered it: refused, reset, DNS … (fetch's "fetch failed" and its cause). */
export function isUnreachable(error: unknown): boolean {
  return causeCode(error) !== undefined || (error instanceof TypeError && /fetch failed/i.test(error.message))
}

/**
 * Whether a failed ping says the remote server is gone (down, restarted without our session, or not
 * answering) rather than refusing us: a 401/403 is a sign-in matter, handled elsewhere.
 */
export function meansServerLost(error: unknown): boolean {
  if (isAuthRefusal(error)) return false
  if (isMcpError(error)) return isMcpClosed(error) || isMcpTimeout(error)
  return httpStatus(error) !== undefined || isUnreachable(error)
}

/** Whether a failed call is worth asking the server whether it is still there. */
export function callSuggestsLoss(error: unknown): boolean {
  if (isAuthRefusal(error)) return false
  if (isMcpError(error)) return isMcpClosed(error)
  return httpStatus(error) !== undefined || isUnreachable(error)
}

/** A sentence for the status line: why the remote server counts as gone. */
export function describeLoss(error: unknown, url: string): string {
  const code = causeCode(error)
  if (code) return `lost the connection to ${url} (${code})`
  if (isMcpTimeout(error)) return `${url} stopped answering`
  const status = httpStatus(error)
  if (status === 404 || status === 400) return `${url} no longer knows our session (HTTP ${status}); it probably restarted`
  if (status !== undefined) return `${url} answered HTTP ${status}`
  return `lost the connection to ${url}: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`
}
