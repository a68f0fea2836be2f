import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import type { Logger } from 'pino'
import type { AnalyticsSentEvent, AnalyticsSettings, AnalyticsStatus } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { validateEvent, type AnalyticsEvent } from './catalogue'
import type { SentLog } from './sent-log'
import type { AnalyticsBatch, AnalyticsTransport } from './transport'

export interface AnalyticsTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface AnalyticsDeps {
  settings: () => AnalyticsSettings
  onSettingsChange: (listener: (next: AnalyticsSettings) => void) => () => void
  /** Built on the first batch that goes out, never before: with consent off it is never called. */
  transport: () => AnalyticsTransport
  sentLog: SentLog
  /** Where the install id is kept while consent is granted (deleted on revoke). */
  idFile: string
  newId?: () => string
  now?: () => number
  timers?: AnalyticsTimers
  /** Events per POST. */
  batchSize?: number
  /** Events held at most; the oldest go first when it is full. */
  maxQueued?: number
  /** How long an event waits for others to share its batch (ms). */
  flushDelayMs?: number
  /** Consent was just granted in a running app (the wiring counts this session as started). */
  onGranted?: () => void
  changed?: (status: AnalyticsStatus) => void
  log?: Logger
}

const realTimers: AnalyticsTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/**
 * Consent-gated usage analytics. `record()` is the one choke point: unless consent is granted and
 * an endpoint is set it does nothing at all, so no event is queued and no transport exists.
 */
export class Analytics {
  private current: AnalyticsSettings
  private installId: string | null = null
  private queue: (AnalyticsEvent & { at: number })[] = []
  private timer: unknown = null
  private flushing: Promise<void> | null = null
  private transport: AnalyticsTransport | null = null
  private counts = { sent: 0, failed: 0, dropped: 0 }
  private lastError: string | null = null
  private readonly unsubscribe: () => void
  private readonly now: () => number
  private readonly timers: AnalyticsTimers

  constructor(private readonly deps: AnalyticsDeps) {
    this.now = deps.now ?? Date.now
    this.timers = deps.timers ?? realTimers
    this.current = deps.settings()
    if (this.current.consent === 'granted') this.installId = this.loadId() ?? this.createId()
    else this.deleteId() // a leftover from a crash between revoke and delete
    this.unsubscribe = deps.onSettingsChange((next) => this.apply(next))
  }

  get active(): boolean {
    return this.current.consent === 'granted' && this.current.endpoint !== ''
  }

  /** Validates the event against the catalogue (throws a ValidationError), then queues it only when active. */
  record(type: string, fields: unknown): boolean {
    const event = validateEvent(type, fields)
    if (!this.active) return false
    if (this.queue.length >= (this.deps.maxQueued ?? 200)) {
      this.queue.shift()
      this.counts.dropped++
    }
    this.queue.push({ ...event, at: this.now() })
    if (this.queue.length >= this.batchSize) void this.flush()
    else this.schedule()
    return true
  }

  status(): AnalyticsStatus {
    return {
      consent: this.current.consent,
      endpoint: this.current.endpoint,
      installId: this.current.consent === 'granted' ? this.installId : null,
      active: this.active,
      queued: this.queue.length,
      ...this.counts,
      lastError: this.lastError,
    }
  }

  /** A new random id; what waited under the old one is dropped so the two cannot be linked. */
  resetId(): AnalyticsStatus {
    if (this.current.consent !== 'granted') throw new AppError('E_CONFIG', 'Analytics is off, so there is no install id to reset.', { hint: 'Turn analytics on first.' })
    this.queue = []
    this.installId = this.createId()
    this.emit()
    return this.status()
  }

  sent(limit?: number): Promise<AnalyticsSentEvent[]> {
    return this.deps.sentLog.read(limit)
  }

  /** Sends what is queued now (one batch at a time); failures are logged as such, never thrown. */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing
    this.cancelTimer()
    this.flushing = this.sendBatch().finally(() => {
      this.flushing = null
      if (this.queue.length > 0) this.schedule()
    })
    return this.flushing
  }

  async close(): Promise<void> {
    this.unsubscribe()
    this.cancelTimer()
    await this.flushing
    // One last batch on the way out; the short transport timeout bounds the wait.
    if (this.queue.length > 0) await this.flush()
    this.cancelTimer()
    await this.deps.sentLog.append([])
  }

  private get batchSize(): number {
    return this.deps.batchSize ?? 20
  }

  private async sendBatch(): Promise<void> {
    const installId = this.installId
    const endpoint = this.current.endpoint
    const events = this.queue.splice(0, this.batchSize)
    if (events.length === 0 || !installId || !this.active) return
    const batch: AnalyticsBatch = { schema: 1, app: 'ollama-desk', installId, events: events.map(({ type, at, fields }) => ({ type, at, fields })) }
    let error: string | undefined
    try {
      this.transport ??= this.deps.transport()
      await this.transport.send(endpoint, batch)
      this.counts.sent += events.length
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure)
      this.counts.failed += events.length
      this.lastError = error
      this.deps.log?.warn({ endpoint, events: events.length, error }, 'analytics batch was not delivered')
    }
    const outcome = error === undefined ? ('sent' as const) : ('failed' as const)
    await this.deps.sentLog.append(batch.events.map((event) => ({ ...event, installId, endpoint, outcome, ...(error === undefined ? {} : { error }) })))
    this.emit()
  }

  private apply(next: AnalyticsSettings): void {
    const before = this.current
    if (before.consent === next.consent && before.endpoint === next.endpoint) return
    this.current = next
    const granted = next.consent === 'granted'
    if (before.consent === 'granted' && !granted) this.forget()
    else if (!this.active) this.queue = []
    if (granted && before.consent !== 'granted') {
      this.installId = this.createId()
      this.deps.onGranted?.()
    }
    this.emit()
  }

  /** Revoked: the id and everything unsent are gone. */
  private forget(): void {
    this.cancelTimer()
    this.queue = []
    this.installId = null
    this.deleteId()
  }

  private schedule(): void {
    if (this.timer !== null || this.flushing) return
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      void this.flush()
    }, this.deps.flushDelayMs ?? 3_000)
  }

  private cancelTimer(): void {
    if (this.timer === null) return
    this.timers.clearTimeout(this.timer)
    this.timer = null
  }

  private emit(): void {
    this.deps.changed?.(this.status())
  }

  private loadId(): string | null {
    try {
      const saved = JSON.parse(fs.readFileSync(this.deps.idFile, 'utf8')) as { id?: unknown }
      return typeof saved.id === 'string' && /^[0-9a-f-]{36}$/.test(saved.id) ? saved.id : null
    } catch {
      return null
    }
  }

  private createId(): string {
    const id = (this.deps.newId ?? randomUUID)()
    try {
      fs.writeFileSync(this.deps.idFile, JSON.stringify({ id }), { mode: 0o600 })
    } catch (error) {
      // Kept in memory for this run: the next start makes another id, which only costs a count.
      this.deps.log?.warn({ err: error }, 'could not save the analytics install id')
    }
    return id
  }

  private deleteId(): void {
    try {
      fs.rmSync(this.deps.idFile, { force: true })
    } catch (error) {
      this.deps.log?.warn({ err: error }, 'could not delete the analytics install id')
    }
  }
}
