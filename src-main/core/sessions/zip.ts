import fs from 'node:fs'
import zlib from 'node:zlib'
import { Zip, type ZipInputFile } from 'fflate'
import { AppError } from '../errors'
import { PRIVATE_FILE_MODE } from '../paths'

const LIMIT = 0xffffffff
/** Unix "made by" in the central directory, so unzip sets the mode below. */
const UNIX = 3
/** A regular file, rw-r--r--. */
const FILE_MODE = (0o100644 << 16) >>> 0

/** A plain ZIP header's clock is MS-DOS time (local fields, 2-second steps); fflate takes 1980–2099. */
function dosRange(date: Date): Date {
  const clamped = new Date(date)
  clamped.setFullYear(Math.min(Math.max(date.getFullYear(), 1980), 2099))
  return clamped
}

/**
 * A ZIP file (deflate, UTF-8 names, no ZIP64) written as entries are added, so an export of a large
 * history never holds the whole archive in memory. fflate's streaming `Zip` writes the format; this
 * adds what it leaves to the caller: refusing archives past the ZIP limits (it would write wrapped
 * offsets), and storing entries that deflate does not shrink.
 */
export class ZipWriter {
  private readonly fd: number
  /** Set once the descriptor is closed: a second close could hit a reused descriptor (another file or socket). */
  private closed = false
  private readonly modified: Date
  private readonly zip: Zip
  /** Names written so far; a plain ZIP holds at most 65,535. */
  private readonly entries: string[] = []
  private offset = 0

  constructor(file: string, modified: Date) {
    // Every chat is inside: readable by the user only, wherever it is written.
    this.fd = fs.openSync(file, 'w', PRIVATE_FILE_MODE)
    this.modified = dosRange(modified)
    // With whole entries pushed at once fflate calls back synchronously, so every add is on disk when it returns.
    this.zip = new Zip((error, chunk) => {
      if (error) throw error
      fs.writeSync(this.fd, chunk)
      this.offset += chunk.length
    })
  }

  add(name: string, content: string | Uint8Array): void {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content)
    const deflated = zlib.deflateRawSync(data)
    // Already-compressed data (images, archives) is stored as is when deflate does not help.
    const method = deflated.length < data.length ? 8 : 0
    const body = method === 8 ? deflated : data
    if (data.length >= LIMIT || this.offset + body.length >= LIMIT || this.entries.length >= 0xffff) {
      throw new AppError('E_UNSUPPORTED', 'The export is too large for a ZIP file (over 4 GB or 65,535 files).', { hint: 'Export sessions one at a time instead.' })
    }
    const entry: ZipInputFile = { filename: name, size: data.length, crc: zlib.crc32(data), compression: method, mtime: this.modified, os: UNIX, attrs: FILE_MODE }
    this.zip.add(entry)
    // fflate sets ondata when the entry is added; the body goes in as one final chunk.
    entry.ondata?.(null, body, true)
    this.entries.push(name)
  }

  /** Writes the central directory and closes the file; returns the archive size in bytes. */
  finish(): number {
    try {
      this.zip.end()
      return this.offset
    } finally {
      this.close()
    }
  }

  /** Closes without finishing (after an error); the caller removes the file. */
  abort(): void {
    this.close()
  }

  private close(): void {
    if (this.closed) return
    this.closed = true
    fs.closeSync(this.fd)
  }
}
