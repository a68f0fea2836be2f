import { describe, expect, it } from 'vitest'
import { TRAFFIC_WINDOW_MS, TrafficRecorder, percentile, type TrafficSample } from './metrics'

const sample = (over: Partial<TrafficSample>): TrafficSample => ({ providerId: 'p', model: 'm', ok: true, ttftMs: 100, totalMs: 1100, outputTokens: 50, at: 0, ...over })

describe('percentile', () => {
  it('uses nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 95)).toBe(95)
    expect(percentile([7], 95)).toBe(7)
    expect(percentile([], 50)).toBeNull()
  })
})

describe('TrafficRecorder', () => {
  it('summarises the last hour: requests, error rate, TTFT and latency percentiles, tokens per second', () => {
    const recorder = new TrafficRecorder()
    const now = 10 * TRAFFIC_WINDOW_MS
    for (let i = 1; i <= 20; i++) recorder.record(sample({ ttftMs: i * 10, totalMs: i * 10 + 1000, outputTokens: 50, at: now - i * 1000 }))
    recorder.record(sample({ ok: false, ttftMs: null, totalMs: 30_000, outputTokens: 0, at: now - 500 }))
    recorder.record(sample({ providerId: 'other', at: now }))
    const summary = recorder.summary('p', now)
    expect(summary.requests).toBe(21)
    expect(summary.errorRate).toBeCloseTo(1 / 21)
    expect(summary.ttftP50Ms).toBe(100)
    expect(summary.ttftP95Ms).toBe(190)
    expect(summary.latencyP50Ms).toBe(1100)
    expect(summary.latencyP95Ms).toBe(1190)
    // 20 × 50 tokens over 20 × 1 s of generation
    expect(summary.tokensPerSec).toBeCloseTo(50)
  })

  it('forgets requests older than an hour', () => {
    const recorder = new TrafficRecorder()
    recorder.record(sample({ at: 0 }))
    recorder.record(sample({ at: 1000, ok: false }))
    expect(recorder.summary('p', TRAFFIC_WINDOW_MS).requests).toBe(1)
    expect(recorder.summary('p', TRAFFIC_WINDOW_MS + 1000)).toEqual({ requests: 0, errorRate: 0, ttftP50Ms: null, ttftP95Ms: null, latencyP50Ms: null, latencyP95Ms: null, tokensPerSec: null })
  })

  it('keeps a bounded number of samples per provider', () => {
    const recorder = new TrafficRecorder(10)
    for (let i = 0; i < 100; i++) recorder.record(sample({ at: i, ok: i < 90 }))
    const summary = recorder.summary('p', 100)
    expect(summary.requests).toBe(10)
    expect(summary.errorRate).toBe(1)
  })

  it('tells listeners about each sample', () => {
    const recorder = new TrafficRecorder()
    const seen: number[] = []
    const off = recorder.onRecord((s) => seen.push(s.at))
    recorder.record(sample({ at: 1 }))
    off()
    recorder.record(sample({ at: 2 }))
    expect(seen).toEqual([1])
  })
})
