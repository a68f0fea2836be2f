import path from 'node:path'
import { AppError, CancelledError } from '../errors'
import type { InstallerFs } from './types'

/** Pulls exact byte counts out of a chunked stream. */
class ByteReader {
  private buffered: Buffer[] = []
  private length = 0
  private done = false
  private readonly iterator: AsyncIterator<Uint8Array>
  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]()
  }

  private async fill(n: number): Promise<void> {
    while (this.length < n && !this.done) {
      const next = await this.iterator.next()
      if (next.done) this.done = true
      else {
        this.buffered.push(Buffer.from(next.value))
        this.length += next.value.byteLength
      }
    }
  }

  /** Up to `max` bytes (at least 1 unless the stream ended). */
  async some(max: number): Promise<Buffer> {
    await this.fill(1)
    const all = Buffer.concat(this.buffered)
    const take = all.subarray(0, Math.min(max, all.length))
    this.buffered = [all.subarray(take.length)]
    this.length = all.length - take.length
    return take
  }

  async exact(n: number): Promise<Buffer | undefined> {
    await this.fill(n)
    if (this.length < n) return undefined
    const all = Buffer.concat(this.buffered)
    this.buffered = [all.subarray(n)]
    this.length = all.length - n
    return all.subarray(0, n)
  }

  async skip(n: number): Promise<void> {
    let left = n
    while (left > 0) {
      const got = await this.some(Math.min(left, 1 << 16))
      if (got.length === 0) throw corrupt('the archive ends in the middle of a file')
      left -= got.length
    }
  }
}

const corrupt = (why: string) => new AppError('E_IO', `The downloaded archive is damaged: ${why}.`, { retryable: true, hint: 'Try the installation again.' })

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length)
  const end = field.indexOf(0)
  return field.subarray(0, end === -1 ? length : end).toString('utf8')
}

function number(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length)
  if ((field[0] as number) & 0x80) {
    // GNU base-256 for sizes over 8 GiB.
    let value = (field[0] as number) & 0x7f
    for (let i = 1; i < length; i++) value = value * 256 + (field[i] as number)
    return value
  }
  const digits = text(block, start, length).trim()
  return digits ? parseInt(digits, 8) : 0
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let rest = data.toString('utf8')
  while (rest.length > 0) {
    const match = /^(\d+) ([^=]+)=/.exec(rest)
    if (!match) break
    const len = Number(match[1])
    out[match[2] as string] = rest.slice(match[0].length, Buffer.from(rest).subarray(0, len).toString('utf8').length - 1)
    rest = Buffer.from(rest).subarray(len).toString('utf8')
  }
  return out
}

/** Resolves `name` under `target`, refusing anything that would land outside it. */
function inside(target: string, name: string): string {
  const cleaned = name.replace(/^\.\/+/, '')
  const full = path.resolve(target, cleaned)
  if (path.isAbsolute(cleaned) || (full !== target && !full.startsWith(target + path.sep))) {
    throw new AppError('E_IO', `The archive tries to write outside the install folder (${name}).`, { hint: 'The download is not a genuine Ollama release; nothing was installed.' })
  }
  return full
}

export interface TarResult {
  files: number
  directories: number
  symlinks: number
}

/**
 * Unpacks a tar stream (ustar, GNU long names, pax path) into `target`: regular files, folders and
 * symlinks whose targets stay inside `target`. Other entry kinds are skipped.
 *
 * Hand-written on purpose: tar-stream accepts an archive cut at an entry boundary (no end-of-archive
 * blocks) and hides the blocks that would show it; node-tar's extract writes with node:fs, around
 * the injected InstallerFs, and its parser alone would need a bridge as long as this reader.
 */
export async function extractTar(source: AsyncIterable<Uint8Array>, targetDir: string, fs: InstallerFs, signal?: AbortSignal): Promise<TarResult> {
  const target = path.resolve(targetDir)
  const reader = new ByteReader(source)
  const result: TarResult = { files: 0, directories: 0, symlinks: 0 }
  let longName: string | undefined
  let longLink: string | undefined
  await fs.mkdir(target)
  for (;;) {
    if (signal?.aborted) throw new CancelledError('The installation was cancelled.')
    const block = await reader.exact(512)
    if (!block) throw corrupt('it ends without the end-of-archive marker')
    if (block.every((byte) => byte === 0)) return result
    const checksum = number(block, 148, 8)
    let sum = 0
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number)
    if (sum !== checksum) throw corrupt('a header checksum is wrong')
    const type = String.fromCharCode(block[156] as number)
    const size = number(block, 124, 12)
    const padded = Math.ceil(size / 512) * 512
    if (type === 'L' || type === 'K' || type === 'x') {
      const data = await reader.exact(padded)
      if (!data) throw corrupt('a long name is cut short')
      const value = data.subarray(0, size)
      if (type === 'x') {
        const pax = parsePax(value)
        longName = pax.path ?? longName
        longLink = pax.linkpath ?? longLink
      } else if (type === 'L') longName = text(value, 0, size)
      else longLink = text(value, 0, size)
      continue
    }
    const prefix = block.subarray(257, 262).toString() === 'ustar' ? text(block, 345, 155) : ''
    const name = longName ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100))
    const linkName = longLink ?? text(block, 157, 100)
    longName = longLink = undefined
    const mode = number(block, 100, 8) & 0o777
    const dest = inside(target, name)
    if (type === '5') {
      await fs.mkdir(dest)
      result.directories++
    } else if (type === '0' || type === '\0' || type === '7') {
      await fs.mkdir(path.dirname(dest))
      const out = await fs.openAppend(dest, true)
      try {
        let left = size
        while (left > 0) {
          const chunk = await reader.some(Math.min(left, 1 << 16))
          if (chunk.length === 0) throw corrupt('it ends in the middle of a file')
          await out.write(chunk)
          left -= chunk.length
        }
      } finally {
        await out.close()
      }
      await fs.chmod(dest, mode || 0o644)
      await reader.skip(padded - size)
      result.files++
      continue
    } else if (type === '2') {
      inside(target, path.join(path.dirname(name), linkName))
      if (path.isAbsolute(linkName)) inside(target, linkName)
      await fs.mkdir(path.dirname(dest))
      await fs.rm(dest)
      await fs.symlink(linkName, dest)
      result.symlinks++
    }
    await reader.skip(padded)
  }
}
