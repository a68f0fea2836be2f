import type { FetchLike } from '../../ollama/probe'
import type { ProcessRunner } from '../types'

/**
 * For tests against real processes on a possibly busy machine: the short deadlines the installer
 * gives a probe (2 s) or a `--version` (5 s) are for a user's machine, and none of them is meant to
 * run out in these tests. Only a deadline is lifted: a cancel still cancels.
 */

/** fetch for `probeFetch` that honours a cancel but not the probe's own timeout. */
export const patientProbeFetch: FetchLike = (url, init) => {
  const controller = new AbortController()
  const signal = init?.signal
  const follow = () => {
    if ((signal?.reason as Error | undefined)?.name !== 'TimeoutError') controller.abort(signal?.reason)
  }
  if (signal?.aborted) follow()
  else signal?.addEventListener('abort', follow, { once: true })
  return fetch(url, { signal: controller.signal })
}

/** Gives every command at least 30 s. */
export function patientRun(run: ProcessRunner['run']): ProcessRunner['run'] {
  return (command, args, options = {}) => run(command, args, { ...options, timeoutMs: Math.max(options.timeoutMs ?? 0, 30_000) })
}
