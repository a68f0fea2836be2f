import { performance as nodePerformance } from 'node:perf_hooks'
import type { MarkEntry } from '../../../src-shared/contract'

/** What the recorder needs of `performance`; tests pass a fake clock. */
export interface PerformanceLike {
  now(): number
  mark(name: string, options?: { startTime?: number }): unknown
  measure(name: string, options: { start: number; end: number }): unknown
  clearMarks(name?: string): void
  clearMeasures(name?: string): void
}

export interface MarkSpan {
  /** Records the measure; a second call does nothing. */
  end(ok?: boolean): void
}

export interface MarkRecorderOptions {
  capacity?: number
  performance?: PerformanceLike
  wallClock?: () => number
}

/**
 * Performance marks and measures around startup phases, chat turns and store queries, kept in a
 * bounded ring buffer for the developer panel. Each span also goes through `performance.mark` and
 * `performance.measure` (visible to an attached inspector), and is cleared right away because
 * Node's own timeline buffer is unbounded.
 */
export class MarkRecorder {
  readonly capacity: number
  private readonly ring: MarkEntry[] = []
  private next = 0
  private seq = 0
  private readonly perf: PerformanceLike
  private readonly wallClock: () => number

  constructor(options: MarkRecorderOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 500)
    this.perf = options.performance ?? nodePerformance
    this.wallClock = options.wallClock ?? Date.now
  }

  begin(name: string): MarkSpan {
    const start = this.perf.now()
    let ended = false
    return {
      end: (ok = true) => {
        if (ended) return
        ended = true
        this.record(name, start, this.perf.now(), ok)
      },
    }
  }

  /** Measures a promise from now until it settles; the promise itself is returned unchanged. */
  track<T>(name: string, work: Promise<T>): Promise<T> {
    const span = this.begin(name)
    work.then(() => span.end(true), () => span.end(false))
    return work
  }

  /** Newest first. */
  recent(limit = this.capacity): MarkEntry[] {
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)].reverse()
    return ordered.slice(0, limit)
  }

  clear(): void {
    this.ring.length = 0
    this.next = 0
  }

  private record(name: string, start: number, end: number, ok: boolean): void {
    const id = `${name}#${++this.seq}`
    try {
      this.perf.mark(`${id}:start`, { startTime: start })
      this.perf.mark(`${id}:end`, { startTime: end })
      this.perf.measure(id, { start, end })
    } catch {
      // Profiling must never break the work it watches.
    } finally {
      this.perf.clearMarks(`${id}:start`)
      this.perf.clearMarks(`${id}:end`)
      this.perf.clearMeasures(id)
    }
    const entry: MarkEntry = { name, startTime: round(start), duration: round(end - start), at: this.wallClock(), ok }
    if (this.ring.length < this.capacity) this.ring.push(entry)
    else this.ring[this.next] = entry
    this.next = (this.next + 1) % this.capacity
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000

/** The process-wide recorder: core modules mark through it, the developer panel reads it. */
export const marks = new MarkRecorder()

export const beginMark = (name: string): MarkSpan => marks.begin(name)
export const trackMark = <T>(name: string, work: Promise<T>): Promise<T> => marks.track(name, work)
