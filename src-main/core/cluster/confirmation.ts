import type { Timers } from './admission'

/** The user's answer to `ask`, or false when it fails, when `ms` pass first, or when `signal` aborts. */
export function answerWithin(ask: () => Promise<boolean>, ms: number, timers: Timers, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = timers.setTimeout(() => resolve(false), ms)
    const stop = () => resolve(false)
    signal.addEventListener('abort', stop, { once: true })
    ask()
      .then(resolve, () => resolve(false))
      .finally(() => {
        timers.clearTimeout(timer)
        signal.removeEventListener('abort', stop)
      })
  })
}
