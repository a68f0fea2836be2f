import { afterAll, describe, expect, it } from 'vitest'
import { createTestCore } from '../../../test/support/core'
import { removeTempDirs } from '../../../test/support/tmp'
import { registerStrategy } from '../installer/strategy'
import { defaultInstallerEnv, type InstallStrategy, type Platform } from '../installer/types'
import { autoStartOllama } from './ollama-autostart'

afterAll(() => removeTempDirs())

const platform = 'autostart-test' as Platform
const refused = async () => {
  throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })
}

/** A fake OS whose strategy records start calls; `answers` says whether Ollama answers at the host. */
function world(options: { owned: boolean; answers?: boolean; portTaken?: boolean; startFails?: boolean }) {
  const starts: string[] = []
  const strategy: InstallStrategy = {
    platform,
    methods: [],
    install: async () => ({ version: '', binary: '', service: '' }),
    start: async ({ host }) => {
      starts.push(host)
      if (options.startFails) throw new Error('did not answer')
      return { service: 'process', version: '0.12.6' }
    },
    stop: async () => ({ stopped: [] }),
    uninstall: async () => ({ removed: [] }),
    owned: async () => options.owned,
    setAutoStart: async () => ({ supported: true, detail: '' }),
  }
  registerStrategy(platform, () => strategy)
  const env = defaultInstallerEnv({
    platform,
    probeFetch: options.answers ? async () => Response.json({ version: '0.12.6' }) : refused,
    canConnect: async () => options.portTaken ?? false,
  })
  const lines: string[] = []
  const log = { info: (_f: object, m: string) => void lines.push(`info ${m}`), warn: (_f: object, m: string) => void lines.push(`warn ${m}`) }
  return { env, starts, lines, log }
}

describe('starting our Ollama when the app opens', () => {
  it('starts it only when it is ours, nothing answers, and the setting is on', async () => {
    const w = world({ owned: true })
    expect(await autoStartOllama({ enabled: true, env: w.env, host: '127.0.0.1:11434', log: w.log })).toBe('started')
    expect(w.starts).toEqual(['127.0.0.1:11434'])
    expect(w.lines).toEqual(['info started the Ollama that Ollama Desk installed'])
  })

  it('never starts anything otherwise', async () => {
    const cases = [
      [{ owned: true }, false, 'off'],
      [{ owned: false }, true, 'not-ours'],
      [{ owned: true, answers: true }, true, 'already-running'],
      [{ owned: true, portTaken: true }, true, 'port-conflict'],
    ] as const
    for (const [options, enabled, outcome] of cases) {
      const w = world(options)
      expect(await autoStartOllama({ enabled, env: w.env, host: '127.0.0.1:11434', log: w.log })).toBe(outcome)
      expect(w.starts).toEqual([])
    }
    const none = world({ owned: true })
    expect(await autoStartOllama({ enabled: true, env: defaultInstallerEnv({ platform: 'plan9' as Platform }), host: 'x', log: none.log })).toBe('unsupported')
  })

  it('logs a failed start instead of throwing', async () => {
    const w = world({ owned: true, startFails: true })
    expect(await autoStartOllama({ enabled: true, env: w.env, host: '127.0.0.1:11434', log: w.log })).toBe('failed')
    expect(w.lines).toEqual(['warn could not start the Ollama that Ollama Desk installed'])
  })

  it('runs from createCore only for the long-running app, and honours the setting', async () => {
    const w = world({ owned: true })
    const cli = createTestCore({ installerEnv: () => w.env })
    expect(await cli.core.ollamaAutoStart).toBe('not-owner')
    await cli.core.close()

    const app = createTestCore({ ownsHistory: true, installerEnv: () => w.env })
    expect(await app.core.ollamaAutoStart).toBe('started')
    expect(app.lines.some((line) => line.includes('started the Ollama that Ollama Desk installed'))).toBe(true)
    app.core.settings.update({ ollama: { autoStart: false } })
    await app.core.close()

    const again = createTestCore({ dataDir: app.dir, ownsHistory: true, installerEnv: () => w.env })
    expect(again.core.settings.get().ollama.autoStart).toBe(false)
    expect(await again.core.ollamaAutoStart).toBe('off')
    await again.core.close()
    expect(w.starts).toHaveLength(1)
  })
})
