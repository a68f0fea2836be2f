/** One finished request as the fallback chain saw it. */
export interface TrafficSample {
  providerId: string
  model: string
  ok: boolean
  /** Time to the first text, reasoning or tool-call chunk; null when none came. */
  ttftMs: number | null
  totalMs: number
  outputTokens: number
  at: number
}

/**
 * Where the fallback chain reports each request. health's TrafficRecorder is the real one; the
 * port lives here so resilience never imports health (health reads resilience's breakers).
 */
export interface TrafficSink {
  record(sample: TrafficSample): void
}
