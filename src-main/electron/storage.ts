import { safeStorage } from 'electron'
import Store from 'electron-store'
import fs from 'node:fs'
import path from 'node:path'
import type { SettingsStorage } from '../core/config'
import { ConfigError, IoError } from '../core/errors'
import type { SecretCodec } from '../core/secrets'

type Doc = Record<string, unknown>

/** Settings in electron-store (atomic writes, in userData); validation and migration stay in the core. */
export class ElectronSettingsStorage implements SettingsStorage {
  private store: Store<Doc> | undefined
  readonly location: string

  constructor(private readonly cwd: string) {
    this.location = path.join(cwd, 'settings.json')
  }

  read(): unknown {
    try {
      const value = this.open().store
      return Object.keys(value).length === 0 ? undefined : value
    } catch (error) {
      throw new ConfigError(`${this.location} cannot be read as settings.`, { cause: error })
    }
  }

  write(value: unknown): void {
    // A store that failed to open holds a broken file, already backed up by the core: replace it.
    if (!this.store) fs.rmSync(this.location, { force: true })
    this.open().store = value as Doc
  }

  backup(reason: string): string | undefined {
    if (!fs.existsSync(this.location)) return undefined
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const target = `${this.location}.${reason}-${stamp}`
    fs.copyFileSync(this.location, target)
    return target
  }

  private open(): Store<Doc> {
    this.store ??= new Store<Doc>({ name: 'settings', cwd: this.cwd, clearInvalidConfig: false, accessPropertiesByDotNotation: false })
    return this.store
  }
}

/** OS keychain encryption (Keychain, DPAPI, libsecret/kwallet) for secrets at rest. */
export const safeStorageCodec: SecretCodec = {
  encode(plain) {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new IoError('The system keychain is not available, so the secret was not saved.', {
        hint: 'On Linux, install and unlock a keyring (GNOME Keyring or KWallet), then try again.',
      })
    }
    return safeStorage.encryptString(plain).toString('base64')
  },
  decode(stored) {
    return safeStorage.decryptString(Buffer.from(stored, 'base64'))
  },
}
