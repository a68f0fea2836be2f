import { describe, expect, it } from 'vitest'
import type { HealthPoint } from '../../../../src-shared/contract'
import { healthOf } from '../../../test/fake-providers'
import { HOUR, latencyRows, spendRows } from './chart-data'

const now = 100 * HOUR
const point = (t: number, providerId: string, latencyMs: number | null, ok = true): HealthPoint => ({ t, providerId, kind: 'request', ok, latencyMs, ttftMs: null, tokensPerSec: null })

describe('chart data', () => {
  it('averages latency per provider per hour over the last 24 hours, oldest first', () => {
    const rows = latencyRows(
      [
        point(now - 30 * HOUR, 'a', 999), // older than a day
        point(now - 2 * HOUR + 10, 'a', 100),
        point(now - 2 * HOUR + 20, 'a', 300),
        point(now - 2 * HOUR + 30, 'b', 50),
        point(now - HOUR / 2, 'a', 1000, false), // failed: no latency to show
        point(now - HOUR / 2, 'b', null),
        point(now - 10, 'b', 70),
      ],
      now,
    )
    expect(rows).toEqual([
      { t: now - 2 * HOUR, a: 200, b: 50 },
      { t: now - HOUR, b: 70 },
    ])
  })

  it('lists spend per provider, leaving out those that spent nothing', () => {
    expect(spendRows([healthOf('a', { name: 'A', spend: { todayUsd: 0.1, monthUsd: 2 } }), healthOf('b')])).toEqual([{ name: 'A', today: 0.1, month: 2 }])
  })
})
