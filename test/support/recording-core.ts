import type { CoreOptions } from '../../src-main/core/app'
import { createTestCore, type TestCore } from './core'

export interface RecordingCore {
  t: TestCore
  /** Every delay the core asked its clock to sleep, in order. */
  delays: number[]
}

/**
 * A real core whose provider clock never waits: sleep records the delay and returns at once
 * (or throws if the signal is already aborted), and random() is 0.5 so backoff is predictable.
 */
export function createRecordingCore(options: Partial<CoreOptions> = {}): RecordingCore {
  const delays: number[] = []
  const t = createTestCore({
    ...options,
    providers: {
      ...options.providers,
      clock: {
        sleep: async (ms, signal) => {
          delays.push(ms)
          if (signal.aborted) throw signal.reason
        },
        random: () => 0.5,
      },
    },
  })
  return { t, delays }
}
