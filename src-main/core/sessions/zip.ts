import fs from 'node:fs'
import zlib from 'node:zlib'
import { AppError } from '../errors/app-error'

interface Entry {
  name: Buffer
  crc: number
  compressed: number
  size: number
  method: number
  offset: number
}

const LIMIT = 0xffffffff

/** MS-DOS date and time, the only clock a plain ZIP header has (local fields, 2-second steps). */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107)
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  }
}

/**
 * A small ZIP writer (deflate, UTF-8 names, no ZIP64) that streams entries to a file as they are
 * added, so an export of a large history never holds the whole archive in memory.
 */
export class ZipWriter {
  private readonly fd: number
  private readonly stamp: { time: number; date: number }
  private readonly entries: Entry[] = []
  private offset = 0

  constructor(file: string, modified: Date) {
    this.fd = fs.openSync(file, 'w')
    this.stamp = dosDateTime(modified)
  }

  private write(buffer: Buffer): void {
    fs.writeSync(this.fd, buffer)
    this.offset += buffer.length
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
    const entry: Entry = { name: Buffer.from(name, 'utf8'), crc: zlib.crc32(data), compressed: body.length, size: data.length, method, offset: this.offset }
    const header = Buffer.alloc(30)
    header.writeUInt32LE(0x04034b50, 0)
    header.writeUInt16LE(20, 4) // version needed: 2.0
    header.writeUInt16LE(0x0800, 6) // names are UTF-8
    header.writeUInt16LE(method, 8)
    header.writeUInt16LE(this.stamp.time, 10)
    header.writeUInt16LE(this.stamp.date, 12)
    header.writeUInt32LE(entry.crc, 14)
    header.writeUInt32LE(entry.compressed, 18)
    header.writeUInt32LE(entry.size, 22)
    header.writeUInt16LE(entry.name.length, 26)
    header.writeUInt16LE(0, 28)
    this.write(header)
    this.write(entry.name)
    this.write(body)
    this.entries.push(entry)
  }

  /** Writes the central directory and closes the file; returns the archive size in bytes. */
  finish(): number {
    try {
      const start = this.offset
      for (const e of this.entries) {
        const header = Buffer.alloc(46)
        header.writeUInt32LE(0x02014b50, 0)
        header.writeUInt16LE(0x031e, 4) // made by: Unix, spec 3.0
        header.writeUInt16LE(20, 6)
        header.writeUInt16LE(0x0800, 8)
        header.writeUInt16LE(e.method, 10)
        header.writeUInt16LE(this.stamp.time, 12)
        header.writeUInt16LE(this.stamp.date, 14)
        header.writeUInt32LE(e.crc, 16)
        header.writeUInt32LE(e.compressed, 20)
        header.writeUInt32LE(e.size, 24)
        header.writeUInt16LE(e.name.length, 28)
        header.writeUInt32LE((0o100644 << 16) >>> 0, 38) // a regular file, rw-r--r--
        header.writeUInt32LE(e.offset, 42)
        this.write(header)
        this.write(e.name)
      }
      const end = Buffer.alloc(22)
      end.writeUInt32LE(0x06054b50, 0)
      end.writeUInt16LE(this.entries.length, 8)
      end.writeUInt16LE(this.entries.length, 10)
      end.writeUInt32LE(this.offset - start, 12)
      end.writeUInt32LE(start, 16)
      this.write(end)
      return this.offset
    } finally {
      fs.closeSync(this.fd)
    }
  }

  /** Closes without finishing (after an error); the caller removes the file. */
  abort(): void {
    try {
      fs.closeSync(this.fd)
    } catch {
      // already closed
    }
  }
}
