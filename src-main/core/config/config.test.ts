import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { AppError, ConfigError, IoError } from '../errors'
import { createLogger } from '../log'
import { JsonFileStorage, SettingsService, defaultSettings, migrateSettings, type SettingsStorage } from '.'

afterEach(removeTempDirs)

const fixedNow = () => new Date('2025-01-02T03:04:05.678Z')
const STAMP = '2025-01-02T03-04-05-678Z'

function setup(initial?: string) {
  const dir = makeTempDir()
  const file = path.join(dir, 'settings.json')
  if (initial !== undefined) fs.writeFileSync(file, initial)
  const lines: string[] = []
  const logger = createLogger({ sink: { write: (line) => void lines.push(line) } })
  const storage = new JsonFileStorage(file, fixedNow)
  const open = (s: SettingsStorage = storage) => new SettingsService(s, logger.log)
  const saved = () => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
  const siblings = () => fs.readdirSync(dir).filter((name) => name !== 'settings.json').sort()
  return { dir, file, storage, open, saved, siblings, lines }
}

describe('SettingsService', () => {
  it('starts from defaults without writing anything when there is no file', () => {
    const { open, file } = setup()
    const service = open()
    expect(service.get()).toEqual(defaultSettings())
    expect(service.notices).toEqual([])
    expect(fs.existsSync(file)).toBe(false)
  })

  it('loads a valid current file as is, without a backup', () => {
    const doc = { ...defaultSettings(), appearance: { theme: 'dark', accent: '#000000' } }
    const { open, siblings } = setup(JSON.stringify(doc))
    expect(open().get()).toEqual(doc)
    expect(siblings()).toEqual([])
  })

  it('migrates the version-0 flat file to version 1 and keeps the original as a backup', () => {
    const v0 = JSON.stringify({ theme: 'dark', accent: '#112233', ollamaHost: 'gpu-box:11434' })
    const { open, saved, siblings, dir, lines } = setup(v0)
    const settings = open().get()
    expect(settings.version).toBe(1)
    expect(settings.appearance).toEqual({ theme: 'dark', accent: '#112233' })
    expect(settings.ollama.host).toBe('gpu-box:11434')
    expect(saved()).toEqual(settings)
    expect(siblings()).toEqual([`settings.json.v0-${STAMP}`])
    expect(fs.readFileSync(path.join(dir, `settings.json.v0-${STAMP}`), 'utf8')).toBe(v0)
    expect(lines.some((line) => line.includes('settings migrated'))).toBe(true)
  })

  it('migrates a partial version-0 file, filling defaults', () => {
    const { open } = setup(JSON.stringify({ theme: 'light' }))
    const settings = open().get()
    expect(settings.appearance).toEqual({ theme: 'light', accent: '#4f7cff' })
    expect(settings.ollama.host).toBe('http://127.0.0.1:11434')
  })

  it('backs up a corrupt JSON file, uses defaults and raises a notice', () => {
    const { open, saved, siblings, dir } = setup('{ "version": 1, oops')
    const service = open()
    expect(service.get()).toEqual(defaultSettings())
    expect(siblings()).toEqual([`settings.json.unreadable-${STAMP}`])
    expect(fs.readFileSync(path.join(dir, siblings()[0] ?? ''), 'utf8')).toBe('{ "version": 1, oops')
    expect(saved()).toEqual(defaultSettings())
    expect(service.notices).toHaveLength(1)
    expect(service.notices[0]?.message).toContain('unreadable')
    expect(service.notices[0]?.hint).toContain(path.join(dir, `settings.json.unreadable-${STAMP}`))
  })

  it('never overwrites a file from a future version without a backup', () => {
    const future = JSON.stringify({ version: 7, appearance: { theme: 'dark' }, shinyNewThing: true })
    const { open, siblings, dir } = setup(future)
    const service = open()
    expect(service.get()).toEqual(defaultSettings())
    expect(siblings()).toEqual([`settings.json.unsupported-${STAMP}`])
    expect(fs.readFileSync(path.join(dir, `settings.json.unsupported-${STAMP}`), 'utf8')).toBe(future)
    expect(service.notices[0]?.message).toContain('unsupported')
  })

  it('treats a schema-invalid current file as invalid, and a non-object as unsupported', () => {
    const invalid = setup(JSON.stringify({ version: 1, appearance: { accent: 'red' } }))
    expect(invalid.open().notices[0]?.message).toContain('invalid')
    expect(invalid.siblings()).toEqual([`settings.json.invalid-${STAMP}`])
    const array = setup('[1,2,3]')
    expect(array.open().notices[0]?.message).toContain('unsupported')
  })

  it('gives a notice without a hint when there was nothing to keep', () => {
    const { open, storage } = setup()
    const vanishing: SettingsStorage = {
      location: storage.location,
      read: () => {
        throw new ConfigError('gone while reading')
      },
      write: (value) => storage.write(value),
      backup: () => undefined,
    }
    const service = open(vanishing)
    expect(service.notices).toEqual([{ message: 'Your settings file was unreadable, so defaults are in use.', hint: undefined }])
    expect(service.get()).toEqual(defaultSettings())
  })

  it('refuses to start (E_CONFIG) rather than overwrite a bad file it cannot back up', () => {
    const { storage, open, file } = setup('garbage')
    const noBackup: SettingsStorage = {
      location: storage.location,
      read: () => storage.read(),
      write: (value) => storage.write(value),
      backup: () => {
        throw new Error('EROFS')
      },
    }
    let thrown: unknown
    try {
      open(noBackup)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(AppError)
    expect((thrown as AppError).code).toBe('E_CONFIG')
    expect((thrown as AppError).hint).toBeTruthy()
    expect(fs.readFileSync(file, 'utf8')).toBe('garbage')
  })

  it('applies a partial update, saves it and keeps the other sections', () => {
    const { open, saved } = setup()
    const service = open()
    const next = service.update({ appearance: { accent: '#abcdef' }, onboarding: { completed: true } })
    expect(next.appearance).toEqual({ theme: 'system', accent: '#abcdef' })
    expect(next.onboarding.completed).toBe(true)
    expect(next.ollama).toEqual(defaultSettings().ollama)
    expect(saved()).toEqual(next)
    expect(service.get()).toEqual(next)
    expect(open().get()).toEqual(next)
  })

  it.each([
    ['unknown top-level key', { colour: 'blue' }],
    ['unknown nested key', { appearance: { colour: 'blue' } }],
    ['bad accent', { appearance: { accent: 'blue' } }],
    ['bad theme', { appearance: { theme: 'neon' } }],
    ['bad port', { webCompanion: { port: -1 } }],
  ])('update rejects a %s with E_VALIDATION and leaves the file untouched', (_name, patch) => {
    const { open, file } = setup()
    const service = open()
    service.update({ appearance: { theme: 'dark' } })
    const before = fs.readFileSync(file, 'utf8')
    const listener = vi.fn()
    service.onChange(listener)
    let thrown: unknown
    try {
      service.update(patch as never)
    } catch (error) {
      thrown = error
    }
    expect((thrown as AppError).code).toBe('E_VALIDATION')
    expect((thrown as AppError).issues?.length).toBeGreaterThan(0)
    expect(fs.readFileSync(file, 'utf8')).toBe(before)
    expect(service.get().appearance.theme).toBe('dark')
    expect(listener).not.toHaveBeenCalled()
  })

  it('reset restores defaults and keeps a backup of what was there', () => {
    const { open, saved, siblings, dir } = setup()
    const service = open()
    service.update({ appearance: { theme: 'light' } })
    const before = fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')
    expect(service.reset()).toEqual(defaultSettings())
    expect(saved()).toEqual(defaultSettings())
    expect(siblings()).toEqual([`settings.json.before-reset-${STAMP}`])
    expect(fs.readFileSync(path.join(dir, `settings.json.before-reset-${STAMP}`), 'utf8')).toBe(before)
  })

  it('onChange fires with the saved settings on update and reset until unsubscribed', () => {
    const { open } = setup()
    const service = open()
    const seen: string[] = []
    const off = service.onChange((settings) => seen.push(settings.appearance.theme))
    service.update({ appearance: { theme: 'dark' } })
    service.reset()
    off()
    service.update({ appearance: { theme: 'light' } })
    expect(seen).toEqual(['dark', 'system'])
  })
})

describe('migrateSettings', () => {
  it('passes current documents through and lifts version 0', () => {
    expect(migrateSettings({ version: 1, a: 1 })).toEqual({ value: { version: 1, a: 1 }, from: 1 })
    expect(migrateSettings({})).toEqual({ value: { version: 1, appearance: {} }, from: 0 })
    expect(migrateSettings({ version: 0, keep: true })).toEqual({ value: { version: 1, keep: true, appearance: {} }, from: 0 })
  })

  it.each([null, 'text', 3, [1]])('marks non-object %j unsupported', (raw) => {
    expect(migrateSettings(raw)).toEqual({ value: raw, from: -1, unsupported: true })
  })

  it.each([2, -1, 0.5])('marks version %j unsupported', (version) => {
    expect(migrateSettings({ version })).toMatchObject({ from: version, unsupported: true })
  })
})

describe('JsonFileStorage', () => {
  it('reads undefined when missing, writes atomically with 0600 and creates folders', () => {
    const dir = makeTempDir()
    const storage = new JsonFileStorage(path.join(dir, 'nested', 'deeper', 'settings.json'))
    expect(storage.read()).toBeUndefined()
    expect(storage.backup('x')).toBeUndefined()
    storage.write({ a: 1 })
    expect(storage.read()).toEqual({ a: 1 })
    expect(fs.statSync(storage.location).mode & 0o777).toBe(0o600)
    expect(fs.readdirSync(path.dirname(storage.location))).toEqual(['settings.json'])
    const kept = storage.backup('manual')
    expect(kept).toMatch(/settings\.json\.manual-\d{4}-\d\d-\d\dT[\d-]+Z$/)
    expect(fs.readFileSync(kept ?? '', 'utf8')).toBe(fs.readFileSync(storage.location, 'utf8'))
  })

  it('throws ConfigError for bad JSON and IoError when the path cannot be read', () => {
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'bad.json'), '{')
    expect(() => new JsonFileStorage(path.join(dir, 'bad.json')).read()).toThrow(ConfigError)
    // A folder where the file should be: EISDIR, not ENOENT.
    fs.mkdirSync(path.join(dir, 'folder.json'))
    expect(() => new JsonFileStorage(path.join(dir, 'folder.json')).read()).toThrow(IoError)
  })
})
