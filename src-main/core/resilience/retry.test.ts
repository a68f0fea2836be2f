import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../errors'
import { AuthError, ProviderServerError, RateLimitedError } from '../providers/errors'
import { backoffDelay, retryDelayFor } from './retry'

const opts = { baseDelayMs: 500, maxDelayMs: 8000 }

describe('backoffDelay', () => {
  it('doubles the ceiling each attempt and scales it by the random pick (full jitter)', () => {
    expect(backoffDelay(1, opts, () => 0.999999)).toBe(499)
    expect(backoffDelay(2, opts, () => 0.5)).toBe(500)
    expect(backoffDelay(3, opts, () => 0.5)).toBe(1000)
    expect(backoffDelay(4, opts, () => 1)).toBe(4000)
    expect(backoffDelay(10, opts, () => 1)).toBe(8000)
    expect(backoffDelay(3, opts, () => 0)).toBe(0)
  })

  it('always stays within [0, min(max, base·2^(n-1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 300_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, base, max, r) => {
        const delay = backoffDelay(attempt, { baseDelayMs: base, maxDelayMs: max }, () => r)
        expect(delay).toBeGreaterThanOrEqual(0)
        expect(delay).toBeLessThanOrEqual(Math.min(max, base * 2 ** (attempt - 1)))
      }),
    )
  })

  it('rejects attempts below 1 and negative delays with a validation error', () => {
    expect(() => backoffDelay(0, opts, Math.random)).toThrow(/counted from 1/)
    expect(() => backoffDelay(1.5, opts, Math.random)).toThrow(AppError)
    expect(() => backoffDelay(1, { baseDelayMs: -1, maxDelayMs: 10 }, Math.random)).toThrow(/zero or more/)
  })
})

describe('retryDelayFor', () => {
  it('uses backoff for retryable errors and refuses non-retryable ones', () => {
    expect(retryDelayFor(new ProviderServerError('X', 500), 2, opts, () => 0.5)).toBe(500)
    expect(retryDelayFor(new AuthError('X'), 1, opts, () => 0.5)).toBeNull()
  })

  it('never waits less than Retry-After', () => {
    expect(retryDelayFor(new RateLimitedError('X', 3000), 1, opts, () => 0.1)).toBe(3000)
    // Backoff above Retry-After wins.
    expect(retryDelayFor(new RateLimitedError('X', 10), 4, opts, () => 1)).toBe(4000)
  })

  it('does not retry when the server asks for longer than the cap, so the caller falls back', () => {
    expect(retryDelayFor(new RateLimitedError('X', 60_001), 1, opts, () => 0.5)).toBeNull()
    expect(retryDelayFor(new RateLimitedError('X', 60_000), 1, opts, () => 0.5)).toBe(60_000)
    expect(retryDelayFor(new RateLimitedError('X', 5000), 1, opts, () => 0.5, 2000)).toBeNull()
  })

  it('falls back to plain backoff for a rate limit without Retry-After', () => {
    expect(retryDelayFor(new RateLimitedError('X'), 3, opts, () => 0.25)).toBe(500)
  })
})
