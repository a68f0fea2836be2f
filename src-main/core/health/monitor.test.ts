import { describe, expect, it } from 'vitest'
import type { HealthPoint, ProviderHealth } from '../../../src-shared/contract'
import { AuthError, ProviderServerError } from '../providers/errors'
import type { ProbeResult } from '../providers/types'
import { BreakerRegistry } from '../resilience/breaker'
import { HealthMonitor, healthStatus, type MonitoredProvider } from './monitor'
import { TrafficRecorder } from './metrics'

/** Fake time: timers fire in order as `advance` moves the clock, with promise work settled in between. */
class FakeClock {
  t = 1_000_000
  private seq = 0
  private readonly timers = new Map<number, { at: number; fn: () => void }>()
  now = () => this.t
  timers_ = {
    setTimeout: (fn: () => void, ms: number) => {
      const id = ++this.seq
      this.timers.set(id, { at: this.t + ms, fn })
      return id
    },
    clearTimeout: (id: unknown) => void this.timers.delete(id as number),
  }
  get pending(): number {
    return this.timers.size
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms
    for (;;) {
      await settle()
      const next = [...this.timers.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0]
      if (!next) break
      this.timers.delete(next[0])
      this.t = next[1].at
      next[1].fn()
    }
    this.t = end
    await settle()
  }
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

function probeCounter(result: () => Promise<ProbeResult> = () => Promise.resolve({ ok: true, latencyMs: 7 })) {
  const calls: number[] = []
  return { calls, probe: (clock: FakeClock) => () => (calls.push(clock.t), result()) }
}

function setup(options: { online?: () => boolean; providers?: (clock: FakeClock) => MonitoredProvider[]; history?: HealthPoint[] } = {}) {
  const clock = new FakeClock()
  const remote = probeCounter()
  const local = probeCounter()
  const breakers = new BreakerRegistry({ failureThreshold: 1, cooldownMs: 60_000 }, clock.now)
  const traffic = new TrafficRecorder()
  const providers =
    options.providers?.(clock) ??
    ([
      { id: 'openai', name: 'OpenAI', kind: 'openai', enabled: true, loopback: false, provider: { probe: remote.probe(clock) } },
      { id: 'ollama', name: 'Ollama', kind: 'ollama', enabled: true, loopback: true, provider: { probe: local.probe(clock) } },
      { id: 'off', name: 'Off', kind: 'gemini', enabled: false, loopback: false, provider: { probe: () => Promise.reject(new Error('never')) } },
    ] satisfies MonitoredProvider[])
  const monitor = new HealthMonitor({
    providers: () => providers,
    breakers,
    traffic,
    history: { append: (p) => void options.history?.push(p) },
    spend: (id) => ({ todayUsd: id === 'openai' ? 1.5 : 0, monthUsd: id === 'openai' ? 9 : 0 }),
    isOnline: options.online ?? (() => true),
    timers: clock.timers_,
    now: clock.now,
  })
  return { clock, monitor, remote, local, breakers, traffic }
}

describe('HealthMonitor schedule', () => {
  it('probes at once, then every 30 s while the app is in use', async () => {
    const { clock, monitor, remote } = setup()
    const start = clock.t
    monitor.start()
    await clock.advance(90_000)
    expect(remote.calls.map((t) => t - start)).toEqual([0, 30_000, 60_000, 90_000])
    monitor.stop()
  })

  it('slows to every 5 minutes when idle, and speeds up again on markActive', async () => {
    const { clock, monitor, remote } = setup()
    const start = clock.t
    monitor.start()
    await clock.advance(15 * 60_000)
    const offsets = remote.calls.map((t) => t - start)
    // Active for the first 5 minutes (30 s apart), then 5 minutes apart.
    expect(offsets.filter((t) => t <= 300_000)).toEqual(Array.from({ length: 11 }, (_, i) => i * 30_000))
    expect(offsets.filter((t) => t > 300_000)).toEqual([600_000, 900_000])
    expect(monitor.currentInterval()).toBe(300_000)
    await clock.advance(10_000)
    monitor.markActive()
    expect(monitor.currentInterval()).toBe(30_000)
    await clock.advance(20_000)
    // The last probe was 30 s ago when markActive came 10 s after it: next one 30 s after the last.
    expect(remote.calls.map((t) => t - start).at(-1)).toBe(930_000)
    monitor.stop()
  })

  it('pauses remote probes while offline but keeps probing loopback providers', async () => {
    let online = false
    const { clock, monitor, remote, local } = setup({ online: () => online })
    monitor.start()
    await clock.advance(60_000)
    expect(remote.calls).toHaveLength(0)
    expect(local.calls).toHaveLength(3)
    online = true
    await clock.advance(30_000)
    expect(remote.calls).toHaveLength(1)
    monitor.stop()
  })

  it('never probes disabled providers and reports them disabled', async () => {
    const { clock, monitor } = setup()
    monitor.start()
    await clock.advance(0)
    expect(monitor.snapshot().find((p) => p.providerId === 'off')?.status).toBe('disabled')
    monitor.stop()
  })

  it('stop() clears every timer', async () => {
    const { clock, monitor, remote } = setup()
    monitor.start()
    await clock.advance(0)
    monitor.stop()
    expect(clock.pending).toBe(0)
    await clock.advance(600_000)
    expect(remote.calls).toHaveLength(1)
  })
})

describe('HealthMonitor probes', () => {
  it('times out a hanging probe without holding up the others', async () => {
    let aborted = false
    const { clock, monitor } = setup({
      providers: () => [
        {
          id: 'hang',
          name: 'Hangs',
          kind: 'openai-compatible',
          enabled: true,
          loopback: false,
          provider: { probe: (signal) => new Promise<ProbeResult>(() => signal?.addEventListener('abort', () => (aborted = true))) },
        },
        { id: 'fast', name: 'Fast', kind: 'ollama', enabled: true, loopback: true, provider: { probe: () => Promise.resolve({ ok: true, latencyMs: 3, hosts: [{ url: 'http://127.0.0.1:11434', up: true, latencyMs: 3 }] }) } },
      ],
    })
    monitor.start()
    await clock.advance(0)
    const early = monitor.snapshot()
    expect(early.find((p) => p.providerId === 'fast')).toMatchObject({ status: 'up', probeLatencyMs: 3, hosts: [{ url: 'http://127.0.0.1:11434', up: true, latencyMs: 3 }] })
    expect(early.find((p) => p.providerId === 'hang')?.status).toBe('unknown')
    await clock.advance(10_000)
    const hang = monitor.snapshot().find((p) => p.providerId === 'hang')!
    expect(aborted).toBe(true)
    expect(hang.status).toBe('down')
    expect(hang.lastError).toMatchObject({ code: 'E_TIMEOUT', message: 'Hangs did not answer the health check within 10 s.' })
    monitor.stop()
  })

  it('records a probe that throws as down with its error', async () => {
    const { clock, monitor } = setup({
      providers: () => [{ id: 'bad', name: 'Bad', kind: 'anthropic', enabled: true, loopback: false, provider: { probe: () => Promise.reject(new AuthError('Anthropic')) } }],
    })
    await monitor.probeAll()
    expect(monitor.snapshot()[0]).toMatchObject({ status: 'down', lastProbeAt: clock.t, lastError: { code: 'E_AUTH' } })
  })

  it('probeNow probes one provider and rejects an unknown id', async () => {
    const { monitor, remote, local } = setup()
    const row = await monitor.probeNow('openai')
    expect(row).toMatchObject({ providerId: 'openai', status: 'up', spend: { todayUsd: 1.5, monthUsd: 9 } })
    expect(remote.calls).toHaveLength(1)
    expect(local.calls).toHaveLength(0)
    await expect(monitor.probeNow('nope')).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })

  it('writes probe and request points to the history', async () => {
    const history: HealthPoint[] = []
    const { clock, monitor, traffic } = setup({ history })
    monitor.start()
    await clock.advance(0)
    traffic.record({ providerId: 'openai', model: 'gpt', ok: true, ttftMs: 200, totalMs: 1200, outputTokens: 40, at: clock.t })
    expect(history.filter((p) => p.kind === 'probe').map((p) => p.providerId).sort()).toEqual(['ollama', 'openai'])
    expect(history.find((p) => p.kind === 'request')).toEqual({ t: clock.t, providerId: 'openai', kind: 'request', ok: true, latencyMs: 1200, ttftMs: 200, tokensPerSec: 40 })
    monitor.stop()
  })
})

describe('HealthMonitor status and notifications', () => {
  it('derives degraded from open circuits and error rate, down when every circuit is open', async () => {
    const { monitor, breakers, traffic, clock } = setup()
    await monitor.probeAll()
    const status = () => monitor.snapshot().find((p) => p.providerId === 'openai')!.status
    expect(status()).toBe('up')
    breakers.get('openai', 'gpt-4o-mini')
    const breaker = breakers.get('openai', 'gpt-4o')
    breaker.acquire()
    breaker.onFailure(new ProviderServerError('OpenAI', 500))
    expect(status()).toBe('degraded')
    const other = breakers.get('openai', 'gpt-4o-mini')
    other.acquire()
    other.onFailure(new ProviderServerError('OpenAI', 500))
    expect(status()).toBe('down')
    expect(monitor.snapshot().find((p) => p.providerId === 'openai')!.breakers).toEqual([
      { model: 'gpt-4o-mini', state: 'open', failures: 1, openUntil: clock.t + 60_000 },
      { model: 'gpt-4o', state: 'open', failures: 1, openUntil: clock.t + 60_000 },
    ])
    for (let i = 0; i < 4; i++) traffic.record({ providerId: 'ollama', model: 'llama', ok: i > 0, ttftMs: 10, totalMs: 20, outputTokens: 1, at: clock.t })
    expect(monitor.snapshot().find((p) => p.providerId === 'ollama')!.status).toBe('degraded')
  })

  it.each<[string, Parameters<typeof healthStatus>, ProviderHealth['status']]>([
    ['disabled', [false, { ok: true, latencyMs: 1 }, [], { requests: 0, errorRate: 0 }], 'disabled'],
    ['never probed', [true, undefined, [], { requests: 0, errorRate: 0 }], 'unknown'],
    ['failed probe', [true, { ok: false, latencyMs: null }, [], { requests: 0, errorRate: 0 }], 'down'],
    ['20% errors is still up', [true, { ok: true, latencyMs: 1 }, [{ state: 'closed' }], { requests: 5, errorRate: 0.2 }], 'up'],
    ['over 20% errors', [true, { ok: true, latencyMs: 1 }, [], { requests: 5, errorRate: 0.4 }], 'degraded'],
    ['half-open circuit', [true, { ok: true, latencyMs: 1 }, [{ state: 'half-open' }, { state: 'closed' }], { requests: 0, errorRate: 0 }], 'degraded'],
  ])('status: %s', (_name, args, expected) => {
    expect(healthStatus(...args)).toBe(expected)
  })

  it('notifies at most once a second, coalescing bursts', async () => {
    const { clock, monitor, breakers } = setup()
    const seen: { at: number; states: string[] }[] = []
    monitor.onChange((providers) => seen.push({ at: clock.t, states: providers.find((p) => p.providerId === 'openai')!.breakers.map((b) => b.state) }))
    monitor.start()
    await clock.advance(0)
    expect(seen).toHaveLength(1)
    const start = clock.t
    for (const model of ['a', 'b', 'c']) {
      const breaker = breakers.get('openai', model)
      breaker.acquire()
      breaker.onFailure(new ProviderServerError('OpenAI', 500))
    }
    expect(seen).toHaveLength(1)
    await clock.advance(1000)
    expect(seen).toHaveLength(2)
    expect(seen[1]).toEqual({ at: start + 1000, states: ['open', 'open', 'open'] })
    monitor.stop()
  })
})
