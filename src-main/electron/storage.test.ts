import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { appState, safeStorageState } from '../../test/support/electron-fake'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { SettingsService, defaultSettings } from '../core/config'
import { ConfigError, IoError } from '../core/errors'
import { silentLogger } from '../core/log'
import { FileSecretStore } from '../core/secrets'

vi.mock('electron', async () => (await import('../../test/support/electron-fake')).electronModule())

const { ElectronSettingsStorage, safeStorageCodec } = await import('./storage')

beforeEach(() => {
  // electron-store asks the app for its userData path even when given a cwd.
  appState.paths = { userData: makeTempDir() }
  safeStorageState.available = true
})
afterEach(removeTempDirs)

describe('ElectronSettingsStorage (real electron-store)', () => {
  it('reads undefined when empty, and round-trips what it writes', () => {
    const dir = makeTempDir()
    const storage = new ElectronSettingsStorage(dir)
    expect(storage.location).toBe(path.join(dir, 'settings.json'))
    expect(storage.read()).toBeUndefined()
    expect(storage.backup('x')).toBeUndefined()
    const doc = { version: 1, appearance: { theme: 'dark' }, 'dotted.key': 1 }
    storage.write(doc)
    expect(storage.read()).toEqual(doc)
    expect(JSON.parse(fs.readFileSync(storage.location, 'utf8'))).toEqual(doc)
    expect(new ElectronSettingsStorage(dir).read()).toEqual(doc)
  })

  it('keeps a backup copy beside the file', () => {
    const dir = makeTempDir()
    const storage = new ElectronSettingsStorage(dir)
    storage.write({ version: 1 })
    const kept = storage.backup('before-reset')
    expect(kept).toMatch(/settings\.json\.before-reset-\d{4}-.*Z$/)
    expect(path.dirname(kept ?? '')).toBe(dir)
    expect(JSON.parse(fs.readFileSync(kept ?? '', 'utf8'))).toEqual({ version: 1 })
  })

  it('throws ConfigError for a corrupt file, and write() then replaces it', () => {
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'settings.json'), '{corrupt')
    const storage = new ElectronSettingsStorage(dir)
    expect(() => storage.read()).toThrow(ConfigError)
    storage.write({ version: 1 })
    expect(storage.read()).toEqual({ version: 1 })
  })

  it('lets the core recover from a corrupt file with a backup and a notice', () => {
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'settings.json'), '{corrupt')
    const service = new SettingsService(new ElectronSettingsStorage(dir), silentLogger())
    expect(service.get()).toEqual(defaultSettings())
    expect(service.notices).toHaveLength(1)
    const backups = fs.readdirSync(dir).filter((name) => name.startsWith('settings.json.unreadable-'))
    expect(backups).toHaveLength(1)
    expect(fs.readFileSync(path.join(dir, backups[0] ?? ''), 'utf8')).toBe('{corrupt')
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toEqual(defaultSettings())
    service.update({ appearance: { theme: 'light' } })
    expect(new SettingsService(new ElectronSettingsStorage(dir), silentLogger()).get().appearance.theme).toBe('light')
  })
})

describe('safeStorageCodec', () => {
  it('round-trips through the keychain, storing only base64 ciphertext', () => {
    const stored = safeStorageCodec.encode('sk-secret-value')
    expect(stored).toMatch(/^[A-Za-z0-9+/=]+$/)
    expect(Buffer.from(stored, 'base64').toString()).not.toContain('sk-secret-value')
    expect(safeStorageCodec.decode(stored)).toBe('sk-secret-value')
  })

  it('refuses to save when the keychain is unavailable', () => {
    safeStorageState.available = false
    let thrown: unknown
    try {
      safeStorageCodec.encode('x')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(IoError)
    expect((thrown as IoError).hint).toMatch(/keyring/)
  })

  it('backs a FileSecretStore that reports os-keychain', () => {
    const file = path.join(makeTempDir(), 'secrets.json')
    const store = new FileSecretStore(file, safeStorageCodec)
    expect(store.kind).toBe('os-keychain')
    store.set('openai', 'sk-abc')
    expect(fs.readFileSync(file, 'utf8')).not.toContain('sk-abc')
    expect(store.get('openai')).toBe('sk-abc')
  })
})
