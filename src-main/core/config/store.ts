import fs from 'node:fs'
import path from 'node:path'
import { ConfigError, IoError } from '../errors'

/** Where settings live: electron-store in the desktop app, a JSON file for CLI and web. */
export interface SettingsStorage {
  readonly location: string
  /** The stored document, or undefined when nothing has been saved yet. Throws ConfigError when unreadable. */
  read(): unknown
  write(value: unknown): void
  /** Keeps a copy of what is stored now beside it; returns where, or undefined if there was nothing. */
  backup(reason: string): string | undefined
}

export class JsonFileStorage implements SettingsStorage {
  constructor(readonly location: string, private readonly now: () => Date = () => new Date()) {}

  read(): unknown {
    let text: string
    try {
      text = fs.readFileSync(this.location, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new IoError(`Cannot read ${this.location}.`, { cause: error, hint: 'Check the file permissions.' })
    }
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      throw new ConfigError(`${this.location} is not valid JSON.`, { cause: error })
    }
  }

  write(value: unknown): void {
    // Write-then-rename so a crash mid-write never leaves a truncated settings file.
    fs.mkdirSync(path.dirname(this.location), { recursive: true })
    const temp = `${this.location}.${process.pid}.tmp`
    fs.writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
    fs.renameSync(temp, this.location)
  }

  backup(reason: string): string | undefined {
    if (!fs.existsSync(this.location)) return undefined
    const stamp = this.now().toISOString().replace(/[:.]/g, '-')
    const target = `${this.location}.${reason}-${stamp}`
    fs.copyFileSync(this.location, target)
    return target
  }
}
