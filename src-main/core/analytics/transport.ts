import type { AnalyticsFields } from '../../../src-shared/contract'

/** What goes over the wire: one POST per batch, with the random install id and nothing else about the user. */
export interface AnalyticsBatch {
  schema: 1
  app: 'ollama-desk'
  installId: string
  events: { type: string; at: number; fields: AnalyticsFields }[]
}

/** Delivers one batch; rejects when the endpoint did not take it (the caller logs that, never retries in a loop). */
export interface AnalyticsTransport {
  send(endpoint: string, batch: AnalyticsBatch): Promise<void>
}

export type AnalyticsFetch = (url: string, init: RequestInit) => Promise<Response>

export interface HttpTransportOptions {
  fetch?: AnalyticsFetch
  /** Short: a slow collector must not hold events (or the app's shutdown) for long. */
  timeoutMs?: number
}

/** POSTs JSON to the endpoint: no cookies, no redirects followed, a short timeout. */
export class HttpAnalyticsTransport implements AnalyticsTransport {
  private readonly fetch: AnalyticsFetch
  private readonly timeoutMs: number

  constructor(options: HttpTransportOptions = {}) {
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init))
    this.timeoutMs = options.timeoutMs ?? 5_000
  }

  async send(endpoint: string, batch: AnalyticsBatch): Promise<void> {
    let response: Response
    try {
      response = await this.fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        credentials: 'omit',
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      throw new Error(describeFailure(error), { cause: error })
    }
    // The body is never read beyond this: a collector has nothing to tell the app.
    await response.body?.cancel().catch(() => undefined)
    if (!response.ok) throw new Error(`the endpoint answered HTTP ${response.status}`)
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'the endpoint did not answer in time'
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause
  if (cause?.code) return `could not reach the endpoint (${cause.code})`
  return `could not reach the endpoint (${error instanceof Error ? error.message : String(error)})`
}
