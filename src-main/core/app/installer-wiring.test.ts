import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { InstallProgress } from '../../../src-shared/contract'
import { closedPort, startFakeServer } from '../../../test/support/fake-ollama'
import { startFakeOllamaApi, type FakeOllamaApi } from '../../../test/support/fake-ollama-api'
import { createTestCore } from '../../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { defaultInstallerEnv, linuxPaths, nodeRunner, stopLinux, type InstallerEnv, type Platform } from '../installer'
import { FAKE_OLLAMA_VERSION, fakeLinuxArchive, startReleaseServer, type ReleaseServer } from '../installer/testdata/release-server'
import { createLocalClient } from '../rpc'
import type { Core } from './create-core'
import { toProgress } from './installer-wiring'

const cores: Core[] = []
const servers: { close(): Promise<void> }[] = []
const envs: InstallerEnv[] = []
afterEach(async () => {
  for (const env of envs.splice(0)) await stopLinux(env).catch(() => undefined)
  await Promise.all(cores.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
afterAll(() => removeTempDirs())

/** A temp HOME; systemd is reported missing so the managed process runs. */
function installerEnv(platform: Platform = 'linux'): InstallerEnv {
  const env = defaultInstallerEnv({
    platform,
    arch: 'x64',
    home: makeTempDir('ollama-desk-home-'),
    runner: { ...nodeRunner, run: async (command, args, options) => (command === 'systemctl' ? { code: 1, stdout: '', stderr: 'no user bus' } : nodeRunner.run(command, args, options)) },
  })
  envs.push(env)
  return env
}

async function setup(options: { platform?: Platform; host?: string; release?: ReleaseServer; releaseApi?: string; env?: InstallerEnv } = {}) {
  const env = options.env ?? installerEnv(options.platform)
  const host = options.host ?? `127.0.0.1:${await closedPort()}`
  const { core } = createTestCore({
    env: { OLLAMA_HOST: host, OLLAMA_DESK_RELEASE_API: options.releaseApi ?? 'off', ...(options.release ? { OLLAMA_DESK_RELEASE_URL: options.release.url } : {}) },
    installerEnv: () => env,
  })
  cores.push(core)
  return { api: createLocalClient(core.dispatcher), env, host, core }
}

async function release(artifacts?: Map<string, Buffer>, slowMs?: number): Promise<ReleaseServer> {
  const server = await startReleaseServer({ ...(artifacts ? { artifacts } : {}), ...(slowMs ? { faults: { slowMs } } : {}) })
  servers.push(server)
  return server
}

describe('ollama.* installer routes through the real core', () => {
  it('detects nothing, installs from the release server, then stops, starts and uninstalls', async () => {
    const server = await release()
    const { api, env, host } = await setup({ release: server })
    const before = await api.call('ollama.detect', {})
    expect(before).toMatchObject({ ok: true, value: { reachable: false, installs: [], platform: 'linux', methods: ['per-user', 'system-wide'] } })
    expect(before.ok && before.value.portConflict).toBeUndefined()

    const events: InstallProgress[] = []
    const result = await api.stream('ollama.install', {}, (event) => events.push(event)).done
    expect(result).toMatchObject({ ok: true, value: { version: FAKE_OLLAMA_VERSION, service: 'process', binary: linuxPaths(env.home).binary } })
    expect(events.map((e) => e.phase).filter((p, i, all) => all.indexOf(p) === i)).toEqual(['detect', 'download', 'verify', 'extract', 'install', 'start', 'health'])
    expect(events.some((e) => e.bytes !== undefined && e.bytes === e.total)).toBe(true)

    const after = await api.call('ollama.detect', {})
    expect(after).toMatchObject({ ok: true, value: { reachable: true, version: FAKE_OLLAMA_VERSION, host: `http://${host}`, installs: [{ kind: 'ours', ours: true, version: FAKE_OLLAMA_VERSION }] } })
    const again = await api.stream('ollama.install', {}, () => undefined).done
    expect(again).toMatchObject({ ok: true, value: { service: 'already-running' } })

    const stopped = await api.call('ollama.stop', {})
    expect(stopped.ok && stopped.value.stopped[0]).toMatch(/ollama serve \(pid \d+\)/)
    expect(await api.call('ollama.start', {})).toMatchObject({ ok: true, value: { service: 'process', version: FAKE_OLLAMA_VERSION } })
    const removed = await api.call('ollama.uninstall', {})
    expect(removed.ok && removed.value.removed).toContain(linuxPaths(env.home).installDir)
    expect((await api.call('ollama.detect', {})).ok).toBe(true)
  })

  it('cancels mid-download and leaves no install behind', async () => {
    const big = fakeLinuxArchive([{ name: 'lib/ollama/blob.bin', data: randomBytes(2 * 1024 * 1024) }])
    // 128 chunks of 16 KiB, 200 ms apart: the cancel at the first bytes lands long before the end, however busy the machine.
    const server = await release(new Map([['ollama-linux-amd64.tar.zst', big]]), 200)
    const { api, env } = await setup({ release: server })
    const events: InstallProgress[] = []
    const handle = api.stream('ollama.install', { baseUrl: server.url, force: true }, (event) => {
      events.push(event)
      if (event.bytes !== undefined && event.bytes > 0) handle.cancel()
    })
    const result = await handle.done
    expect(result.ok ? undefined : result.error.code).toBe('E_CANCELLED')
    expect(events.some((e) => e.phase === 'download')).toBe(true)
    expect(fs.existsSync(linuxPaths(env.home).binary)).toBe(false)
  })

  it('refuses an unknown method, and on an unsupported system says so', async () => {
    const server = await release()
    const { api } = await setup({ release: server })
    const wrong = await api.stream('ollama.install', { method: 'brew' }, () => undefined).done
    expect(wrong.ok ? undefined : wrong.error).toMatchObject({ code: 'E_VALIDATION', hint: expect.stringContaining('per-user') })

    const other = await setup({ platform: 'aix' as Platform })
    const detected = await other.api.call('ollama.detect', {})
    expect(detected).toMatchObject({ ok: true, value: { platform: 'aix', methods: [] } })
    const refused = await other.api.stream('ollama.install', {}, () => undefined).done
    expect(refused.ok ? undefined : refused.error).toMatchObject({ code: 'E_UNSUPPORTED', hint: expect.stringContaining('ollama.com') })
    const start = await other.api.call('ollama.start', {})
    expect(start.ok ? undefined : start.error.code).toBe('E_UNSUPPORTED')
  })

  it('reports a port held by something that is not Ollama, with a hint', async () => {
    const other = await startFakeServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>router</html>'))
    servers.push(other)
    const { api } = await setup({ host: `127.0.0.1:${other.port}` })
    const detected = await api.call('ollama.detect', {})
    expect(detected.ok && detected.value.portConflict).toMatchObject({ message: expect.stringContaining('not Ollama'), hint: expect.stringContaining('OLLAMA_HOST') })
  })

  it('adds the newest release to detect, compared with the installed version; an unreachable API adds nothing', async () => {
    let tag = 'v1.0.0'
    let hits = 0
    const api = await startFakeServer((_req, res) => (hits++, void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tag_name: tag }))))
    servers.push(api)
    const env = installerEnv()
    const bin = linuxPaths(env.home).binary
    fs.mkdirSync(bin.replace(/\/ollama$/, ''), { recursive: true })
    fs.writeFileSync(bin, '#!/bin/sh\necho "ollama version is 0.12.6"\n', { mode: 0o755 })
    const { api: client } = await setup({ env, releaseApi: `http://127.0.0.1:${api.port}/latest` })
    expect(await client.call('ollama.detect', {})).toMatchObject({ ok: true, value: { latestVersion: '1.0.0', updateAvailable: true, installs: [{ version: '0.12.6' }] } })
    tag = 'v0.12.6'
    expect(await client.call('ollama.detect', {})).toMatchObject({ ok: true, value: { latestVersion: '1.0.0' } }) // cached
    expect(hits).toBe(1)

    const same = await setup({ env, releaseApi: `http://127.0.0.1:${api.port}/latest` })
    expect(await same.api.call('ollama.detect', {})).toMatchObject({ ok: true, value: { latestVersion: '0.12.6', updateAvailable: false } })

    const down = await setup({ env, releaseApi: `http://127.0.0.1:${await closedPort()}/latest` })
    const detected = await down.api.call('ollama.detect', {})
    expect(detected.ok && [detected.value.latestVersion, detected.value.updateAvailable]).toEqual([undefined, undefined])
    const nothing = await setup({ releaseApi: `http://127.0.0.1:${api.port}/latest` })
    const unknown = await nothing.api.call('ollama.detect', {})
    expect(unknown.ok && [unknown.value.latestVersion, unknown.value.updateAvailable]).toEqual(['0.12.6', undefined])
  })

  it('ollama.autoStart switches the systemd unit where one exists, and saves the setting', async () => {
    const calls: string[] = []
    const env = installerEnv()
    env.runner = { ...env.runner, run: async (command, args) => (calls.push([command, ...args].join(' ')), { code: 0, stdout: '', stderr: '' }) }
    const unit = linuxPaths(env.home).unitFile
    fs.mkdirSync(unit.replace(/\/[^/]+$/, ''), { recursive: true })
    fs.writeFileSync(unit, '[Unit]\n')
    const { api, core } = await setup({ env })
    expect(core.settings.get().ollama.autoStart).toBe(true)
    expect(await api.call('ollama.autoStart', { enabled: false })).toEqual({ ok: true, value: { enabled: false, supported: true, detail: 'systemd user unit ollama-desk-ollama.service disabled' } })
    expect(core.settings.get().ollama.autoStart).toBe(false)
    expect(await api.call('ollama.autoStart', { enabled: true })).toMatchObject({ ok: true, value: { enabled: true } })
    expect(calls).toEqual(['systemctl --user disable ollama-desk-ollama.service', 'systemctl --user enable ollama-desk-ollama.service'])
    expect(core.settings.get().ollama.autoStart).toBe(true)

    const mac = await setup({ platform: 'darwin' })
    expect(await mac.api.call('ollama.autoStart', { enabled: false })).toMatchObject({ ok: true, value: { enabled: false, supported: false, detail: expect.stringContaining('Login Items') } })
    expect(mac.core.settings.get().ollama.autoStart).toBe(false)
    const other = await setup({ platform: 'aix' as Platform })
    expect(await other.api.call('ollama.autoStart', { enabled: false })).toMatchObject({ ok: true, value: { supported: false } })
    env.runner = { ...env.runner, run: async () => ({ code: 1, stdout: '', stderr: 'Failed to connect to bus' }) }
    const failed = await api.call('ollama.autoStart', { enabled: false })
    expect(failed.ok ? undefined : failed.error.code).toBe('E_IO')
    expect(core.settings.get().ollama.autoStart).toBe(true)
  })

  it('maps every install event to the flat progress shape', () => {
    expect(toProgress({ type: 'phase', phase: 'install', detail: '/x' })).toEqual({ phase: 'install', message: '/x' })
    expect(toProgress({ type: 'phase', phase: 'verify' })).toEqual({ phase: 'verify' })
    expect(toProgress({ type: 'log', message: 'kept' })).toEqual({ phase: 'log', message: 'kept' })
    expect(toProgress({ type: 'progress', bytes: 5, total: undefined, bytesPerSecond: 1, etaSeconds: undefined })).toEqual({ phase: 'download', bytes: 5, bytesPerSecond: 1 })
    expect(toProgress({ type: 'progress', bytes: 5, total: 10, bytesPerSecond: 1, etaSeconds: 5 })).toEqual({ phase: 'download', bytes: 5, total: 10, bytesPerSecond: 1, etaSeconds: 5 })
  })
})

describe('ollama.try', () => {
  let ollama: FakeOllamaApi
  afterEach(async () => ollama?.close())

  it('answers one prompt, and maps a missing model or a dead host to errors with hints', async () => {
    ollama = await startFakeOllamaApi({ models: [{ name: 'llama3.2:3b', size: 1 }] })
    const { api } = await setup({ host: ollama.host })
    const answer = await api.call('ollama.try', { model: 'llama3.2:3b', prompt: 'Say hi' })
    expect(answer.ok && answer.value.reply).toContain('You said: Say hi')
    expect(answer.ok && answer.value.ms).toBeGreaterThanOrEqual(0)
    expect(ollama.requests).toContain('POST /api/chat')
    const missing = await api.call('ollama.try', { model: 'nope', prompt: 'hi' })
    expect(missing.ok ? undefined : missing.error).toMatchObject({ code: 'E_NOT_FOUND', hint: expect.any(String) })
    const empty = await api.call('ollama.try', { model: 'llama3.2:3b', prompt: '  ' })
    expect(empty.ok ? undefined : empty.error.code).toBe('E_VALIDATION')

    const dead = await setup()
    const down = await dead.api.call('ollama.try', { model: 'llama3.2:3b', prompt: 'hi' })
    expect(down.ok ? undefined : down.error.code).toBe('E_NETWORK')
  })
})
