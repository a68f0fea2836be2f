import fs from 'node:fs'
import path from 'node:path'
import { HookRunSchema, type HookRun } from '../../../src-shared/contract'
import type { Logger } from '../log'

export interface HookRunLogOptions {
  /** Runs kept in memory for the hooks screen. */
  capacity?: number
  /** The file is cut back to half of this when it grows past it. */
  maxFileBytes?: number
  /** stdout/stderr are shortened to this many characters in the log. */
  maxTextChars?: number
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n[truncated]` : text
}

/** The last runs in memory plus an append-only `hook-runs.jsonl` that survives restarts. */
export class HookRunLog {
  private runs: HookRun[] | null = null
  private fileBytes = 0
  private readonly capacity: number
  private readonly maxFileBytes: number
  private readonly maxTextChars: number

  constructor(readonly file: string, private readonly log: Logger, options: HookRunLogOptions = {}) {
    this.capacity = options.capacity ?? 200
    this.maxFileBytes = options.maxFileBytes ?? 1_000_000
    this.maxTextChars = options.maxTextChars ?? 8_000
  }

  recent(): HookRun[] {
    return [...this.loaded()]
  }

  add(run: HookRun): void {
    const stored = { ...run, stdout: shorten(run.stdout, this.maxTextChars), stderr: shorten(run.stderr, this.maxTextChars) }
    const runs = this.loaded()
    runs.push(stored)
    if (runs.length > this.capacity) runs.splice(0, runs.length - this.capacity)
    const line = `${JSON.stringify(stored)}\n`
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true })
      fs.appendFileSync(this.file, line, { mode: 0o600 })
      this.fileBytes += Buffer.byteLength(line)
      if (this.fileBytes > this.maxFileBytes) this.cut()
    } catch (error) {
      // The log is a convenience; a full disk must not fail the hook.
      this.log.warn({ err: error, file: this.file }, 'could not append to the hook run log')
    }
  }

  private loaded(): HookRun[] {
    if (this.runs !== null) return this.runs
    this.runs = []
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch {
      return this.runs
    }
    this.fileBytes = Buffer.byteLength(text)
    for (const line of text.split('\n').slice(-this.capacity - 1)) {
      if (line.trim() === '') continue
      try {
        const parsed = HookRunSchema.safeParse(JSON.parse(line))
        if (parsed.success) this.runs.push(parsed.data)
      } catch {
        // A line cut short by a crash; skip it.
      }
    }
    return this.runs
  }

  /** Keeps the newest lines that fit in half the limit, written atomically. */
  private cut(): void {
    const lines = fs.readFileSync(this.file, 'utf8').split('\n').filter((l) => l !== '')
    const kept: string[] = []
    let bytes = 0
    for (let i = lines.length - 1; i >= 0; i--) {
      const size = Buffer.byteLength(lines[i]!) + 1
      if (bytes + size > this.maxFileBytes / 2) break
      kept.unshift(lines[i]!)
      bytes += size
    }
    const temp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(temp, kept.map((l) => `${l}\n`).join(''), { mode: 0o600 })
    fs.renameSync(temp, this.file)
    this.fileBytes = bytes
  }
}
