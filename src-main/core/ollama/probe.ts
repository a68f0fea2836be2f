import type { OllamaStatus } from '../../../src-shared/contract'
import { normalizeOllamaHost } from './host'

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>

export interface ProbeOptions {
  fetch?: FetchLike
  timeoutMs?: number
  now?: () => number
  signal?: AbortSignal
}

/** Asks `GET /api/version`; never starts or changes anything on the user's machine. */
export async function probeOllama(host: string, options: ProbeOptions = {}): Promise<OllamaStatus> {
  const fetchImpl = options.fetch ?? fetch
  const now = options.now ?? (() => performance.now())
  let base: string
  try {
    base = normalizeOllamaHost(host)
  } catch (error) {
    return { host, reachable: false, error: (error as Error).message }
  }
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 3000)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  const started = now()
  try {
    const response = await fetchImpl(`${base}/api/version`, { signal })
    if (!response.ok) {
      return { host: base, reachable: false, error: `answered HTTP ${response.status}; is this really Ollama?` }
    }
    const body = (await response.json()) as { version?: unknown }
    if (typeof body.version !== 'string') {
      return { host: base, reachable: false, error: 'answered, but not like Ollama (no version field)' }
    }
    return { host: base, reachable: true, version: body.version, latencyMs: Math.round(now() - started) }
  } catch (error) {
    return { host: base, reachable: false, error: describeFetchError(error, options.timeoutMs ?? 3000) }
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; cause?: { code?: string }; message?: string }
  if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  if (err.name === 'AbortError') return 'cancelled'
  const code = err.cause?.code
  if (code === 'ECONNREFUSED') return 'connection refused (nothing is listening there)'
  if (code === 'ENOTFOUND') return 'host name not found'
  return code ?? err.message ?? 'unknown network error'
}
