import type { ProviderHealth, ProviderKind } from '../../../src-shared/contract'
import { AppError, TimeoutError, toAppError } from '../errors'
import type { ChatProvider, ProbeResult } from '../providers'
import type { BreakerRegistry, BreakerRow } from '../resilience'
import type { HealthHistory } from './history'
import type { TrafficRecorder, TrafficSummary } from './metrics'

export interface MonitoredProvider {
  id: string
  name: string
  kind: ProviderKind
  enabled: boolean
  /** Talks to this machine (127.0.0.1, ::1, localhost): still probed while the network is down. */
  loopback: boolean
  provider: Pick<ChatProvider, 'probe'>
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface HealthMonitorOptions {
  providers: () => MonitoredProvider[]
  breakers: BreakerRegistry
  traffic: TrafficRecorder
  history?: Pick<HealthHistory, 'append'>
  spend?: (providerId: string, now: number) => { todayUsd: number; monthUsd: number }
  isOnline: () => boolean
  timers: Timers
  now: () => number
  /** Probe interval while someone chats. */
  activeIntervalMs?: number
  /** Probe interval once nobody chatted for `idleAfterMs`. */
  idleIntervalMs?: number
  idleAfterMs?: number
  probeTimeoutMs?: number
  /** At most one change notification per this many ms. */
  minNotifyIntervalMs?: number
}

type Status = ProviderHealth['status']

interface LastProbe {
  at: number
  result: ProbeResult
}

/**
 * disabled → down (last probe failed, or every model's circuit is open) → unknown (never
 * probed) → degraded (over 20% of the last hour's requests failed, or some circuit is not
 * closed) → up.
 */
export function healthStatus(enabled: boolean, probe: ProbeResult | undefined, breakers: Pick<BreakerRow, 'state'>[], traffic: Pick<TrafficSummary, 'errorRate' | 'requests'>): Status {
  if (!enabled) return 'disabled'
  if ((probe && !probe.ok) || (breakers.length > 0 && breakers.every((b) => b.state === 'open'))) return 'down'
  if (!probe) return 'unknown'
  if ((traffic.requests > 0 && traffic.errorRate > 0.2) || breakers.some((b) => b.state !== 'closed')) return 'degraded'
  return 'up'
}

/** Probes every enabled provider in the background and keeps the live status the dashboard shows. */
export class HealthMonitor {
  private readonly probes = new Map<string, LastProbe>()
  private readonly listeners = new Set<(providers: ProviderHealth[]) => void>()
  /** Probes under way, with their timeout timers, so stop() can end them. */
  private readonly inFlight = new Map<AbortController, unknown>()
  private readonly unsubscribe: (() => void)[] = []
  private tickHandle: unknown = null
  private dueAt: number | null = null
  private lastTickAt: number | null = null
  private lastActiveAt: number
  private probing = false
  private running = false
  private notifyHandle: unknown = null
  private lastNotifyAt: number | null = null
  private lastNotified = ''
  private readonly activeMs: number
  private readonly idleMs: number
  private readonly idleAfterMs: number
  private readonly timeoutMs: number
  private readonly minNotifyMs: number

  constructor(private readonly options: HealthMonitorOptions) {
    this.activeMs = options.activeIntervalMs ?? 30_000
    this.idleMs = options.idleIntervalMs ?? 5 * 60_000
    this.idleAfterMs = options.idleAfterMs ?? 5 * 60_000
    this.timeoutMs = options.probeTimeoutMs ?? 10_000
    this.minNotifyMs = options.minNotifyIntervalMs ?? 1000
    this.lastActiveAt = options.now()
  }

  /** Probes once right away, then on the active or idle interval. */
  start(): void {
    if (this.running) return
    this.running = true
    this.unsubscribe.push(
      this.options.breakers.onChange(() => this.changed()),
      this.options.traffic.onRecord((sample) => {
        const generatingMs = sample.ttftMs === null ? 0 : sample.totalMs - sample.ttftMs
        this.options.history?.append({
          t: sample.at,
          providerId: sample.providerId,
          kind: 'request',
          ok: sample.ok,
          latencyMs: sample.totalMs,
          ttftMs: sample.ttftMs,
          tokensPerSec: generatingMs > 0 && sample.outputTokens > 0 ? sample.outputTokens / (generatingMs / 1000) : null,
        })
        this.changed()
      }),
    )
    this.schedule(0)
  }

  stop(): void {
    this.running = false
    for (const off of this.unsubscribe.splice(0)) off()
    if (this.tickHandle !== null) this.options.timers.clearTimeout(this.tickHandle)
    if (this.notifyHandle !== null) this.options.timers.clearTimeout(this.notifyHandle)
    this.tickHandle = this.notifyHandle = null
    this.dueAt = null
    for (const [controller, timer] of this.inFlight) {
      this.options.timers.clearTimeout(timer)
      controller.abort()
    }
    this.inFlight.clear()
  }

  /** Someone is chatting: probe on the short interval, and soon if the last probe is stale. */
  markActive(): void {
    const now = this.options.now()
    this.lastActiveAt = now
    if (!this.running || this.probing || this.dueAt === null) return
    const wanted = Math.max(now, (this.lastTickAt ?? now) + this.activeMs)
    if (this.dueAt > wanted) this.schedule(wanted - now)
  }

  /** The interval the next probe round waits. */
  currentInterval(): number {
    return this.options.now() - this.lastActiveAt < this.idleAfterMs ? this.activeMs : this.idleMs
  }

  onChange(listener: (providers: ProviderHealth[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Probes one provider now (the dashboard's refresh), whatever the schedule. */
  async probeNow(providerId: string): Promise<ProviderHealth> {
    const entry = this.options.providers().find((p) => p.id === providerId)
    if (!entry) throw new AppError('E_NOT_FOUND', `There is no provider "${providerId}".`, { hint: 'It may have been removed; reopen Providers & Health.' })
    await this.probe(entry)
    this.changed()
    return this.row(entry, this.options.now())
  }

  /** One round: every enabled provider in parallel; only loopback ones while offline. */
  async probeAll(): Promise<void> {
    const online = this.options.isOnline()
    const due = this.options.providers().filter((p) => p.enabled && (online || p.loopback))
    await Promise.all(due.map((p) => this.probe(p)))
    if (due.length > 0) this.changed()
  }

  snapshot(): ProviderHealth[] {
    const now = this.options.now()
    return this.options.providers().map((p) => this.row(p, now))
  }

  private row(p: MonitoredProvider, now: number): ProviderHealth {
    const last = this.probes.get(p.id)
    const rows = this.options.breakers.snapshot(p.id)
    const traffic = this.options.traffic.summary(p.id, now)
    return {
      providerId: p.id,
      name: p.name,
      kind: p.kind,
      status: healthStatus(p.enabled, last?.result, rows, traffic),
      lastProbeAt: last?.at ?? null,
      probeLatencyMs: last?.result.latencyMs ?? null,
      lastError: last?.result.error?.toShape() ?? null,
      breakers: rows.map(({ model, state, failures, openUntil }) => ({ model, state, failures, openUntil })),
      traffic,
      hosts: last?.result.hosts ?? [],
      spend: this.options.spend?.(p.id, now) ?? { todayUsd: 0, monthUsd: 0 },
    }
  }

  private async tick(): Promise<void> {
    this.tickHandle = null
    this.dueAt = null
    if (!this.running || this.probing) return
    this.probing = true
    this.lastTickAt = this.options.now()
    try {
      await this.probeAll()
    } finally {
      this.probing = false
      if (this.running) this.schedule(this.currentInterval())
    }
  }

  private schedule(delayMs: number): void {
    if (this.tickHandle !== null) this.options.timers.clearTimeout(this.tickHandle)
    this.dueAt = this.options.now() + delayMs
    this.tickHandle = this.options.timers.setTimeout(() => void this.tick(), delayMs)
  }

  private async probe(p: MonitoredProvider): Promise<void> {
    const { timers, now } = this.options
    const controller = new AbortController()
    let timer: unknown = null
    const timedOut = new Promise<ProbeResult>((resolve) => {
      timer = timers.setTimeout(() => {
        controller.abort()
        resolve({ ok: false, latencyMs: null, error: new TimeoutError(`${p.name} did not answer the health check within ${Math.round(this.timeoutMs / 1000)} s.`) })
      }, this.timeoutMs)
    })
    this.inFlight.set(controller, timer)
    let result: ProbeResult
    try {
      result = await Promise.race([p.provider.probe(controller.signal), timedOut])
    } catch (error) {
      result = { ok: false, latencyMs: null, error: toAppError(error) }
    } finally {
      timers.clearTimeout(timer)
      this.inFlight.delete(controller)
    }
    const at = now()
    this.probes.set(p.id, { at, result })
    this.options.history?.append({ t: at, providerId: p.id, kind: 'probe', ok: result.ok, latencyMs: result.latencyMs, ttftMs: null, tokensPerSec: null })
  }

  /** Coalesces bursts of changes into at most one notification per `minNotifyIntervalMs`. */
  private changed(): void {
    if (this.listeners.size === 0 || this.notifyHandle !== null) return
    const now = this.options.now()
    const wait = this.lastNotifyAt === null ? 0 : Math.max(0, this.lastNotifyAt + this.minNotifyMs - now)
    if (wait === 0) this.notify()
    else
      this.notifyHandle = this.options.timers.setTimeout(() => {
        this.notifyHandle = null
        this.notify()
      }, wait)
  }

  private notify(): void {
    const providers = this.snapshot()
    const text = JSON.stringify(providers)
    if (text === this.lastNotified) return
    this.lastNotified = text
    this.lastNotifyAt = this.options.now()
    for (const listener of this.listeners) listener(providers)
  }
}
