import type { HealthPoint, ProviderHealth } from '../../../../src-shared/contract'

export const HOUR = 3_600_000

export interface LatencyRow {
  /** Start of the hour. */
  t: number
  /** Mean latency of that provider's successful points in the hour, by provider id. */
  [providerId: string]: number
}

/**
 * Hourly mean latency per provider over the last 24 hours: one row per hour that has data, oldest
 * first. Failed points and points without a latency are left out (they have no latency to show).
 */
export function latencyRows(points: readonly HealthPoint[], now: number): LatencyRow[] {
  const since = now - 24 * HOUR
  const buckets = new Map<number, Map<string, { sum: number; n: number }>>()
  for (const point of points) {
    if (point.t < since || point.t > now || !point.ok || point.latencyMs === null) continue
    const hour = Math.floor(point.t / HOUR) * HOUR
    const row = buckets.get(hour) ?? new Map()
    const cell = row.get(point.providerId) ?? { sum: 0, n: 0 }
    cell.sum += point.latencyMs
    cell.n += 1
    row.set(point.providerId, cell)
    buckets.set(hour, row)
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, row]) => {
      const out: LatencyRow = { t }
      for (const [id, { sum, n }] of row) out[id] = Math.round(sum / n)
      return out
    })
}

/** Spend per provider, today and this month, for the bar chart; providers that spent nothing are left out. */
export const spendRows = (health: readonly ProviderHealth[]): { name: string; today: number; month: number }[] =>
  health.filter((h) => h.spend.monthUsd > 0 || h.spend.todayUsd > 0).map((h) => ({ name: h.name, today: h.spend.todayUsd, month: h.spend.monthUsd }))
