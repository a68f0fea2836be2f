import type { LogLevel, RendererLogLine } from '../../../src-shared/contract'
import { LOG_MESSAGE_KEEP } from '../../../src-shared/contract'
import type { Logger } from './logger'
import type { SecretScrubber } from './redact'

export interface RendererLogOptions {
  log: Logger
  scrubber: Pick<SecretScrubber, 'scrub'>
  /** Lines per minute per client before lines are dropped (a renderer stuck in an error loop). */
  perMinute?: number
  /** Lines a client may send at once after being quiet. */
  burst?: number
  now?: () => number
}

export interface RendererLogResult {
  written: number
  dropped: number
  echo: { level: LogLevel; message: string }[]
}

interface Bucket {
  tokens: number
  updated: number
  dropped: number
}

/** Renderer lines into the main log: a child logger, a token bucket per client, long messages cut. */
export class RendererLogWriter {
  private readonly log: Logger
  private readonly buckets = new Map<string, Bucket>()
  private readonly perMs: number
  private readonly burst: number
  private readonly now: () => number

  constructor(private readonly options: RendererLogOptions) {
    this.log = options.log.child({ component: 'renderer' })
    this.perMs = (options.perMinute ?? 300) / 60_000
    this.burst = options.burst ?? 100
    this.now = options.now ?? Date.now
  }

  write(lines: RendererLogLine[], clientId: string): RendererLogResult {
    const bucket = this.bucket(clientId)
    const result: RendererLogResult = { written: 0, dropped: 0, echo: [] }
    for (const line of lines) {
      if (bucket.tokens < 1) {
        result.dropped++
        continue
      }
      bucket.tokens--
      const message = line.message.length > LOG_MESSAGE_KEEP ? `${line.message.slice(0, LOG_MESSAGE_KEEP)}… (${line.message.length - LOG_MESSAGE_KEEP} more characters cut)` : line.message
      // Context sits under its own key so it cannot overwrite level, time or msg.
      this.log[line.level]({ clientId, source: line.source ?? 'app', ...(line.context ? { context: line.context } : {}) }, message)
      result.written++
      result.echo.push({ level: line.level, message: this.options.scrubber.scrub(message) })
    }
    if (result.dropped > 0) {
      // Said once per quiet spell, not once per dropped batch.
      if (bucket.dropped === 0) this.log.warn({ clientId }, 'renderer is logging too fast; dropping lines for a while')
      bucket.dropped += result.dropped
    } else if (bucket.dropped > 0) {
      this.log.warn({ clientId, dropped: bucket.dropped }, 'renderer log lines were dropped')
      bucket.dropped = 0
    }
    return result
  }

  private bucket(clientId: string): Bucket {
    const now = this.now()
    let bucket = this.buckets.get(clientId)
    if (!bucket) {
      // Clients come and go (web tabs); forget the oldest rather than grow without end.
      if (this.buckets.size >= 64) this.buckets.delete(this.buckets.keys().next().value as string)
      bucket = { tokens: this.burst, updated: now, dropped: 0 }
      this.buckets.set(clientId, bucket)
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updated) * this.perMs)
    bucket.updated = now
    return bucket
  }
}
