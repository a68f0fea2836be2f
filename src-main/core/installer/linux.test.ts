import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { closedPort, startFakeServer } from '../../../test/support/fake-ollama'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { detectOllama } from './detect'
import { installLinux, uninstallLinux } from './linux'
import { linuxPaths, startLinux, stopLinux } from './linux-service'
import { patientProbeFetch, patientRun } from './testdata/patient'
import { FAKE_OLLAMA_VERSION, startReleaseServer, type ReleaseServer } from './testdata/release-server'
import { defaultInstallerEnv, nodeRunner, type InstallEvent, type InstallerEnv } from './types'

const servers: ReleaseServer[] = []
const envs: InstallerEnv[] = []
afterEach(async () => {
  for (const env of envs.splice(0)) await stopLinux(env).catch(() => undefined)
  for (const server of servers.splice(0)) await server.close()
})
afterAll(() => removeTempDirs())

/** A temp HOME on this machine; systemd is reported missing so the managed process runs. Probes and commands get all the time a busy machine needs. */
function linuxEnv(): InstallerEnv {
  const env = defaultInstallerEnv({
    platform: 'linux',
    arch: 'x64',
    home: makeTempDir('ollama-desk-home-'),
    probeFetch: patientProbeFetch,
    runner: { ...nodeRunner, run: async (command, args, options) => (command === 'systemctl' ? { code: 1, stdout: '', stderr: 'no user bus' } : patientRun(nodeRunner.run)(command, args, options)) },
  })
  envs.push(env)
  return env
}

describe('Linux install, for real against the loopback release server', () => {
  it('downloads, verifies, unpacks, starts, answers, stops and uninstalls', async () => {
    const release = await startReleaseServer()
    servers.push(release)
    const env = linuxEnv()
    const host = `127.0.0.1:${await closedPort()}`
    const events: InstallEvent[] = []
    const result = await installLinux(env, { baseUrl: release.url, host, service: 'process', onEvent: (event) => events.push(event), healthTimeoutMs: 30_000 })
    expect(result).toMatchObject({ version: FAKE_OLLAMA_VERSION, service: 'process' })
    const paths = linuxPaths(env.home)
    expect(fs.readlinkSync(paths.link)).toBe(paths.binary)
    expect(fs.statSync(paths.binary).mode & 0o111).not.toBe(0)
    expect(fs.readlinkSync(path.join(paths.installDir, 'lib/ollama/libggml.so'))).toMatch(/very-long-library-name/)
    expect(fs.existsSync(paths.downloads) ? fs.readdirSync(paths.downloads) : []).toEqual([])
    expect(events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase)).toEqual(['detect', 'download', 'verify', 'extract', 'install', 'start', 'health'])
    expect(events.some((e) => e.type === 'progress' && e.bytes === e.total)).toBe(true)
    const tags = await (await fetch(`http://${host}/api/tags`)).json()
    expect(tags).toEqual({ models: [] })

    const detection = await detectOllama(env, host)
    expect(detection.host.reachable).toBe(true)
    expect(detection.managed).toBe(true)
    expect(detection.installs[0]).toMatchObject({ kind: 'ours', version: FAKE_OLLAMA_VERSION })

    expect((await stopLinux(env)).stopped[0]).toMatch(/ollama serve \(pid \d+\)/)
    expect((await detectOllama(env, host)).host.reachable).toBe(false)
    expect((await startLinux(env, { host, service: 'process' })).service).toBe('process')
    expect((await startLinux(env, { host, service: 'process' })).service).toBe('already-running')
    const { removed } = await uninstallLinux(env)
    expect(removed).toEqual(expect.arrayContaining([paths.link, paths.installDir]))
    expect(fs.existsSync(paths.installDir) || fs.existsSync(paths.link) || fs.existsSync(paths.pidFile)).toBe(false)
    expect((await detectOllama(env, host)).installs).toEqual([])
  })

  it('refuses to start when the port answers but not like Ollama, with an OLLAMA_HOST hint', async () => {
    const other = await startFakeServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>router</html>'))
    const release = await startReleaseServer()
    servers.push(release)
    const env = linuxEnv()
    try {
      const failure = installLinux(env, { baseUrl: release.url, host: `127.0.0.1:${other.port}`, service: 'process' })
      await expect(failure).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('not Ollama'), hint: expect.stringContaining('OLLAMA_HOST') })
      expect(release.requests).toEqual([])
    } finally {
      await other.close()
    }
  })

  it('uses a systemd user unit when systemctl --user works', async () => {
    const release = await startReleaseServer()
    servers.push(release)
    const env = linuxEnv()
    const host = `127.0.0.1:${await closedPort()}`
    const calls: string[] = []
    env.runner = {
      ...nodeRunner,
      run: async (command, args, options) => {
        if (command !== 'systemctl') return patientRun(nodeRunner.run)(command, args, options)
        calls.push(args.join(' '))
        if (args.includes('--now')) {
          // Play systemd: start the unit's ExecStart.
          const paths = linuxPaths(env.home)
          const pid = await nodeRunner.spawnDetached(paths.binary, ['serve'], { env: { ...process.env, OLLAMA_HOST: host }, logFile: paths.logFile })
          fs.writeFileSync(paths.pidFile, `${pid}\n`)
        }
        return { code: 0, stdout: '', stderr: '' }
      },
    }
    const result = await installLinux(env, { baseUrl: release.url, host, healthTimeoutMs: 30_000 })
    expect(result.service).toBe('systemd')
    const paths = linuxPaths(env.home)
    expect(fs.readFileSync(paths.unitFile, 'utf8')).toContain(`ExecStart=${paths.binary} serve\nEnvironment=OLLAMA_HOST=${host}`)
    expect(calls).toEqual(['--user show-environment', '--user daemon-reload', '--user enable --now ollama-desk-ollama.service'])
    await uninstallLinux(env)
    expect(calls.slice(3)).toEqual(['--user stop ollama-desk-ollama.service', '--user disable ollama-desk-ollama.service', '--user daemon-reload'])
    expect(fs.existsSync(paths.unitFile)).toBe(false)
  })
})
