import { TimeoutError } from '../errors'
import type { TransportChannel } from '../rdma'
import type { Timers } from './admission'

/*
 * After authentication a connection may stay open only while the other machine keeps it busy: when
 * this side has waited `ms` for its next bytes, the connection is closed. Only waits for the peer
 * count, so this side's own slow work (hashing a large blob, a slow disk) never trips it.
 */

export const DEFAULT_IDLE_TIMEOUT_MS = 120_000

export interface IdleGuarded extends TransportChannel {
  /** Set once the guard closed the connection. */
  readonly idleError: TimeoutError | undefined
  /** Starts timing waits (at authentication: before it, the admission deadline applies). */
  arm(): void
}

export function guardIdle(channel: TransportChannel, ms: number, timers: Timers): IdleGuarded {
  let idleError: TimeoutError | undefined
  let armed = false
  const iterator = channel[Symbol.asyncIterator]()
  return {
    get remote() {
      return channel.remote
    },
    get idleError() {
      return idleError
    },
    arm: () => {
      armed = true
    },
    write: (chunk) => channel.write(chunk),
    end: () => channel.end(),
    destroy: (error) => channel.destroy(error),
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (!armed) return iterator.next()
        const timer = timers.setTimeout(() => {
          idleError = new TimeoutError(`The machine at ${channel.remote} sent nothing for ${Math.round(ms / 1000)} s; the connection was closed.`)
          channel.destroy(idleError)
        }, ms)
        try {
          return await iterator.next()
        } finally {
          timers.clearTimeout(timer)
        }
      },
      return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
    }),
  }
}
