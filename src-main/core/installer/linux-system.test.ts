import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { closedPort } from '../../../test/support/fake-ollama'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { linuxPaths, setAutoStartLinux, stopLinux, UNIT_NAME } from './linux-service'
import { linuxSystemPaths, pkexecError, pkexecInstallArgs, pkexecUninstallArgs, SYSTEM_INSTALL_SCRIPT } from './linux-system'
import { strategyFor } from './strategy'
import { patientProbeFetch, patientRun } from './testdata/patient'
import { FAKE_OLLAMA_VERSION, startReleaseServer, type ReleaseServer } from './testdata/release-server'
import { defaultInstallerEnv, nodeRunner, type InstallerEnv, type RunResult } from './types'

const servers: ReleaseServer[] = []
const envs: InstallerEnv[] = []
afterEach(async () => {
  for (const env of envs.splice(0)) await stopLinux(env).catch(() => undefined)
  for (const server of servers.splice(0)) await server.close()
})
afterAll(() => removeTempDirs())

/** A temp HOME and root; `pkexec` is recorded, and (unless `pkexec` answers otherwise) runs its command as this user. Probes and commands get all the time a busy machine needs. */
function linuxEnv(pkexec?: (args: string[]) => RunResult | undefined) {
  const base = makeTempDir('ollama-desk-sys-')
  const calls: string[][] = []
  const env = defaultInstallerEnv({
    platform: 'linux',
    arch: 'x64',
    home: path.join(base, 'home'),
    root: path.join(base, 'root'),
    probeFetch: patientProbeFetch,
    runner: {
      ...nodeRunner,
      run: async (command, args, options) => {
        const run = patientRun(nodeRunner.run)
        if (command === 'systemctl') return (calls.push([command, ...args]), { code: 1, stdout: '', stderr: 'no user bus' })
        if (command !== 'pkexec') return run(command, args, options)
        calls.push([command, ...args])
        return pkexec?.(args) ?? run(args[0] as string, args.slice(1), options)
      },
    },
  })
  envs.push(env)
  return { env, calls }
}

async function release(): Promise<ReleaseServer> {
  const server = await startReleaseServer()
  servers.push(server)
  return server
}

describe('system-wide Linux install through pkexec', () => {
  it('runs one pkexec command with the paths as arguments, starts the managed process, and uninstalls', async () => {
    const server = await release()
    const { env, calls } = linuxEnv()
    const host = `127.0.0.1:${await closedPort()}`
    const strategy = strategyFor(env)
    const system = linuxSystemPaths(env)
    expect(system).toEqual({ dir: path.join(env.root, '/usr/local/lib/ollama'), link: path.join(env.root, '/usr/local/bin/ollama') })
    expect(await strategy.owned()).toBe(false)

    const result = await strategy.install({ method: 'system-wide', baseUrl: server.url, host, healthTimeoutMs: 30_000 })
    expect(result).toEqual({ version: FAKE_OLLAMA_VERSION, binary: path.join(system.dir, 'bin/ollama'), service: 'process' })
    const pkexec = calls.filter((call) => call[0] === 'pkexec')
    expect(pkexec).toHaveLength(1)
    const [, ...args] = pkexec[0] as string[]
    expect(args.slice(0, 4)).toEqual(['/bin/sh', '-c', SYSTEM_INSTALL_SCRIPT, 'ollama-desk-install'])
    expect(args[4]).toMatch(new RegExp(`^${linuxPaths(env.home).dataRoot}/\\.ollama-system-[0-9a-f]{8}$`))
    expect(args.slice(5)).toEqual([system.dir, system.link])
    expect(SYSTEM_INSTALL_SCRIPT).not.toContain(env.home) // paths travel as $1 $2 $3 only

    expect(fs.readlinkSync(system.link)).toBe(path.join(system.dir, 'bin/ollama'))
    expect(fs.existsSync(path.join(system.dir, 'lib/ollama'))).toBe(true)
    expect(fs.existsSync(args[4] as string)).toBe(false) // the temp tree is gone
    expect(fs.existsSync(linuxPaths(env.home).binary)).toBe(false) // nothing per-user
    expect(await strategy.owned()).toBe(true)
    expect((await fetch(`http://${host}/api/version`)).ok).toBe(true)

    expect((await strategy.stop()).stopped[0]).toMatch(/ollama serve/)
    expect(await strategy.start({ host, healthTimeoutMs: 30_000 })).toMatchObject({ service: 'process' })

    const { removed } = await strategy.uninstall()
    expect(removed).toEqual(expect.arrayContaining([system.dir, system.link]))
    expect(calls.filter((call) => call[0] === 'pkexec').at(-1)).toEqual(['pkexec', ...pkexecUninstallArgs(system)])
    expect(fs.existsSync(system.dir) || fs.existsSync(system.link)).toBe(false)
    expect(await strategy.owned()).toBe(false)
  })

  it('a dismissed prompt or a missing pkexec fails clearly, points at the per-user install, and leaves nothing', async () => {
    const server = await release()
    for (const [answer, message] of [
      [{ code: 126, stdout: '', stderr: 'Error executing command as another user: Request dismissed' }, /approval .* was not given \(pkexec exit code 126\)/],
      [{ code: 127, stdout: '', stderr: 'Error executing command as another user: Not authorized' }, /approval .* was not given \(pkexec exit code 127\)/],
      [{ code: 127, stdout: '', stderr: 'spawn pkexec ENOENT' }, /pkexec is not available/],
      [{ code: 1, stdout: '', stderr: 'cp: No space left on device' }, /system-wide install failed \(exit code 1\): cp: No space left on device/],
    ] as const) {
      const { env, calls } = linuxEnv(() => answer)
      const failure = strategyFor(env).install({ method: 'system-wide', baseUrl: server.url, host: `127.0.0.1:${await closedPort()}` })
      await expect(failure).rejects.toMatchObject({ code: 'E_IO', message: expect.stringMatching(message), hint: expect.stringContaining('per-user') })
      expect(calls.filter((call) => call[0] === 'pkexec')).toHaveLength(1)
      const paths = linuxPaths(env.home)
      expect(fs.readdirSync(paths.dataRoot).filter((name) => name !== 'downloads')).toEqual([])
      expect(fs.existsSync(paths.systemMarker) || fs.existsSync(linuxSystemPaths(env).dir)).toBe(false)
      expect(await strategyFor(env).owned()).toBe(false)
    }
  })

  it('builds the uninstall command from the recorded path, and reports its failure with a manual hint', () => {
    expect(pkexecInstallArgs('/tmp/x', { dir: '/usr/local/lib/ollama', link: '/usr/local/bin/ollama' })).toEqual(['/bin/sh', '-c', SYSTEM_INSTALL_SCRIPT, 'ollama-desk-install', '/tmp/x', '/usr/local/lib/ollama', '/usr/local/bin/ollama'])
    expect(pkexecError('removed', { code: 126, stdout: '', stderr: '' })).toMatchObject({ message: expect.stringContaining('removal was not given'), hint: expect.stringContaining('as root yourself') })
    expect(pkexecError('removed', { code: 2, stdout: 'rm: busy', stderr: '' }).message).toBe('The system-wide removal failed (exit code 2): rm: busy.')
  })

  it('a refused removal keeps the record, so it can be tried again', async () => {
    const { env } = linuxEnv(() => ({ code: 126, stdout: '', stderr: '' }))
    const paths = linuxPaths(env.home)
    fs.mkdirSync(path.join(linuxSystemPaths(env).dir, 'bin'), { recursive: true })
    fs.writeFileSync(path.join(linuxSystemPaths(env).dir, 'bin/ollama'), '')
    fs.mkdirSync(paths.dataRoot, { recursive: true })
    fs.writeFileSync(paths.systemMarker, JSON.stringify({ method: 'system-wide', path: linuxSystemPaths(env).dir }))
    await expect(strategyFor(env).uninstall()).rejects.toMatchObject({ code: 'E_IO' })
    expect(fs.existsSync(paths.systemMarker)).toBe(true)
    expect(await strategyFor(env).owned()).toBe(true)
  })
})

describe('Linux start on login', () => {
  it('enables or disables our systemd user unit, and is a no-op for the managed process', async () => {
    const calls: string[] = []
    let code = 0
    const env = defaultInstallerEnv({
      platform: 'linux',
      home: makeTempDir('ollama-desk-home-'),
      runner: { ...nodeRunner, run: async (command, args) => (calls.push([command, ...args].join(' ')), { code, stdout: '', stderr: '' }) },
    })
    expect(await setAutoStartLinux(env, false)).toMatchObject({ supported: true, detail: expect.stringContaining('no longer starts') })
    expect(await strategyFor(env).setAutoStart(true)).toMatchObject({ supported: true, detail: expect.stringContaining('starts its Ollama') })
    expect(calls).toEqual([])

    const unit = linuxPaths(env.home).unitFile
    fs.mkdirSync(path.dirname(unit), { recursive: true })
    fs.writeFileSync(unit, '[Unit]\n')
    expect(await strategyFor(env).setAutoStart(false)).toEqual({ supported: true, detail: `systemd user unit ${UNIT_NAME} disabled` })
    expect(await strategyFor(env).setAutoStart(true)).toEqual({ supported: true, detail: `systemd user unit ${UNIT_NAME} enabled` })
    expect(calls).toEqual([`systemctl --user disable ${UNIT_NAME}`, `systemctl --user enable ${UNIT_NAME}`])
    code = 1
    await expect(setAutoStartLinux(env, false)).rejects.toMatchObject({ code: 'E_IO', hint: expect.stringContaining(`systemctl --user disable ${UNIT_NAME}`) })
  })
})
