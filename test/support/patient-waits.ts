import { vi } from 'vitest'

/**
 * How long any wait in a test may take before it counts as a failure. Waits end as soon as their
 * condition holds, so this ceiling costs nothing when the machine is quick; it only decides how
 * long a busy 2-core CI machine (or `npm run test:stress`) may take to get there. Tests assert
 * order and outcome, never how fast something happened.
 */
export const WAIT_CEILING_MS = 30_000

type WaitOptions = Parameters<typeof vi.waitFor>[1]

/** vitest's `vi.waitFor` gives up after 1 s by default and offers no setting for it: raise the default here, once. */
function patient(options: WaitOptions): WaitOptions {
  if (typeof options === 'number') return Math.max(options, WAIT_CEILING_MS)
  return { ...options, timeout: Math.max(options?.timeout ?? 0, WAIT_CEILING_MS) }
}

const waitFor = vi.waitFor.bind(vi)
vi.waitFor = ((callback, options) => waitFor(callback, patient(options))) as typeof vi.waitFor
