import { describe, expect, it } from 'vitest'
import { CancelledError } from '../errors'
import { AuthError, BadResponseError, ContentFilteredError, ContextTooLongError, NetworkError, ProviderServerError, RateLimitedError, TimeoutError } from '../providers/errors'
import { BreakerRegistry, CircuitBreaker, countsAgainstProvider, type BreakerRow } from './breaker'

function setup(failureThreshold = 3, cooldownMs = 10_000) {
  let t = 1_000_000
  const transitions: string[] = []
  const breaker = new CircuitBreaker(
    () => ({ failureThreshold, cooldownMs }),
    () => t,
    (from, to) => transitions.push(`${from}->${to}`),
  )
  return { breaker, transitions, advance: (ms: number) => (t += ms), now: () => t }
}

const server = new ProviderServerError('X', 503)

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and a success resets the count', () => {
    const { breaker } = setup(3)
    breaker.acquire()
    breaker.onFailure(server)
    breaker.acquire()
    breaker.onFailure(server)
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(2)
    breaker.acquire()
    breaker.onSuccess()
    expect(breaker.failures).toBe(0)
    breaker.acquire()
    breaker.onFailure(server)
    breaker.acquire()
    breaker.onFailure(server)
    expect(breaker.state).toBe('closed')
  })

  it('closed → open after the threshold; open rejects until the cooldown has passed', () => {
    const { breaker, transitions, advance, now } = setup(2, 10_000)
    breaker.acquire()
    breaker.onFailure(server)
    breaker.acquire()
    breaker.onFailure(server)
    expect(breaker.state).toBe('open')
    expect(breaker.openUntil).toBe(now() + 10_000)
    expect(transitions).toEqual(['closed->open'])
    advance(9_999)
    expect(breaker.acquire()).toEqual({ allowed: false, state: 'open', openUntil: now() + 1 })
  })

  it('open → half-open lets exactly one trial through; success closes', () => {
    const { breaker, transitions, advance } = setup(1, 5000)
    breaker.acquire()
    breaker.onFailure(server)
    advance(5000)
    expect(breaker.state).toBe('half-open')
    expect(breaker.acquire()).toEqual({ allowed: true })
    expect(breaker.acquire()).toEqual({ allowed: false, state: 'half-open', openUntil: null })
    breaker.onSuccess()
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(0)
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed'])
    expect(breaker.acquire()).toEqual({ allowed: true })
  })

  it('half-open trial failure re-opens with a fresh cooldown', () => {
    const { breaker, transitions, advance, now } = setup(3, 5000)
    for (let i = 0; i < 3; i++) {
      breaker.acquire()
      breaker.onFailure(server)
    }
    advance(6000)
    breaker.acquire()
    breaker.onFailure(new NetworkError('down'))
    expect(breaker.state).toBe('open')
    expect(breaker.openUntil).toBe(now() + 5000)
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->open'])
  })

  it('a neutral end of the trial (cancel, auth) frees the slot without deciding', () => {
    const { breaker, advance } = setup(1, 1000)
    breaker.acquire()
    breaker.onFailure(server)
    advance(1000)
    breaker.acquire()
    breaker.onFailure(new AuthError('X'))
    expect(breaker.state).toBe('half-open')
    expect(breaker.acquire()).toEqual({ allowed: true })
    breaker.onNeutral()
    expect(breaker.acquire()).toEqual({ allowed: true })
  })

  it('request-side failures never open the circuit', () => {
    const { breaker } = setup(1)
    for (const error of [new AuthError('X'), new ContextTooLongError('X'), new ContentFilteredError('X'), new CancelledError()]) {
      breaker.acquire()
      breaker.onFailure(error)
    }
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(0)
  })

  it('counts server, network, timeout, rate limit and bad response against the provider', () => {
    for (const error of [server, new NetworkError('n'), new TimeoutError('t'), new RateLimitedError('X', 100), new BadResponseError('X', 'junk')]) {
      expect(countsAgainstProvider(error)).toBe(true)
    }
    expect(countsAgainstProvider(new AuthError('X'))).toBe(false)
  })
})

describe('BreakerRegistry', () => {
  it('keeps one breaker per provider and model, snapshots them and reports state changes', () => {
    let t = 0
    const registry = new BreakerRegistry({ failureThreshold: 1, cooldownMs: 1000 }, () => t)
    const changes: BreakerRow[] = []
    const unsubscribe = registry.onChange((row) => changes.push(row))
    expect(registry.get('openai', 'gpt-4o')).toBe(registry.get('openai', 'gpt-4o'))
    registry.get('openai', 'gpt-4o-mini')
    registry.get('openai', 'gpt-4o').acquire()
    registry.get('openai', 'gpt-4o').onFailure(server)
    expect(changes).toEqual([{ providerId: 'openai', model: 'gpt-4o', state: 'open', failures: 1, openUntil: 1000 }])
    expect(registry.snapshot()).toEqual([
      { providerId: 'openai', model: 'gpt-4o', state: 'open', failures: 1, openUntil: 1000 },
      { providerId: 'openai', model: 'gpt-4o-mini', state: 'closed', failures: 0, openUntil: null },
    ])
    t = 1000
    expect(registry.snapshot('openai')[0]!.state).toBe('half-open')
    unsubscribe()
    registry.get('openai', 'gpt-4o').acquire()
    expect(changes).toHaveLength(1)
  })

  it('applies new settings live to existing breakers', () => {
    const registry = new BreakerRegistry({ failureThreshold: 5, cooldownMs: 1000 }, () => 0)
    const breaker = registry.get('a', 'm')
    breaker.acquire()
    breaker.onFailure(server)
    expect(breaker.state).toBe('closed')
    registry.updateSettings({ failureThreshold: 2, cooldownMs: 2000 })
    breaker.acquire()
    breaker.onFailure(server)
    expect(breaker.state).toBe('open')
    expect(breaker.openUntil).toBe(2000)
  })

  it('rejects nonsense settings', () => {
    expect(() => new BreakerRegistry({ failureThreshold: 0, cooldownMs: 1000 }, () => 0)).toThrow(/threshold of 1 or more/)
    const registry = new BreakerRegistry({ failureThreshold: 1, cooldownMs: 1000 }, () => 0)
    expect(() => registry.updateSettings({ failureThreshold: 1, cooldownMs: -5 })).toThrow(/cooldown/)
    expect(registry.settings).toEqual({ failureThreshold: 1, cooldownMs: 1000 })
  })

  it('forgets a removed provider', () => {
    const registry = new BreakerRegistry({ failureThreshold: 1, cooldownMs: 1000 }, () => 0)
    registry.get('a', 'm')
    registry.get('b', 'm')
    registry.forget('a')
    expect(registry.snapshot().map((r) => r.providerId)).toEqual(['b'])
  })
})
