import { vi } from 'vitest'
import { WAIT_CEILING_MS } from './patient-waits'

// Captured when this module loads, before any test fakes the clock.
const realSetTimeout = globalThis.setTimeout

/**
 * Starts `run` with setTimeout/clearTimeout frozen, waits in real time until `ready` holds, then
 * lets `ms` pass: a timeout meant to fire does so only once the code under test got as far as the
 * test needs, however slow the machine. (vi.waitFor would move a fake clock by itself, hence the own
 * loop; its ceiling is the one of every wait in the suite.) `what` names the thing that is awaited.
 */
export async function runUntilTimedOut<T>(run: () => Promise<T>, ready: () => boolean, ms: number, what: string): Promise<T> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  let running: Promise<T>
  try {
    running = run()
    const giveUpAt = Date.now() + WAIT_CEILING_MS
    while (!ready()) {
      if (Date.now() > giveUpAt) throw new Error(`${what} never got as far as the test waits for`)
      await new Promise((resolve) => realSetTimeout(resolve, 20))
    }
    vi.advanceTimersByTime(ms)
  } finally {
    vi.useRealTimers()
  }
  return running
}
