import { ValidationError, toAppError, type AppError } from '../errors'
import type { Message, StreamingFinal } from './types'

/** The three store calls a writer needs (SessionStore provides them). */
export interface StreamingSink {
  appendStreamingText(id: string, text: string, reasoning?: string): Promise<void>
  completeStreamingMessage(id: string, tail: { text?: string; reasoning?: string }, final?: StreamingFinal): Promise<Message>
  failStreamingMessage(id: string, tail: { text?: string; reasoning?: string }, error: string): Promise<Message>
}

export interface StreamTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface StreamingWriterOptions {
  /** Persist buffered text at most this long after it arrived (default 250 ms). */
  flushIntervalMs?: number
  /** …or as soon as this many characters are waiting (default 4096). */
  flushChars?: number
  timers?: StreamTimers
  /** Background flushes that fail land here; the text stays buffered and is retried. */
  onFlushError?: (error: AppError) => void
}

const realTimers: StreamTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * Writes a streamed reply in batches: appends are buffered in memory and persisted every
 * `flushIntervalMs` or `flushChars`, one write at a time and in order. A crash loses at most the
 * last batch; `complete()` writes the rest with the final usage in one transaction.
 */
export class StreamingMessageWriter {
  readonly message: Message
  private readonly sink: StreamingSink
  private readonly intervalMs: number
  private readonly maxChars: number
  private readonly timers: StreamTimers
  private readonly onFlushError: ((error: AppError) => void) | undefined
  private text = ''
  private reasoning = ''
  private timer: unknown = null
  private chain: Promise<void> = Promise.resolve()
  private state: 'open' | 'finishing' | 'done' = 'open'

  constructor(message: Message, sink: StreamingSink, options: StreamingWriterOptions = {}) {
    this.message = message
    this.sink = sink
    this.intervalMs = options.flushIntervalMs ?? 250
    this.maxChars = options.flushChars ?? 4096
    this.timers = options.timers ?? realTimers
    this.onFlushError = options.onFlushError
  }

  get id(): string {
    return this.message.id
  }

  /** Characters received but not yet written. */
  get buffered(): number {
    return this.text.length + this.reasoning.length
  }

  append(textDelta: string, reasoningDelta = ''): void {
    if (this.state !== 'open') throw new ValidationError('This reply has already finished.', [{ path: 'id', message: this.state }])
    this.text += textDelta
    this.reasoning += reasoningDelta
    if (this.buffered >= this.maxChars) {
      this.flush().catch((error: unknown) => this.onFlushError?.(toAppError(error)))
    } else if (this.timer === null && this.buffered > 0) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = null
        this.flush().catch((error: unknown) => this.onFlushError?.(toAppError(error)))
      }, this.intervalMs)
    }
  }

  private take(): { text: string; reasoning: string } {
    const chunk = { text: this.text, reasoning: this.reasoning }
    this.text = ''
    this.reasoning = ''
    return chunk
  }

  /** Puts a chunk that failed to save back in front, so the next write retries it in order. */
  private giveBack(chunk: { text: string; reasoning: string }): void {
    this.text = chunk.text + this.text
    this.reasoning = chunk.reasoning + this.reasoning
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }

  /** Writes what is buffered now; resolves when it is on disk. */
  flush(): Promise<void> {
    this.cancelTimer()
    // The chunk is taken when this step runs, not when it was queued, so a failed earlier step
    // can put its text back in front first and the order on disk stays the order received.
    const step = this.chain.then(async () => {
      const chunk = this.take()
      if (chunk.text.length === 0 && chunk.reasoning.length === 0) return
      try {
        await this.sink.appendStreamingText(this.id, chunk.text, chunk.reasoning.length > 0 ? chunk.reasoning : undefined)
      } catch (error) {
        this.giveBack(chunk)
        throw error
      }
    })
    this.chain = step.catch(() => undefined)
    return step
  }

  private async finish(write: (tail: { text?: string; reasoning?: string }) => Promise<Message>): Promise<Message> {
    if (this.state !== 'open') throw new ValidationError('This reply has already finished.', [{ path: 'id', message: this.state }])
    this.state = 'finishing'
    this.cancelTimer()
    await this.chain
    const chunk = this.take()
    try {
      const message = await write({ text: chunk.text, ...(chunk.reasoning.length > 0 ? { reasoning: chunk.reasoning } : {}) })
      this.state = 'done'
      return message
    } catch (error) {
      // Nothing is lost: the text goes back to the buffer and complete() or fail() can be retried.
      this.giveBack(chunk)
      this.state = 'open'
      throw error
    }
  }

  /** Writes the remaining text and the final usage, and marks the reply complete. */
  complete(final: StreamingFinal = {}): Promise<Message> {
    return this.finish((tail) => this.sink.completeStreamingMessage(this.id, tail, final))
  }

  /** Keeps the text received so far and records why the reply stopped. */
  fail(error: string): Promise<Message> {
    return this.finish((tail) => this.sink.failStreamingMessage(this.id, tail, error))
  }
}
