import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { registerStrategy, strategyFor } from './strategy'
import { defaultInstallerEnv, type InstallStrategy, type Platform } from './types'

afterAll(() => removeTempDirs())

describe('strategyFor', () => {
  it('picks the Linux strategy on Linux', () => {
    const strategy = strategyFor(defaultInstallerEnv({ platform: 'linux' }))
    expect(strategy).toMatchObject({ platform: 'linux', methods: ['per-user', 'system-wide'] })
  })

  it('picks the macOS and Windows strategies', () => {
    expect(strategyFor(defaultInstallerEnv({ platform: 'darwin' }))).toMatchObject({ platform: 'darwin', methods: ['app', 'homebrew'] })
    expect(strategyFor(defaultInstallerEnv({ platform: 'win32' }))).toMatchObject({ platform: 'win32', methods: ['installer', 'winget'] })
  })

  it('says plainly when a system has no strategy, and uses one once registered', () => {
    const platform = 'freebsd' as Platform
    const env = defaultInstallerEnv({ platform })
    expect(() => strategyFor(env)).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED', hint: expect.stringContaining('ollama.com') }))
    const fake: InstallStrategy = {
      platform,
      methods: ['per-user'],
      install: async () => ({ version: '1', binary: 'ollama.exe', service: 'app' }),
      start: async () => ({ service: 'app', version: '1' }),
      stop: async () => ({ stopped: [] }),
      uninstall: async () => ({ removed: [] }),
      owned: async () => false,
      setAutoStart: async () => ({ supported: false, detail: '' }),
    }
    registerStrategy(platform, () => fake)
    expect(strategyFor(env)).toBe(fake)
  })
})

describe('owned and start on login on macOS and Windows', () => {
  it('owns only what its marker records, and leaves login items to the OS', async () => {
    const home = makeTempDir('ollama-desk-owned-')
    const mac = strategyFor(defaultInstallerEnv({ platform: 'darwin', home }))
    expect(await mac.owned()).toBe(false)
    const marker = path.join(home, 'Library/Application Support/ollama-desk/installed-ollama.json')
    const app = path.join(home, 'Applications/Ollama.app')
    fs.mkdirSync(path.dirname(marker), { recursive: true })
    fs.writeFileSync(marker, JSON.stringify({ method: 'app', path: app }))
    expect(await mac.owned()).toBe(false) // recorded, but removed since
    fs.mkdirSync(app, { recursive: true })
    expect(await mac.owned()).toBe(true)
    expect(await mac.setAutoStart(false)).toMatchObject({ supported: false, detail: expect.stringContaining('Login Items') })

    const windows = strategyFor(defaultInstallerEnv({ platform: 'win32', home, env: { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' } }))
    expect(await windows.owned()).toBe(false)
    expect(await windows.setAutoStart(true)).toMatchObject({ supported: false, detail: expect.stringContaining('Startup') })
  })
})
