import { describe, expect, it } from 'vitest'
import { registerStrategy, strategyFor, type InstallStrategy } from './strategy'
import { defaultInstallerEnv, type Platform } from './types'

describe('strategyFor', () => {
  it('picks the Linux strategy on Linux', () => {
    const strategy = strategyFor(defaultInstallerEnv({ platform: 'linux' }))
    expect(strategy).toMatchObject({ platform: 'linux', methods: ['per-user'] })
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
    }
    registerStrategy(platform, () => fake)
    expect(strategyFor(env)).toBe(fake)
  })
})
