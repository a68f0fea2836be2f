import fs from 'node:fs'
import path from 'node:path'
import { IoError } from '../errors'

/** API keys and tokens. The desktop app backs this with the OS keychain through safeStorage. */
export interface SecretStore {
  readonly kind: 'os-keychain' | 'file'
  get(name: string): string | undefined
  set(name: string, value: string): void
  delete(name: string): void
}

/** How a secret is turned into bytes at rest; the identity codec is the CLI/web fallback. */
export interface SecretCodec {
  encode(plain: string): string
  decode(stored: string): string
}

const identity: SecretCodec = { encode: (plain) => plain, decode: (stored) => stored }

/**
 * Secrets in one JSON file readable by the owner only (0600). With the identity codec this is the
 * fallback for CLI and web mode; the desktop app passes a safeStorage codec so the file holds
 * only ciphertext.
 */
export class FileSecretStore implements SecretStore {
  readonly kind: SecretStore['kind']

  constructor(private readonly file: string, private readonly codec: SecretCodec = identity) {
    this.kind = codec === identity ? 'file' : 'os-keychain'
  }

  get(name: string): string | undefined {
    const stored = this.readAll()[name]
    return stored === undefined ? undefined : this.codec.decode(stored)
  }

  set(name: string, value: string): void {
    this.writeAll({ ...this.readAll(), [name]: this.codec.encode(value) })
  }

  delete(name: string): void {
    const all = this.readAll()
    delete all[name]
    this.writeAll(all)
  }

  private readAll(): Record<string, string> {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown
      if (typeof parsed !== 'object' || parsed === null) return {}
      return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')) as Record<string, string>
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw new IoError(`The secret store at ${this.file} cannot be read.`, {
        cause: error,
        hint: 'Remove the file to start over; saved API keys will have to be entered again.',
      })
    }
  }

  private writeAll(all: Record<string, string>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(temp, JSON.stringify(all), { mode: 0o600 })
    fs.renameSync(temp, this.file)
    fs.chmodSync(this.file, 0o600)
  }
}
