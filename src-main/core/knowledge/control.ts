import { CancelledError } from '../errors'

export type JobState = 'running' | 'paused' | 'cancelled'

/**
 * Pause, resume and cancel for a long job: the job awaits `checkpoint()` between files and
 * between batches, so a pause holds it at a consistent point and a cancel ends it there.
 */
export class JobControl {
  private current: JobState = 'running'
  private wake: (() => void)[] = []
  readonly abort = new AbortController()

  get state(): JobState {
    return this.current
  }

  /** True while the job is held at a checkpoint by a pause (it does no work then). */
  get holding(): boolean {
    return this.wake.length > 0
  }

  pause(): void {
    if (this.current === 'running') this.current = 'paused'
  }

  resume(): void {
    if (this.current !== 'paused') return
    this.current = 'running'
    for (const wake of this.wake.splice(0)) wake()
  }

  cancel(): void {
    if (this.current === 'cancelled') return
    this.current = 'cancelled'
    this.abort.abort(new CancelledError('Indexing was cancelled.'))
    for (const wake of this.wake.splice(0)) wake()
  }

  /** Returns at once while running, waits while paused, throws CancelledError once cancelled. */
  async checkpoint(): Promise<void> {
    while (this.current === 'paused') await new Promise<void>((resolve) => this.wake.push(resolve))
    if (this.current === 'cancelled') throw new CancelledError('Indexing was cancelled.')
  }
}
