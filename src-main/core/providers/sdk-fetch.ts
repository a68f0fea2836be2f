/** The fetch an SDK gets for one request: the caller's signal, a first-byte timeout, a look at the response. */

export interface RequestFetchOptions {
  signal?: AbortSignal
  /** Time allowed until the response headers arrive; the body may then stream as long as it needs. */
  timeoutMs?: number
  /** Sees each response (e.g. to keep Retry-After, which some SDKs drop from their errors). */
  onResponse?: (response: Response) => void
}

export function requestFetch(base: typeof fetch, options: RequestFetchOptions = {}): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const timeout = new AbortController()
    const { timeoutMs } = options
    // A TimeoutError reason, so the mapper reports a timeout rather than a user's cancel.
    const timer = timeoutMs ? setTimeout(() => timeout.abort(new DOMException(`timed out: no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs) : undefined
    const signals = [init?.signal, options.signal, timeout.signal].filter((s): s is AbortSignal => s != null)
    try {
      const response = await base(input, { ...init, signal: AbortSignal.any(signals) })
      options.onResponse?.(response)
      return response
    } finally {
      clearTimeout(timer)
    }
  }) as typeof fetch
}
