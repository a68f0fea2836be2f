import { describe, expect, it } from 'vitest'
import { registerStrategy, strategyFor, type InstallStrategy } from './strategy'
import { defaultInstallerEnv } from './types'

describe('strategyFor', () => {
  it('picks the Linux strategy on Linux', () => {
    const strategy = strategyFor(defaultInstallerEnv({ platform: 'linux' }))
    expect(strategy).toMatchObject({ platform: 'linux', methods: ['per-user'] })
  })

  it('says plainly when a system has no strategy, and uses one once registered', () => {
    const env = defaultInstallerEnv({ platform: 'win32' })
    expect(() => strategyFor(env)).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED', hint: expect.stringContaining('ollama.com') }))
    const fake: InstallStrategy = {
      platform: 'win32',
      methods: ['per-user'],
      install: async () => ({ version: '1', binary: 'ollama.exe', service: 'app' }),
      start: async () => ({ service: 'app', version: '1' }),
      stop: async () => ({ stopped: [] }),
      uninstall: async () => ({ removed: [] }),
    }
    registerStrategy('win32', () => fake)
    expect(strategyFor(env)).toBe(fake)
  })
})
