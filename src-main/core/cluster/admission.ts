import type { TransportChannel } from '../rdma'

/*
 * What a connection may take before it has authenticated: a place under two caps (per remote
 * address and in total) and one deadline for everything up to authentication (open frame, hellos,
 * Noise or pairing). Over a cap the connection is closed at once; at the deadline it is closed
 * whatever it was doing. Frames before authentication are ≤ 16 KiB (HandshakeChannel), so memory
 * per waiting connection is bounded too.
 */

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms)
    handle.unref()
    return handle
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

export interface AdmissionLimits {
  /** Unauthenticated connections from one address at once. */
  perAddress: number
  /** Unauthenticated connections at once, all addresses. */
  total: number
  /** From accept to authenticated, for everything before it. */
  deadlineMs: number
}

export const DEFAULT_ADMISSION: AdmissionLimits = { perAddress: 4, total: 16, deadlineMs: 10_000 }

/** A place taken by one waiting connection; `authenticated` or `release` gives it back (once). */
export interface Admitted {
  authenticated(): void
  release(): void
}

export class Admission {
  private readonly byAddress = new Map<string, number>()
  private waiting = 0

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Connections waiting to authenticate now. */
  get unauthenticated(): number {
    return this.waiting
  }

  /** A place for `channel`, or null (and the channel closed) when a cap is reached. */
  admit(channel: TransportChannel): Admitted | null {
    const address = hostOf(channel.remote)
    const fromAddress = this.byAddress.get(address) ?? 0
    if (fromAddress >= this.limits.perAddress || this.waiting >= this.limits.total) {
      channel.destroy()
      return null
    }
    this.byAddress.set(address, fromAddress + 1)
    this.waiting++
    let held = true
    const timer = this.timers.setTimeout(() => {
      free()
      channel.destroy()
    }, this.limits.deadlineMs)
    const free = () => {
      if (!held) return
      held = false
      this.timers.clearTimeout(timer)
      this.waiting--
      const left = (this.byAddress.get(address) ?? 1) - 1
      if (left > 0) this.byAddress.set(address, left)
      else this.byAddress.delete(address)
    }
    return { authenticated: free, release: free }
  }
}

/** `tcp://10.0.0.2:5000` → `10.0.0.2`; other transports' addresses stay whole minus a trailing port. */
function hostOf(remote: string): string {
  return remote.replace(/^[a-z]+:\/\//i, '').replace(/:\d+$/, '')
}
