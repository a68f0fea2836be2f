import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { IoError } from '../errors'
import { PRIVATE_FILE_MODE, makePrivateDir } from '../paths'
import { SessionNotFoundError } from './errors'

const SHA256_RE = /^[0-9a-f]{64}$/

/**
 * Content-addressed files: <root>/ab/cdef… named by the SHA-256 of their bytes, so the same
 * picture attached twice is stored once and a file's name is its integrity check.
 */
export class AttachmentFiles {
  readonly root: string

  constructor(root: string) {
    this.root = root
  }

  pathOf(sha256: string): string {
    if (!SHA256_RE.test(sha256)) throw new SessionNotFoundError('attachment', sha256)
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2))
  }

  /** Stores bytes (once) and returns their hash. Written to a temp file and renamed: never half a file. */
  put(data: Uint8Array): { sha256: string; size: number } {
    const sha256 = createHash('sha256').update(data).digest('hex')
    const target = this.pathOf(sha256)
    if (!fs.existsSync(target)) {
      try {
        makePrivateDir(path.dirname(target))
        const temp = `${target}.${process.pid}.${Date.now()}.tmp`
        fs.writeFileSync(temp, data, { mode: PRIVATE_FILE_MODE })
        fs.renameSync(temp, target)
      } catch (error) {
        throw new IoError('Cannot save the attachment.', { cause: error, hint: `Check free space and permissions in ${this.root}.` })
      }
    }
    return { sha256, size: data.byteLength }
  }

  read(sha256: string): Uint8Array {
    try {
      return fs.readFileSync(this.pathOf(sha256))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SessionNotFoundError('attachment', sha256)
      throw error
    }
  }

  has(sha256: string): boolean {
    return SHA256_RE.test(sha256) && fs.existsSync(this.pathOf(sha256))
  }

  remove(sha256: string): void {
    fs.rmSync(this.pathOf(sha256), { force: true })
  }
}
