/**
 * Turns a job that reports progress through a callback into an async generator: each report is
 * yielded in order as it arrives, and the generator returns the job's result (or throws its
 * error) once every report before it was yielded. Streams (installs, model copies) are built on it.
 */
export async function* streamCallbacks<E, R>(start: (emit: (event: E) => void) => Promise<R>): AsyncGenerator<E, R, void> {
  const queue: E[] = []
  let wake: (() => void) | undefined
  let finished = false
  const job = start((event) => {
    queue.push(event)
    wake?.()
  }).finally(() => {
    finished = true
    wake?.()
  })
  // Its failure is thrown below, after the reports that came before it.
  job.catch(() => undefined)
  for (;;) {
    while (queue.length > 0) yield queue.shift() as E
    if (finished) break
    await new Promise<void>((resolve) => (wake = resolve))
    wake = undefined
  }
  return await job
}
