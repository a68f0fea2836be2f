import fs from 'node:fs/promises'
import { AnalyticsSentEventSchema, type AnalyticsSentEvent } from '../../../src-shared/contract'

export interface SentLogOptions {
  file: string
  /** Entries kept; older ones are trimmed away. */
  maxEntries?: number
  onError?: (error: unknown) => void
}

/**
 * The local record of every event that went out (or failed to), as JSON lines in the data dir.
 * Bounded: once it holds a quarter more than `maxEntries` lines it is rewritten with the newest.
 */
export class SentLog {
  private readonly maxEntries: number
  private lines: number | undefined
  private writes: Promise<void> = Promise.resolve()

  constructor(private readonly options: SentLogOptions) {
    this.maxEntries = options.maxEntries ?? 1_000
  }

  /** Appends in order; a write that fails is reported, never thrown into the app. */
  append(entries: AnalyticsSentEvent[]): Promise<void> {
    if (entries.length === 0) return this.writes
    this.writes = this.writes.then(() => this.write(entries)).catch((error: unknown) => {
      this.options.onError?.(error)
    })
    return this.writes
  }

  /** Newest first; lines that do not parse (a torn write) are skipped. */
  async read(limit = this.maxEntries): Promise<AnalyticsSentEvent[]> {
    await this.writes
    const entries = await this.readAll()
    return entries.reverse().slice(0, limit)
  }

  private async write(entries: AnalyticsSentEvent[]): Promise<void> {
    this.lines ??= (await this.readAll()).length
    await fs.appendFile(this.options.file, entries.map((entry) => JSON.stringify(entry) + '\n').join(''), { mode: 0o600 })
    this.lines += entries.length
    if (this.lines > this.maxEntries * 1.25) {
      const kept = (await this.readAll()).slice(-this.maxEntries)
      const temp = `${this.options.file}.tmp`
      await fs.writeFile(temp, kept.map((entry) => JSON.stringify(entry) + '\n').join(''), { mode: 0o600 })
      await fs.rename(temp, this.options.file)
      this.lines = kept.length
    }
  }

  private async readAll(): Promise<AnalyticsSentEvent[]> {
    let text: string
    try {
      text = await fs.readFile(this.options.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    return text.split('\n').flatMap((line) => {
      if (!line.trim()) return []
      try {
        const parsed = AnalyticsSentEventSchema.safeParse(JSON.parse(line))
        return parsed.success ? [parsed.data] : []
      } catch {
        return []
      }
    })
  }
}
