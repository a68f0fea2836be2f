import fs from 'node:fs'
import path from 'node:path'
import { HealthPointSchema, type HealthPoint } from '../../../src-shared/contract'
import { ValidationError } from '../errors'
import type { Logger } from '../log'

export interface HealthHistoryOptions {
  /** A JSON-lines file in the data dir, e.g. health-history.jsonl. */
  file: string
  now: () => number
  log: Pick<Logger, 'warn'>
  retentionMs?: number
  /** When the file grows past this, the oldest points go first. */
  maxBytes?: number
  pruneEveryMs?: number
}

const DAY_MS = 24 * 60 * 60 * 1000
const HOUR_MS = 60 * 60 * 1000

/**
 * Probe and request points of the last day, appended one JSON line each so a crash loses at
 * most the line being written. Pruned (rewritten via temp + rename) on open, hourly and when
 * the file passes `maxBytes`; unreadable lines are skipped and dropped at the next prune.
 */
export class HealthHistory {
  private points: HealthPoint[] = []
  private bytes = 0
  private lastPrune = 0
  private readonly retentionMs: number
  private readonly maxBytes: number
  private readonly pruneEveryMs: number

  constructor(private readonly options: HealthHistoryOptions) {
    this.retentionMs = options.retentionMs ?? DAY_MS
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024
    this.pruneEveryMs = options.pruneEveryMs ?? HOUR_MS
    this.load()
    this.prune()
  }

  append(point: HealthPoint): void {
    const parsed = HealthPointSchema.safeParse(point)
    if (!parsed.success) throw new ValidationError(`Not a health point: ${parsed.error.issues[0]?.message ?? 'bad shape'}.`)
    const line = `${JSON.stringify(parsed.data)}\n`
    this.points.push(parsed.data)
    this.bytes += Buffer.byteLength(line)
    try {
      fs.mkdirSync(path.dirname(this.options.file), { recursive: true })
      fs.appendFileSync(this.options.file, line)
    } catch (error) {
      this.options.log.warn({ err: error, file: this.options.file }, 'could not append to the health history')
    }
    if (this.bytes > this.maxBytes || this.options.now() - this.lastPrune >= this.pruneEveryMs) this.prune()
  }

  /** Points at or after `t`, oldest first, optionally of one provider. */
  since(t: number, providerId?: string): HealthPoint[] {
    return this.points.filter((p) => p.t >= t && (providerId === undefined || p.providerId === providerId))
  }

  /** Drops points older than the retention, then the oldest until the file is well under its limit. */
  prune(): void {
    const now = this.options.now()
    this.lastPrune = now
    const cutoff = now - this.retentionMs
    const kept = this.points.filter((p) => p.t >= cutoff).sort((a, b) => a.t - b.t)
    let lines = kept.map((p) => `${JSON.stringify(p)}\n`)
    let bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0)
    // Trim to three quarters so a busy day does not rewrite the file on every append.
    const target = Math.floor(this.maxBytes * 0.75)
    let drop = 0
    while (bytes > target && drop < lines.length) bytes -= Buffer.byteLength(lines[drop++]!)
    if (drop > 0) {
      kept.splice(0, drop)
      lines = lines.slice(drop)
    }
    this.points = kept
    this.bytes = bytes
    const temp = `${this.options.file}.${process.pid}.tmp`
    try {
      fs.mkdirSync(path.dirname(this.options.file), { recursive: true })
      fs.writeFileSync(temp, lines.join(''))
      fs.renameSync(temp, this.options.file)
    } catch (error) {
      fs.rmSync(temp, { force: true })
      this.options.log.warn({ err: error, file: this.options.file }, 'could not prune the health history')
    }
  }

  private load(): void {
    let text: string
    try {
      text = fs.readFileSync(this.options.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.options.log.warn({ err: error, file: this.options.file }, 'health history unreadable; starting empty')
      return
    }
    let skipped = 0
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      try {
        const parsed = HealthPointSchema.safeParse(JSON.parse(line))
        if (parsed.success) this.points.push(parsed.data)
        else skipped++
      } catch {
        skipped++
      }
    }
    if (skipped > 0) this.options.log.warn({ file: this.options.file, skipped }, 'skipped unreadable health history lines')
  }
}
