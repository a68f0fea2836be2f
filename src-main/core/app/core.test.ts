import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventName } from '../../../src-shared/contract'
import { createTestCore } from '../../../test/support/core'
import { closedPort, startFakeServer, type FakeServer } from '../../../test/support/fake-ollama'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { createCore, locateElectronBinary, type Core } from '.'

const cores: Core[] = []
const servers: FakeServer[] = []
afterEach(async () => {
  cores.splice(0).forEach((core) => core.close())
  await Promise.all(servers.splice(0).map((server) => server.close()))
  removeTempDirs()
})

const ctx = () => ({ signal: new AbortController().signal, clientId: 'test' })

function make(options: Parameters<typeof createTestCore>[0] = {}) {
  const made = createTestCore(options)
  cores.push(made.core)
  return made
}

describe('createCore', () => {
  it('creates the data dir and reports app info', async () => {
    const dir = path.join(makeTempDir(), 'not', 'yet')
    const { core, lines } = make({ dataDir: dir, mode: 'electron', electronVersion: '45.0.0' })
    expect(fs.statSync(dir).isDirectory()).toBe(true)
    const info = await core.dispatcher.call('app.info', {}, ctx())
    expect(info).toEqual({
      ok: true,
      value: {
        name: 'Ollama Desk',
        version: '9.9.9-test',
        mode: 'electron',
        platform: process.platform,
        arch: process.arch,
        versions: { node: process.versions.node, electron: '45.0.0' },
        dataDir: dir,
      },
    })
    expect(lines.some((line) => line.includes('core started'))).toBe(true)
    const web = make()
    const webInfo = await web.core.dispatcher.call('app.info', {}, ctx())
    expect(webInfo.ok && (webInfo.value as { versions: object }).versions).toEqual({ node: process.versions.node })
  })

  it('settings routes read, update, reset and broadcast settings.changed', async () => {
    const { core, dir } = make()
    const seen: [EventName, unknown][] = []
    const off = core.onBroadcast((name, payload) => seen.push([name, payload]))
    const updated = await core.dispatcher.call('settings.update', { appearance: { theme: 'dark' } }, ctx())
    expect(updated).toMatchObject({ ok: true, value: { appearance: { theme: 'dark' } } })
    expect(await core.dispatcher.call('settings.get', {}, ctx())).toEqual(updated)
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toMatchObject({ appearance: { theme: 'dark' } })
    const reset = await core.dispatcher.call('settings.reset', {}, ctx())
    expect(reset).toMatchObject({ ok: true, value: { appearance: { theme: 'system' } } })
    expect(seen.map(([name]) => name)).toEqual(['settings.changed', 'settings.changed'])
    off()
    await core.dispatcher.call('settings.update', { appearance: { theme: 'light' } }, ctx())
    expect(seen).toHaveLength(2)
  })

  it('settings.update stores the Ollama host normalised and refuses one Ollama could not use', async () => {
    const { core } = make()
    expect(await core.dispatcher.call('settings.update', { ollama: { host: 'gpu-box' } }, ctx())).toMatchObject({
      ok: true,
      value: { ollama: { host: 'http://gpu-box:11434' } },
    })
    const bad = await core.dispatcher.call('settings.update', { ollama: { host: 'ftp://gpu-box' } }, ctx())
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    expect(core.settings.get().ollama.host).toBe('http://gpu-box:11434')
    const other = await core.dispatcher.call('settings.update', { ollama: {} }, ctx())
    expect(other).toMatchObject({ ok: true, value: { ollama: { host: 'http://gpu-box:11434' } } })
  })

  it('OLLAMA_HOST beats the saved host; an explicit host beats both', async () => {
    const server = await startFakeServer()
    servers.push(server)
    const port = await closedPort()
    const { core } = make({ env: { OLLAMA_HOST: server.url } })
    core.settings.update({ ollama: { host: `127.0.0.1:${port}` } })
    expect(core.ollamaHost()).toBe(server.url)
    expect(await core.dispatcher.call('app.info', {}, ctx())).toMatchObject({ ok: true, value: { ollamaHostFromEnv: server.url } })
    expect(await core.dispatcher.call('ollama.status', {}, ctx())).toMatchObject({ ok: true, value: { reachable: true, version: '0.12.0' } })
    const explicit = await core.dispatcher.call('ollama.status', { host: `127.0.0.1:${port}` }, ctx())
    expect(explicit).toMatchObject({ ok: true, value: { reachable: false } })
    const saved = make({ env: {} })
    saved.core.settings.update({ ollama: { host: server.url } })
    expect(saved.core.ollamaHost()).toBe(server.url)
    const info = await saved.core.dispatcher.call('app.info', {}, ctx())
    expect(info).toMatchObject({ ok: true })
    expect(info.ok && Object.hasOwn(info.value as object, 'ollamaHostFromEnv')).toBe(false)
  })

  it('diagnostics.doctor runs the checks with the settings notices', async () => {
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'settings.json'), '{broken')
    const port = await closedPort()
    const { core } = make({ dataDir: dir, env: { OLLAMA_HOST: `127.0.0.1:${port}` } })
    const result = await core.dispatcher.call('diagnostics.doctor', {}, ctx())
    expect(result.ok).toBe(true)
    const checks = result.ok ? (result.value as { checks: { id: string; status: string }[] }).checks : []
    expect(Object.fromEntries(checks.map((check) => [check.id, check.status]))).toEqual({
      node: 'ok',
      'data-dir': 'ok',
      settings: 'warn',
      ollama: 'fail',
      electron: 'warn',
    })
  })

  it('shell.openExternal goes through the adapter hook, and is refused without one', async () => {
    const opened: string[] = []
    const { core } = make({ openExternal: async (url) => (opened.push(url), true) })
    expect(await core.dispatcher.call('shell.openExternal', { url: 'https://ollama.com/' }, ctx())).toEqual({ ok: true, value: { opened: true } })
    expect(opened).toEqual(['https://ollama.com/'])
    expect(await core.dispatcher.call('shell.openExternal', { url: 'file:///etc/passwd' }, ctx())).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const { core: bare } = make({ openExternal: undefined })
    expect(await bare.dispatcher.call('shell.openExternal', { url: 'https://ollama.com/' }, ctx())).toEqual({ ok: true, value: { opened: false } })
  })

  it('the loopback stream honours intervalMs and stops when aborted', async () => {
    const { core } = make()
    const controller = new AbortController()
    const events: unknown[] = []
    const pending = core.dispatcher.stream(
      'diagnostics.loopback',
      { count: 1000, intervalMs: 5 },
      { signal: controller.signal, clientId: 't' },
      (event) => {
        events.push(event)
        if (events.length === 3) controller.abort()
      },
    )
    expect(await pending).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } })
    expect(events.length).toBeGreaterThanOrEqual(3)
    expect(events.length).toBeLessThan(1000)
  })

  it('writes its log to the data dir when no sink is given, and stops broadcasting after close', () => {
    const dir = makeTempDir()
    const core = createCore({ dataDir: dir, mode: 'web', version: '1', env: {}, locateElectron: () => 'x' })
    const listener = vi.fn()
    core.onBroadcast(listener)
    core.close()
    core.settings.update({ appearance: { theme: 'dark' } })
    expect(listener).not.toHaveBeenCalled()
    expect(fs.readFileSync(path.join(dir, 'logs', 'ollama-desk.log'), 'utf8')).toContain('core started')
  })

  it('makes an older install private at start-up: the folder 0700, history and settings 0600', () => {
    const dir = makeTempDir()
    fs.chmodSync(dir, 0o755)
    fs.writeFileSync(path.join(dir, 'sessions.db'), '', { mode: 0o644 })
    fs.chmodSync(path.join(dir, 'sessions.db'), 0o644)
    fs.mkdirSync(path.join(dir, 'backups'), { mode: 0o755 })
    fs.writeFileSync(path.join(dir, 'backups', 'sessions-2026-01-01.db'), 'old', { mode: 0o644 })
    fs.chmodSync(path.join(dir, 'backups', 'sessions-2026-01-01.db'), 0o644)
    const core = createCore({ dataDir: dir, mode: 'web', version: '1', env: {}, locateElectron: () => 'x' })
    core.close()
    const modeOf = (file: string): number => fs.statSync(path.join(dir, file)).mode & 0o777
    expect([modeOf('.'), modeOf('sessions.db'), modeOf('backups'), modeOf('backups/sessions-2026-01-01.db')]).toEqual([0o700, 0o600, 0o700, 0o600])
    expect(fs.readFileSync(path.join(dir, 'logs', 'ollama-desk.log'), 'utf8')).toContain('made the data folder readable by this user only')
  })

  it('falls back to locating the real electron package (missing binary here) without downloading anything', async () => {
    const dir = makeTempDir()
    const core = createCore({ dataDir: dir, mode: 'web', version: '1', env: { ELECTRON_OVERRIDE_DIST_PATH: dir }, logSink: { write: () => undefined } })
    cores.push(core)
    fs.writeFileSync(path.join(dir, 'electron'), '')
    const result = await core.dispatcher.call('diagnostics.doctor', {}, ctx())
    const electron = result.ok ? (result.value as { checks: { id: string; status: string; detail: string }[] }).checks.find((c) => c.id === 'electron') : undefined
    expect(electron).toMatchObject({ status: 'ok', detail: path.join(dir, 'electron') })
  })
})

describe('locateElectronBinary', () => {
  function fakePackage(pathTxt?: string, binary?: string) {
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'package.json'), '{}')
    if (pathTxt !== undefined) fs.writeFileSync(path.join(dir, 'path.txt'), pathTxt)
    if (binary) {
      fs.mkdirSync(path.join(dir, 'dist'), { recursive: true })
      fs.writeFileSync(path.join(dir, 'dist', binary), '')
    }
    return { dir, require: { resolve: () => path.join(dir, 'package.json') } as unknown as NodeJS.Require }
  }

  it('finds the binary named in path.txt', () => {
    const { dir, require } = fakePackage('electron\n', 'electron')
    expect(locateElectronBinary(require, {})).toBe(path.join(dir, 'dist', 'electron'))
  })

  it('says why when the package, path.txt or binary is missing', () => {
    const throwing = { resolve: () => { throw new Error('Cannot find module') } } as unknown as NodeJS.Require
    expect(locateElectronBinary(throwing, {})).toEqual(new Error('the electron package is not installed'))
    expect(locateElectronBinary(fakePackage().require, {})).toEqual(new Error('the Electron binary was never downloaded'))
    expect(locateElectronBinary(fakePackage('').require, {})).toEqual(new Error('the Electron binary was never downloaded'))
    const { dir, require } = fakePackage('electron')
    expect((locateElectronBinary(require, {}) as Error).message).toBe(`binary missing at ${path.join(dir, 'dist', 'electron')}`)
  })

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    const override = makeTempDir()
    fs.writeFileSync(path.join(override, 'electron'), '')
    expect(locateElectronBinary(fakePackage().require, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(path.join(override, 'electron'))
    fs.writeFileSync(path.join(override, 'Electron.app'), '')
    expect(locateElectronBinary(fakePackage('Electron.app').require, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(path.join(override, 'Electron.app'))
  })

  it('with the real package on this machine returns an Error, quickly and quietly', () => {
    const log = vi.spyOn(console, 'log')
    const found = locateElectronBinary(undefined, {})
    expect(found).toBeInstanceOf(Error)
    expect(log).not.toHaveBeenCalled()
    log.mockRestore()
  })
})
