import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { FAKE_OLLAMA_VERSION, startReleaseServer, type ReleaseServer } from './testdata/release-server'
import { defaultInstallerEnv, nodeFs, sleep, type InstallEvent, type InstallerEnv, type InstallerFs, type InstallPhase, type RunResult } from './types'
import { installWindows, startWindows, stopWindows, uninstallWindows, windowsPaths } from './windows'

const servers: ReleaseServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})
afterAll(() => removeTempDirs())

const ok: RunResult = { code: 0, stdout: '', stderr: '' }
const HOST = '127.0.0.1:11434'
const LOCAL = 'C:\\Users\\me\\AppData\\Local'
const INSTALL = `${LOCAL}\\Programs\\Ollama`
const SETUP = `${LOCAL}\\ollama-desk\\downloads\\OllamaSetup.exe`

/** Windows paths (`C:\…`, either slash) mapped into a temp folder: the injected file system root. */
function windowsFs(base: string): { fs: InstallerFs; real: (p: string) => string } {
  const real = (p: string) => path.join(base, p.replace(/^([A-Za-z]):/, '$1').replace(/\\/g, '/'))
  const mapped: InstallerFs = {
    mkdir: (p) => nodeFs.mkdir(real(p)),
    writeFile: (p, data, mode) => nodeFs.writeFile(real(p), data, mode),
    readFile: (p) => nodeFs.readFile(real(p)),
    openAppend: (p, truncate) => nodeFs.openAppend(real(p), truncate),
    readStream: (p) => nodeFs.readStream(real(p)),
    size: (p) => nodeFs.size(real(p)),
    exists: (p) => nodeFs.exists(real(p)),
    isDirectory: (p) => nodeFs.isDirectory(real(p)),
    writable: (p) => nodeFs.writable(real(p)),
    readlink: (p) => nodeFs.readlink(real(p)),
    symlink: (target, p) => nodeFs.symlink(target, real(p)),
    rename: (from, to) => nodeFs.rename(real(from), real(to)),
    rm: (p) => nodeFs.rm(real(p)),
    chmod: (p, mode) => nodeFs.chmod(real(p), mode),
  }
  return { fs: mapped, real }
}

function winEnv(options: { setupCode?: number; winget?: boolean; answers?: boolean; starts?: boolean } = {}) {
  const base = makeTempDir('ollama-desk-win-')
  const { fs: mappedFs, real } = windowsFs(base)
  const calls: string[][] = []
  const spawned: { command: string; args: string[]; env: Record<string, string | undefined> }[] = []
  const state = { running: options.answers ?? false }
  const putFiles = () => {
    fs.mkdirSync(real(INSTALL), { recursive: true })
    for (const file of ['ollama.exe', 'ollama app.exe', 'unins000.exe']) fs.writeFileSync(real(`${INSTALL}\\${file}`), 'new')
  }
  const env: InstallerEnv = defaultInstallerEnv({
    platform: 'win32',
    arch: 'x64',
    home: 'C:\\Users\\me',
    root: '',
    env: { LOCALAPPDATA: LOCAL, PATH: 'C:\\Windows' },
    fs: mappedFs,
    canConnect: async () => false,
    sleep: (ms, signal) => sleep(Math.min(ms, 2), signal),
    probeFetch: async (_url, init) => {
      if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError')
      if (!state.running) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })
      return Response.json({ version: FAKE_OLLAMA_VERSION })
    },
    runner: {
      async run(command, args) {
        calls.push([command, ...args])
        if (command === SETUP) {
          expect(fs.existsSync(real(SETUP))).toBe(true)
          if (options.setupCode) return { code: options.setupCode, stdout: '', stderr: '' }
          putFiles()
          return ok
        }
        if (command === `${INSTALL}\\unins000.exe`) return fs.rmSync(real(INSTALL), { recursive: true }), ok
        if (command === 'taskkill') return (state.running = false), ok
        if (command === 'winget' && options.winget) {
          if (args[0] === 'install') putFiles()
          if (args[0] === 'uninstall') fs.rmSync(real(INSTALL), { recursive: true })
          return ok
        }
        return { code: 127, stdout: '', stderr: `${command}: not found` }
      },
      async spawnDetached(command, args, { env: childEnv }) {
        spawned.push({ command, args, env: childEnv })
        state.running = options.starts ?? true
        return 4242
      },
      alive: () => false,
      kill: () => undefined,
    },
  })
  return { env, calls, spawned, state, real }
}

async function release(faults = {}): Promise<ReleaseServer> {
  const server = await startReleaseServer({ faults })
  servers.push(server)
  return server
}

describe('Windows strategy', () => {
  it('puts Ollama under %LOCALAPPDATA%\\Programs\\Ollama, with a fallback under the home folder', () => {
    const { env } = winEnv()
    expect(windowsPaths(env)).toMatchObject({ binary: `${INSTALL}\\ollama.exe`, trayApp: `${INSTALL}\\ollama app.exe`, uninstaller: `${INSTALL}\\unins000.exe` })
    expect(windowsPaths({ ...env, env: {} }).binary).toBe(`${INSTALL}\\ollama.exe`)
  })

  it('downloads, verifies and runs OllamaSetup.exe silently per user, then starts the tray app', async () => {
    const server = await release()
    const { env, calls, spawned, real } = winEnv()
    const events: InstallEvent[] = []
    const result = await installWindows(env, { baseUrl: server.url, host: HOST, onEvent: (event) => events.push(event) })
    expect(result).toEqual({ version: FAKE_OLLAMA_VERSION, binary: `${INSTALL}\\ollama.exe`, service: 'app' })
    expect(calls).toEqual([[SETUP, '/VERYSILENT', '/NORESTART', '/SUPPRESSMSGBOXES']])
    expect(spawned).toEqual([{ command: `${INSTALL}\\ollama app.exe`, args: [], env: expect.objectContaining({ OLLAMA_HOST: HOST, LOCALAPPDATA: LOCAL }) }])
    expect(fs.existsSync(real(SETUP))).toBe(false)
    expect(events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase)).toEqual(['detect', 'download', 'verify', 'install', 'start', 'health'])
    expect(JSON.parse(fs.readFileSync(real(windowsPaths(env).marker), 'utf8'))).toMatchObject({ method: 'installer', path: INSTALL })

    calls.length = 0
    expect(await stopWindows(env)).toEqual({ stopped: ['ollama app.exe', 'ollama.exe'] })
    expect(calls).toEqual([
      ['taskkill', '/IM', 'ollama app.exe', '/F'],
      ['taskkill', '/IM', 'ollama.exe', '/F'],
    ])
    fs.rmSync(real(`${INSTALL}\\ollama app.exe`))
    expect(await startWindows(env, { host: HOST })).toEqual({ service: 'process', version: FAKE_OLLAMA_VERSION })
    expect(spawned[1]).toMatchObject({ command: `${INSTALL}\\ollama.exe`, args: ['serve'] })
    calls.length = 0
    const { removed } = await uninstallWindows(env)
    expect(calls).toEqual([
      ['taskkill', '/IM', 'ollama app.exe', '/F'],
      ['taskkill', '/IM', 'ollama.exe', '/F'],
      [`${INSTALL}\\unins000.exe`, '/VERYSILENT', '/NORESTART'],
    ])
    expect(removed).toContain(INSTALL)
    expect(fs.existsSync(real(INSTALL)) || fs.existsSync(real(windowsPaths(env).marker))).toBe(false)
    await expect(startWindows(env, { host: HOST })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })

  it('reports a failing installer with its exit code and where its log is', async () => {
    const server = await release()
    const { env, real } = winEnv({ setupCode: 5 })
    const failure = installWindows(env, { baseUrl: server.url, host: HOST })
    await expect(failure).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('exit code 5'), hint: expect.stringContaining('%TEMP%') })
    expect(fs.existsSync(real(INSTALL))).toBe(false)
    expect(fs.existsSync(real(windowsPaths(env).downloads))).toBe(false)
  })

  it('uninstalls what the installer put there when the new Ollama never answers', async () => {
    const server = await release()
    const { env, calls, real } = winEnv({ starts: false })
    await expect(installWindows(env, { baseUrl: server.url, host: HOST, healthTimeoutMs: 50 })).rejects.toMatchObject({ code: 'E_TIMEOUT' })
    expect(calls.slice(1)).toEqual([
      ['taskkill', '/IM', 'ollama app.exe', '/F'],
      ['taskkill', '/IM', 'ollama.exe', '/F'],
      [`${INSTALL}\\unins000.exe`, '/VERYSILENT', '/NORESTART'],
    ])
    expect(fs.existsSync(real(INSTALL)) || fs.existsSync(real(windowsPaths(env).marker))).toBe(false)
  })

  it('a checksum mismatch never leaves an executable on disk', async () => {
    const server = await release({ corrupt: 2 })
    const { env, calls, real } = winEnv()
    await expect(installWindows(env, { baseUrl: server.url, host: HOST })).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('checksum') })
    expect(calls).toEqual([])
    expect(fs.existsSync(real(INSTALL)) || fs.existsSync(real(windowsPaths(env).downloads))).toBe(false)
  })

  it.each<InstallPhase>(['detect', 'download', 'verify', 'install', 'start', 'health'])('cancel during %s leaves nothing installed', async (phase) => {
    const server = await release()
    const { env, real } = winEnv()
    const controller = new AbortController()
    const onEvent = (event: InstallEvent) => void (event.type === 'phase' && event.phase === phase && controller.abort())
    await expect(installWindows(env, { baseUrl: server.url, host: HOST, signal: controller.signal, onEvent })).rejects.toMatchObject({ code: 'E_CANCELLED' })
    expect(fs.existsSync(real(INSTALL)) || fs.existsSync(real(windowsPaths(env).marker))).toBe(false)
    const downloads = real(windowsPaths(env).downloads)
    expect(fs.existsSync(downloads) ? fs.readdirSync(downloads).filter((f) => !f.endsWith('.part')) : []).toEqual([])
  })

  it('uses winget when asked and present, and uninstalls through winget', async () => {
    const server = await release()
    const { env, calls } = winEnv({ winget: true })
    const result = await installWindows(env, { baseUrl: server.url, host: HOST, method: 'winget' })
    expect(result).toMatchObject({ service: 'app', version: FAKE_OLLAMA_VERSION })
    expect(server.requests).toEqual([])
    expect(calls).toEqual([
      ['winget', '--version'],
      ['winget', 'install', '--id', 'Ollama.Ollama', '-e', '--silent', '--accept-package-agreements', '--accept-source-agreements'],
    ])
    calls.length = 0
    expect((await uninstallWindows(env)).removed[0]).toBe('winget Ollama.Ollama')
    expect(calls.at(-1)).toEqual(['winget', 'uninstall', '--id', 'Ollama.Ollama', '-e', '--silent'])
  })

  it('falls back to OllamaSetup.exe when winget is missing', async () => {
    const server = await release()
    const { env, calls } = winEnv({ winget: false })
    await installWindows(env, { baseUrl: server.url, host: HOST, method: 'winget' })
    expect(calls).toEqual([['winget', '--version'], [SETUP, '/VERYSILENT', '/NORESTART', '/SUPPRESSMSGBOXES']])
  })

  it('does not reinstall an Ollama that already answers unless forced; uninstall leaves installs it did not make', async () => {
    const server = await release()
    const { env, calls, real } = winEnv({ answers: true })
    expect(await installWindows(env, { baseUrl: server.url, host: HOST })).toMatchObject({ service: 'already-running', version: FAKE_OLLAMA_VERSION })
    expect(server.requests).toEqual([])
    expect(await uninstallWindows(env)).toEqual({ removed: [] })
    expect(calls).toEqual([])
    expect((await installWindows(env, { baseUrl: server.url, host: HOST, force: true, start: false })).service).toBe('not started')
    expect(calls).toEqual([[SETUP, '/VERYSILENT', '/NORESTART', '/SUPPRESSMSGBOXES']])
    expect(fs.existsSync(real(`${INSTALL}\\ollama.exe`))).toBe(true)
  })
})
