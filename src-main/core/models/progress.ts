import type { ProgressResponse } from 'ollama/browser'
import type { PullEvent } from '../../../src-shared/contract'

/** Folds Ollama's pull lines into per-layer totals, an overall percentage and a download speed. */
export class PullProgress {
  private readonly layers = new Map<string, { completed: number; total: number }>()
  private first: { at: number; bytes: number } | undefined

  private readonly now: () => number

  constructor(now: () => number = () => performance.now()) {
    this.now = now
  }

  update(line: Partial<ProgressResponse>): PullEvent {
    const event: PullEvent = { status: line.status ?? '' }
    if (line.digest) {
      const total = line.total ?? 0
      const completed = Math.min(line.completed ?? 0, total || Number.MAX_SAFE_INTEGER)
      this.layers.set(line.digest, { completed, total })
      Object.assign(event, { digest: line.digest, completed, total })
    }
    if (this.layers.size > 0) {
      let done = 0
      let all = 0
      for (const layer of this.layers.values()) {
        done += layer.completed
        all += layer.total
      }
      event.percent = all > 0 ? Math.round((done / all) * 1000) / 10 : 0
      const at = this.now()
      // Speed counts only what this pull fetched: a resumed layer starts with bytes already there.
      this.first ??= { at, bytes: done }
      const seconds = (at - this.first.at) / 1000
      if (seconds > 0) event.bytesPerSecond = Math.max(0, Math.round((done - this.first.bytes) / seconds))
    }
    if (line.status === 'success') event.percent = 100
    return event
  }
}
