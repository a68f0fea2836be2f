import fs from 'node:fs'
import path from 'node:path'

export interface RotatingFileOptions {
  file: string
  maxBytes?: number
  keep?: number
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

  constructor(private readonly options: RotatingFileOptions) {
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024
    this.keep = options.keep ?? 3
    fs.mkdirSync(path.dirname(options.file), { recursive: true })
    this.fd = fs.openSync(options.file, 'a', 0o600)
    this.size = fs.fstatSync(this.fd).size
  }

  write(line: string): void {
    // Late lines (a request finishing during shutdown) are dropped, not thrown at the caller.
    if (this.closed) return
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

  private rotate(): void {
    fs.closeSync(this.fd)
    const { file } = this.options
    fs.rmSync(`${file}.${this.keep}`, { force: true })
    for (let n = this.keep - 1; n >= 1; n--) {
      if (fs.existsSync(`${file}.${n}`)) fs.renameSync(`${file}.${n}`, `${file}.${n + 1}`)
    }
    fs.renameSync(file, `${file}.1`)
    this.fd = fs.openSync(file, 'a', 0o600)
    this.size = 0
  }
}
