import type { BreakerState } from '../../../src-shared/contract'
import { ValidationError, errorClassOf, type AppError } from '../errors'

export interface BreakerSettings {
  /** Consecutive provider failures that open the circuit. */
  failureThreshold: number
  /** How long an open circuit rejects requests before letting one trial through. */
  cooldownMs: number
}

export type BreakerDecision = { allowed: true } | { allowed: false; state: BreakerState; openUntil: number | null }

export interface BreakerRow {
  providerId: string
  model: string
  state: BreakerState
  failures: number
  openUntil: number | null
}

/**
 * Only failures that say the provider is unwell count: server errors, network and timeouts,
 * rate limits and unreadable replies. A bad key, a too-long conversation, a content filter, a
 * missing model, an empty quota or a user's cancel are about the request or the account; opening
 * the circuit for them would hide the real message behind "circuit open".
 */
export function countsAgainstProvider(error: AppError): boolean {
  const cls = errorClassOf(error)
  return cls === 'server' || cls === 'network' || cls === 'timeout' || cls === 'rate-limited' || cls === 'bad-response'
}

export function checkBreakerSettings(settings: BreakerSettings): BreakerSettings {
  if (!Number.isInteger(settings.failureThreshold) || settings.failureThreshold < 1) {
    throw new ValidationError(`The breaker needs a failure threshold of 1 or more; got ${settings.failureThreshold}.`)
  }
  if (!Number.isFinite(settings.cooldownMs) || settings.cooldownMs < 0) {
    throw new ValidationError(`The breaker cooldown must be zero or more milliseconds; got ${settings.cooldownMs}.`)
  }
  return { failureThreshold: settings.failureThreshold, cooldownMs: settings.cooldownMs }
}

/**
 * closed → open after `failureThreshold` consecutive failures; open rejects until the cooldown
 * has passed; then half-open lets exactly one trial through: success closes, failure re-opens.
 */
export class CircuitBreaker {
  private current: 'closed' | 'open' | 'half-open' = 'closed'
  private consecutiveFailures = 0
  private openedUntil: number | null = null
  private trialInFlight = false

  constructor(
    private readonly settings: () => BreakerSettings,
    private readonly now: () => number,
    private readonly onTransition: (from: BreakerState, to: BreakerState) => void = () => {},
  ) {}

  /** As a dashboard should show it: an open circuit whose cooldown has passed is ready for a trial. */
  get state(): BreakerState {
    if (this.current === 'open' && this.openedUntil !== null && this.now() >= this.openedUntil) return 'half-open'
    return this.current
  }

  get failures(): number {
    return this.consecutiveFailures
  }

  get openUntil(): number | null {
    return this.current === 'open' ? this.openedUntil : null
  }

  /** Asks to send one request. Every allowed request must end in onSuccess, onFailure or onNeutral. */
  acquire(): BreakerDecision {
    if (this.current === 'open') {
      if (this.openedUntil !== null && this.now() < this.openedUntil) return { allowed: false, state: 'open', openUntil: this.openedUntil }
      this.move('half-open')
    }
    if (this.current === 'half-open') {
      if (this.trialInFlight) return { allowed: false, state: 'half-open', openUntil: null }
      this.trialInFlight = true
    }
    return { allowed: true }
  }

  onSuccess(): void {
    this.trialInFlight = false
    this.consecutiveFailures = 0
    this.openedUntil = null
    if (this.current !== 'closed') this.move('closed')
  }

  /** Counts the failure if it says something about the provider; otherwise it is neutral. */
  onFailure(error: AppError): void {
    if (!countsAgainstProvider(error)) {
      this.onNeutral()
      return
    }
    this.trialInFlight = false
    this.consecutiveFailures += 1
    const { failureThreshold, cooldownMs } = this.settings()
    if (this.current === 'half-open' || this.consecutiveFailures >= failureThreshold) {
      this.openedUntil = this.now() + cooldownMs
      if (this.current !== 'open') this.move('open')
    }
  }

  /** The request ended without telling us anything (cancelled, or failed for a request-side reason). */
  onNeutral(): void {
    this.trialInFlight = false
  }

  private move(to: 'closed' | 'open' | 'half-open'): void {
    const from = this.current
    this.current = to
    this.onTransition(from, to)
  }
}

/** One breaker per provider and model: one overloaded model must not block its siblings. */
export class BreakerRegistry {
  private readonly breakers = new Map<string, { providerId: string; model: string; breaker: CircuitBreaker }>()
  private readonly listeners = new Set<(row: BreakerRow) => void>()
  private current: BreakerSettings

  constructor(settings: BreakerSettings, private readonly now: () => number) {
    this.current = checkBreakerSettings(settings)
  }

  get settings(): BreakerSettings {
    return { ...this.current }
  }

  /** Applies to every breaker from its next decision on; states and counts are kept. */
  updateSettings(settings: BreakerSettings): void {
    this.current = checkBreakerSettings(settings)
  }

  get(providerId: string, model: string): CircuitBreaker {
    const key = `${providerId}:${model}`
    let entry = this.breakers.get(key)
    if (!entry) {
      const breaker: CircuitBreaker = new CircuitBreaker(
        () => this.current,
        this.now,
        () => this.emit(this.row(providerId, model, breaker)),
      )
      entry = { providerId, model, breaker }
      this.breakers.set(key, entry)
    }
    return entry.breaker
  }

  snapshot(providerId?: string): BreakerRow[] {
    const rows: BreakerRow[] = []
    for (const entry of this.breakers.values()) {
      if (providerId === undefined || entry.providerId === providerId) rows.push(this.row(entry.providerId, entry.model, entry.breaker))
    }
    return rows
  }

  /** Called when a breaker changes state; returns an unsubscribe function. */
  onChange(listener: (row: BreakerRow) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Forget a provider's breakers (it was removed or reconfigured). */
  forget(providerId: string): void {
    for (const [key, entry] of this.breakers) if (entry.providerId === providerId) this.breakers.delete(key)
  }

  private row(providerId: string, model: string, breaker: CircuitBreaker): BreakerRow {
    return { providerId, model, state: breaker.state, failures: breaker.failures, openUntil: breaker.openUntil }
  }

  private emit(row: BreakerRow): void {
    for (const listener of this.listeners) listener(row)
  }
}
