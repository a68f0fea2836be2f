import fs from 'node:fs'
import path from 'node:path'

export interface RotatingFileOptions {
  file: string
  maxBytes?: number
  keep?: number
  /** Told once when lines start being lost (a full disk); never called again until writes recover. */
  onTrouble?: (error: unknown) => void
}

/**
 * A synchronous, size-rotated log file: app.log, app.log.1 … app.log.N. Synchronous so the last
 * lines before a crash are on disk; log volume is small enough for that to cost nothing visible.
 */
export class RotatingFile {
  private fd: number
  private size: number
  private readonly maxBytes: number
  private readonly keep: number
  private closed = false
  private dropped = 0
  private lastError = ''

  constructor(private readonly options: RotatingFileOptions) {
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024
    this.keep = options.keep ?? 3
    fs.mkdirSync(path.dirname(options.file), { recursive: true })
    this.fd = fs.openSync(options.file, 'a', 0o600)
    this.size = fs.fstatSync(this.fd).size
  }

  /**
   * Never throws: logging runs inside error paths, and a full disk must not turn a failed request
   * into a dead process. Lines that cannot be written are counted; the first loss is reported once
   * through `onTrouble`, and the count is written as soon as the file takes lines again.
   */
  write(line: string): void {
    // Late lines (a request finishing during shutdown) are dropped, not thrown at the caller.
    if (this.closed) return
    try {
      if (this.dropped > 0) this.append(`${JSON.stringify({ level: 40, time: Date.now(), msg: `${this.dropped} log lines were lost (${this.lastError})` })}\n`)
      this.dropped = 0
      this.append(line)
    } catch (error) {
      if (this.dropped === 0) this.options.onTrouble?.(error)
      this.dropped++
      this.lastError = (error as NodeJS.ErrnoException).code ?? String(error)
    }
  }

  /** Lines lost since the last successful write. */
  get droppedLines(): number {
    return this.dropped
  }

  private append(line: string): void {
    const bytes = Buffer.byteLength(line)
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate()
    fs.writeSync(this.fd, line)
    this.size += bytes
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    fs.closeSync(this.fd)
  }

  /** app.log.N is dropped, every other app.log.n moves to n + 1, app.log becomes app.log.1. */
  private shiftOlderFiles(): void {
    const { file } = this.options
    fs.rmSync(`${file}.${this.keep}`, { force: true })
    for (let n = this.keep - 1; n >= 1; n--) {
      if (fs.existsSync(`${file}.${n}`)) fs.renameSync(`${file}.${n}`, `${file}.${n + 1}`)
    }
    fs.renameSync(file, `${file}.1`)
  }

  private rotate(): void {
    fs.closeSync(this.fd)
    const { file } = this.options
    try {
      this.shiftOlderFiles()
    } finally {
      // Whatever the renames did, keep a descriptor to write to.
      this.fd = fs.openSync(file, 'a', 0o600)
      this.size = fs.fstatSync(this.fd).size
    }
  }
}
