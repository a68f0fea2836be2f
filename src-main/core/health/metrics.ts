import type { ProviderHealth } from '../../../src-shared/contract'
import type { TrafficSample, TrafficSink } from '../resilience'

export type { TrafficSample }

export type TrafficSummary = ProviderHealth['traffic']

export const TRAFFIC_WINDOW_MS = 60 * 60 * 1000

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/**
 * Passive figures from real requests. Each provider keeps at most `maxPerProvider` recent
 * samples, so memory stays bounded however busy the app gets.
 */
export class TrafficRecorder implements TrafficSink {
  private readonly samples = new Map<string, TrafficSample[]>()
  private readonly listeners = new Set<(sample: TrafficSample) => void>()

  constructor(private readonly maxPerProvider = 2000) {}

  record(sample: TrafficSample): void {
    let list = this.samples.get(sample.providerId)
    if (!list) {
      list = []
      this.samples.set(sample.providerId, list)
    }
    list.push(sample)
    if (list.length > this.maxPerProvider) list.splice(0, list.length - this.maxPerProvider)
    for (const listener of this.listeners) listener(sample)
  }

  onRecord(listener: (sample: TrafficSample) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Figures over the last hour before `now`. */
  summary(providerId: string, now: number): TrafficSummary {
    const list = this.samples.get(providerId) ?? []
    const cutoff = now - TRAFFIC_WINDOW_MS
    // Drop what has left the window for good, so idle providers shed their history too.
    const firstRecent = list.findIndex((s) => s.at > cutoff)
    if (firstRecent === -1) list.length = 0
    else if (firstRecent > 0) list.splice(0, firstRecent)
    const recent = list.filter((s) => s.at <= now)
    const ok = recent.filter((s) => s.ok)
    const ttfts = ok.flatMap((s) => (s.ttftMs === null ? [] : [s.ttftMs])).sort((a, b) => a - b)
    const totals = ok.map((s) => s.totalMs).sort((a, b) => a - b)
    let tokens = 0
    let generatingMs = 0
    for (const s of ok) {
      if (s.ttftMs === null || s.totalMs <= s.ttftMs || s.outputTokens <= 0) continue
      tokens += s.outputTokens
      generatingMs += s.totalMs - s.ttftMs
    }
    return {
      requests: recent.length,
      errorRate: recent.length === 0 ? 0 : (recent.length - ok.length) / recent.length,
      ttftP50Ms: percentile(ttfts, 50),
      ttftP95Ms: percentile(ttfts, 95),
      latencyP50Ms: percentile(totals, 50),
      latencyP95Ms: percentile(totals, 95),
      tokensPerSec: generatingMs > 0 ? tokens / (generatingMs / 1000) : null,
    }
  }
}
