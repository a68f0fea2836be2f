import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { installMac, macPaths, QUIT_SCRIPT, startMac, stopMac, uninstallMac } from './macos'
import { FAKE_OLLAMA_VERSION, startReleaseServer, type ReleaseServer } from './testdata/release-server'
import { defaultInstallerEnv, sleep, type InstallEvent, type InstallerEnv, type InstallPhase, type RunResult } from './types'

const servers: ReleaseServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})
afterAll(() => removeTempDirs())

const ok: RunResult = { code: 0, stdout: '', stderr: '' }
const HOST = '127.0.0.1:11434'

/** A Mac in a temp folder: recorded commands, `ditto` unpacks a stand-in app, `open` makes Ollama answer. */
function macEnv(options: { systemWritable?: boolean; brew?: boolean; answers?: boolean; ditto?: number } = {}) {
  const base = makeTempDir('ollama-desk-mac-')
  const calls: string[][] = []
  const state = { running: options.answers ?? false, opens: options.answers === false ? 0 : 1 }
  const root = path.join(base, 'root')
  if (options.systemWritable !== false) fs.mkdirSync(path.join(root, 'Applications'), { recursive: true })
  const env: InstallerEnv = defaultInstallerEnv({
    platform: 'darwin',
    arch: 'arm64',
    home: path.join(base, 'home'),
    root,
    env: {},
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
        if (command === 'ditto') {
          if (options.ditto) return { code: options.ditto, stdout: '', stderr: 'ditto: No space left on device' }
          expect(fs.existsSync(args[2] as string)).toBe(true)
          fs.mkdirSync(path.join(args[3] as string, 'Ollama.app/Contents/Resources'), { recursive: true })
          fs.writeFileSync(path.join(args[3] as string, 'Ollama.app/Contents/Resources/ollama'), 'new')
          return ok
        }
        if (command === 'open') return (state.running = state.opens > 0), ok
        if (command === 'osascript') return (state.running = false), ok
        if (command === 'xattr') return ok
        if (command === 'brew') {
          if (!options.brew) return { code: 127, stdout: '', stderr: 'brew: not found' }
          if (args[0] === 'install') {
            fs.mkdirSync(path.join(root, 'Applications/Ollama.app/Contents/Resources'), { recursive: true })
            fs.writeFileSync(path.join(root, 'Applications/Ollama.app/Contents/Resources/ollama'), 'brew')
          }
          return ok
        }
        return { code: 127, stdout: '', stderr: `${command}: not found` }
      },
      spawnDetached: async () => {
        throw new Error('not used on macOS')
      },
      alive: () => false,
      kill: () => undefined,
    },
  })
  return { env, calls, state, root }
}

async function release(faults = {}): Promise<ReleaseServer> {
  const server = await startReleaseServer({ faults })
  servers.push(server)
  return server
}

function previousApp(dir: string): string {
  fs.mkdirSync(path.join(dir, 'Ollama.app/Contents/Resources'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'Ollama.app/Contents/Resources/ollama'), 'old')
  return path.join(dir, 'Ollama.app')
}

const binaryOf = (app: string) => fs.readFileSync(path.join(app, 'Contents/Resources/ollama'), 'utf8')

describe('macOS strategy', () => {
  it('downloads, verifies, unpacks with ditto, swaps Ollama.app into /Applications, clears quarantine, opens it hidden', async () => {
    const server = await release()
    const { env, calls, root } = macEnv()
    const apps = path.join(root, 'Applications')
    const app = previousApp(apps)
    const events: InstallEvent[] = []
    const result = await installMac(env, { baseUrl: server.url, host: HOST, onEvent: (event) => events.push(event) })
    const paths = macPaths(env)
    expect(result).toEqual({ version: FAKE_OLLAMA_VERSION, binary: path.join(app, 'Contents/Resources/ollama'), service: 'app' })
    expect(calls[0]).toEqual(['ditto', '-x', '-k', path.join(paths.downloads, 'Ollama-darwin.zip'), expect.stringMatching(/\/Applications\/\.ollama-desk-new-[0-9a-f]{8}$/)])
    expect(path.dirname(calls[0]?.[4] as string)).toBe(apps)
    expect(calls.slice(1)).toEqual([
      ['osascript', '-e', 'tell application "Ollama" to quit'],
      ['xattr', '-dr', 'com.apple.quarantine', app],
      ['open', '-a', app, '--args', 'hidden'],
    ])
    expect(binaryOf(app)).toBe('new')
    expect(fs.readdirSync(apps)).toEqual(['Ollama.app'])
    expect(fs.readdirSync(paths.downloads)).toEqual([])
    expect(JSON.parse(fs.readFileSync(paths.marker, 'utf8'))).toMatchObject({ method: 'app', path: app })
    expect(events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase)).toEqual(['detect', 'download', 'verify', 'extract', 'install', 'start', 'health'])
    expect(server.requests.map((r) => r.path)).toEqual(['sha256sum.txt', 'Ollama-darwin.zip'])

    calls.length = 0
    expect(await stopMac(env)).toEqual({ stopped: ['Ollama.app'] })
    expect(await startMac(env, { host: HOST })).toEqual({ service: 'app', version: FAKE_OLLAMA_VERSION })
    expect((await uninstallMac(env)).removed).toEqual([app, paths.downloads, paths.marker])
    expect(calls).toEqual([['osascript', '-e', QUIT_SCRIPT], ['open', '-a', app, '--args', 'hidden'], ['osascript', '-e', QUIT_SCRIPT]])
    expect(fs.existsSync(app)).toBe(false)
    await expect(startMac(env, { host: HOST })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })

  it('uses ~/Applications without admin when /Applications is not writable', async () => {
    const server = await release()
    const { env, calls, root } = macEnv({ systemWritable: false })
    const result = await installMac(env, { baseUrl: server.url, host: HOST })
    const app = path.join(env.home, 'Applications/Ollama.app')
    expect(result.binary).toBe(path.join(app, 'Contents/Resources/ollama'))
    expect(binaryOf(app)).toBe('new')
    expect(fs.existsSync(path.join(root, 'Applications'))).toBe(false)
    expect(path.dirname(calls[0]?.[4] as string)).toBe(path.join(env.home, 'Applications'))
    expect(calls.slice(1)).toEqual([['xattr', '-dr', 'com.apple.quarantine', app], ['open', '-a', app, '--args', 'hidden']])
  })

  it('keeps the previous app when the new one never answers, and removes the temp folder', async () => {
    const server = await release()
    const { env, calls, root } = macEnv({ answers: false })
    const apps = path.join(root, 'Applications')
    const app = previousApp(apps)
    const failure = installMac(env, { baseUrl: server.url, host: HOST, healthTimeoutMs: 50 })
    await expect(failure).rejects.toMatchObject({ code: 'E_TIMEOUT', message: expect.stringContaining(`open -a ${app} --args hidden`) })
    expect(binaryOf(app)).toBe('old')
    expect(fs.readdirSync(apps)).toEqual(['Ollama.app'])
    expect(fs.existsSync(macPaths(env).marker)).toBe(false)
    expect(calls.at(-1)).toEqual(['osascript', '-e', QUIT_SCRIPT])
  })

  it('fails clearly when ditto fails, leaving no temp folder and the previous app', async () => {
    const server = await release()
    const { env, root } = macEnv({ ditto: 1 })
    const apps = path.join(root, 'Applications')
    const app = previousApp(apps)
    await expect(installMac(env, { baseUrl: server.url, host: HOST })).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('exit code 1') })
    expect(binaryOf(app)).toBe('old')
    expect(fs.readdirSync(apps)).toEqual(['Ollama.app'])
    expect(fs.existsSync(macPaths(env).downloads)).toBe(false)
  })

  it('a checksum mismatch never leaves an app on disk', async () => {
    const server = await release({ corrupt: 2 })
    const { env, calls, root } = macEnv()
    await expect(installMac(env, { baseUrl: server.url, host: HOST })).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('checksum') })
    expect(calls).toEqual([])
    expect(fs.readdirSync(path.join(root, 'Applications'))).toEqual([])
    expect(fs.existsSync(path.join(env.home, 'Applications'))).toBe(false)
    expect(fs.existsSync(macPaths(env).downloads)).toBe(false)
  })

  it.each<InstallPhase>(['detect', 'download', 'verify', 'extract', 'install', 'start', 'health'])('cancel during %s leaves the previous app and nothing else', async (phase) => {
    const server = await release()
    const { env, root } = macEnv()
    const apps = path.join(root, 'Applications')
    const app = previousApp(apps)
    const controller = new AbortController()
    const onEvent = (event: InstallEvent) => void (event.type === 'phase' && event.phase === phase && controller.abort())
    await expect(installMac(env, { baseUrl: server.url, host: HOST, signal: controller.signal, onEvent })).rejects.toMatchObject({ code: 'E_CANCELLED' })
    expect(binaryOf(app)).toBe('old')
    expect(fs.readdirSync(apps)).toEqual(['Ollama.app'])
    expect(fs.existsSync(macPaths(env).marker)).toBe(false)
    const downloads = macPaths(env).downloads
    expect(fs.existsSync(downloads) ? fs.readdirSync(downloads).filter((f) => !f.endsWith('.part')) : []).toEqual([])
  })

  it('uses Homebrew when asked and present, and uninstalls only through brew', async () => {
    const server = await release()
    const { env, calls, root } = macEnv({ brew: true })
    const app = path.join(root, 'Applications/Ollama.app')
    const result = await installMac(env, { baseUrl: server.url, host: HOST, method: 'homebrew' })
    expect(result).toMatchObject({ service: 'app', version: FAKE_OLLAMA_VERSION })
    expect(calls).toEqual([['brew', '--version'], ['brew', 'install', '--cask', 'ollama-app'], ['open', '-a', app, '--args', 'hidden']])
    expect(server.requests).toEqual([])
    calls.length = 0
    expect((await uninstallMac(env)).removed).toEqual(['brew cask ollama-app', macPaths(env).marker])
    expect(calls).toEqual([['osascript', '-e', QUIT_SCRIPT], ['brew', 'uninstall', '--cask', 'ollama-app']])
    expect(binaryOf(app)).toBe('brew') // brew's files are brew's to remove
  })

  it('falls back to the download when Homebrew is missing', async () => {
    const server = await release()
    const { env, calls } = macEnv({ brew: false })
    const events: InstallEvent[] = []
    await installMac(env, { baseUrl: server.url, host: HOST, method: 'homebrew', onEvent: (event) => events.push(event) })
    expect(calls[0]).toEqual(['brew', '--version'])
    expect(calls[1]?.[0]).toBe('ditto')
    expect(events).toContainEqual({ type: 'log', message: expect.stringContaining('Homebrew is not available') })
  })

  it('does not reinstall an Ollama that already answers unless forced; uninstall leaves apps it did not install', async () => {
    const server = await release()
    const { env, calls, root } = macEnv({ answers: true })
    const app = previousApp(path.join(root, 'Applications'))
    expect(await installMac(env, { baseUrl: server.url, host: HOST })).toEqual({ version: FAKE_OLLAMA_VERSION, binary: app, service: 'already-running' })
    expect(server.requests).toEqual([])
    expect(await uninstallMac(env)).toEqual({ removed: [] })
    expect(calls).toEqual([])
    expect(binaryOf(app)).toBe('old')
    const forced = await installMac(env, { baseUrl: server.url, host: HOST, force: true, start: false })
    expect(forced.service).toBe('not started')
    expect(binaryOf(app)).toBe('new')
  })
})
