import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DoctorCheck } from '../../src-shared/contract'
import { closedPort, startFakeServer, type FakeServer } from '../../test/support/fake-ollama'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { UsageError, commandHelp, parseCommandArgs } from './command'
import { completionScript } from './completion'
import { formatChecks } from './doctor'
import { commands, mainHelp, runCli } from './run'
import { openCore } from './runtime'
import { APP_VERSION } from '../core/app'

const servers: FakeServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
  removeTempDirs()
  vi.restoreAllMocks()
})

const names = commands.map((command) => command.name)

/** Env for a CLI run: a temp Electron dir (binary present or not), never the real home. */
function env(extra: Record<string, string> = {}, electron = false) {
  const electronDir = makeTempDir()
  if (electron) fs.writeFileSync(path.join(electronDir, 'electron'), '')
  return { OLLAMA_DESK_HOME: makeTempDir(), ELECTRON_OVERRIDE_DIST_PATH: electronDir, ...extra }
}

describe('runCli basics', () => {
  it('--version and -v print the version', async () => {
    for (const flag of ['--version', '-v']) {
      const io = testIo()
      expect(await runCli([flag], io)).toBe(0)
      expect(io.stdout()).toBe(`${APP_VERSION}\n`)
    }
    expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('--help lists every command and exits 0; no arguments prints help and exits 2', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const io = testIo()
      expect(await runCli(argv, io)).toBe(0)
      for (const name of names) expect(io.stdout()).toContain(`  ${name}`)
    }
    const io = testIo()
    expect(await runCli([], io)).toBe(2)
    expect(io.stdout()).toBe(mainHelp())
  })

  it('<command> --help shows its options and the global ones', async () => {
    const io = testIo()
    expect(await runCli(['serve', '--help'], io)).toBe(0)
    for (const flag of ['--port', '--no-open'.replace('no-', ''), '--host', '--allow-lan', '--data-dir', '--verbose']) expect(io.stdout()).toContain(flag)
    expect(io.stdout()).toContain('Usage: ollama-desk serve')
  })

  it('refuses an unknown command with exit 2, naming the real ones', async () => {
    const io = testIo()
    expect(await runCli(['frobnicate'], io)).toBe(2)
    expect(io.stderr()).toBe(`error: unknown command "frobnicate". Commands: ${names.join(', ')}.\n`)
  })

  it('refuses an unknown flag with exit 2 and a clear message', async () => {
    const io = testIo(env())
    expect(await runCli(['doctor', '--bogus'], io)).toBe(2)
    expect(io.stderr()).toMatch(/^error: Unknown option '--bogus'.*\(see `ollama-desk doctor --help`\)\n$/)
    expect(io.stdout()).toBe('')
  })

  it('refuses a missing flag value with exit 2', async () => {
    const io = testIo(env())
    expect(await runCli(['serve', '--port'], io)).toBe(2)
    expect(io.stderr()).toMatch(/--port/)
  })

  it('parseCommandArgs and commandHelp work from the command table', () => {
    const doctor = commands.find((command) => command.name === 'doctor')
    if (!doctor) throw new Error('no doctor')
    expect(parseCommandArgs(doctor, ['--json', '--data-dir', '/x', 'extra'])).toEqual({ values: { json: true, 'data-dir': '/x' }, positionals: ['extra'] })
    expect(parseCommandArgs(doctor, ['--no-json']).values.json).toBe(false)
    expect(() => parseCommandArgs(doctor, ['--nope'])).toThrow(UsageError)
    expect(commandHelp(doctor)).toContain('--json')
  })
})

describe('completion', () => {
  it.each(['bash', 'zsh', 'fish'] as const)('%s completes every command and flag', async (shell) => {
    const io = testIo()
    expect(await runCli(['completion', shell], io)).toBe(0)
    const script = io.stdout()
    expect(script).toBe(completionScript(shell, commands))
    for (const name of names) expect(script).toContain(name)
    for (const flag of ['port', 'json', 'data-dir', 'allow-lan']) expect(script).toContain(flag)
  })

  it('shell syntax markers are right', () => {
    expect(completionScript('bash', commands)).toContain('complete -F _ollama_desk ollama-desk')
    expect(completionScript('zsh', commands)).toMatch(/^#compdef ollama-desk/)
    expect(completionScript('fish', commands)).toContain("complete -c ollama-desk -n '__fish_use_subcommand' -a doctor")
    // Single quotes in summaries would break zsh and fish quoting.
    const quoted = [{ name: 'x', summary: "it's", usage: 'x', options: [{ name: 'y', type: 'boolean' as const, summary: "don't" }], run: async () => 0 }]
    expect(completionScript('zsh', quoted)).toContain("'x:its'")
    expect(completionScript('fish', quoted)).toContain("-d 'dont'")
  })

  it('exits 2 for a bad or missing shell', async () => {
    const bad = testIo()
    expect(await runCli(['completion', 'powershell'], bad)).toBe(2)
    expect(bad.stderr()).toContain('("powershell" is not one)')
    const missing = testIo()
    expect(await runCli(['completion'], missing)).toBe(2)
    expect(missing.stderr()).toContain('bash|zsh|fish')
    expect(missing.stderr()).not.toContain('is not one')
  })
})

describe('doctor command', () => {
  it('exits 1 when Ollama is down, printing every check and one failed line naming Ollama', async () => {
    const port = await closedPort()
    const dataDir = makeTempDir()
    const io = testIo(env({ OLLAMA_HOST: `127.0.0.1:${port}` }))
    expect(await runCli(['doctor', '--data-dir', dataDir], io)).toBe(1)
    const out = io.stdout()
    expect(out).toMatch(/^ok {4}Node\.js/m)
    expect(out).toMatch(new RegExp(`^ok {4}Data folder +${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'))
    expect(out).toMatch(/^ok {4}Settings/m)
    expect(out).toMatch(/^fail {2}Ollama +not reachable at http:\/\/127\.0\.0\.1:\d+: connection refused/m)
    expect(out).toMatch(/^warn {2}Electron +desktop window unavailable/m)
    expect(out.match(/hint: /g)).toHaveLength(2)
    expect(out).toContain('hint: Start Ollama')
    const failed = io.stderr().split('\n').filter((line) => line.includes('failed'))
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatch(/^1 check failed: Ollama not reachable/)
    expect(fs.existsSync(path.join(dataDir, 'logs', 'ollama-desk.log'))).toBe(true)
  })

  it('exits 0 with a fake Ollama, and Electron ok when its binary is there', async () => {
    const server = await startFakeServer()
    servers.push(server)
    const io = testIo(env({ OLLAMA_HOST: server.url }, true))
    expect(await runCli(['doctor', '--data-dir', makeTempDir()], io)).toBe(0)
    expect(io.stdout()).toContain(`ok    Ollama       version 0.12.0 at ${server.url}`)
    expect(io.stdout()).toMatch(/^ok {4}Electron/m)
    expect(io.stdout()).not.toContain('hint:')
    expect(io.stderr()).toBe('')
    expect(server.requests).toEqual(['/api/version'])
  })

  it('exits 0 with Electron only a warning', async () => {
    const server = await startFakeServer()
    servers.push(server)
    const io = testIo(env({ OLLAMA_HOST: server.url }, false))
    expect(await runCli(['doctor', '--data-dir', makeTempDir()], io)).toBe(0)
    expect(io.stdout()).toMatch(/^warn {2}Electron/m)
  })

  it('--json prints only the checks as JSON on stdout', async () => {
    const port = await closedPort()
    const io = testIo(env({ OLLAMA_HOST: `127.0.0.1:${port}` }))
    expect(await runCli(['doctor', '--json', '--data-dir', makeTempDir()], io)).toBe(1)
    const parsed = JSON.parse(io.stdout()) as { checks: DoctorCheck[] }
    expect(parsed.checks.map((check) => [check.id, check.status])).toEqual([
      ['node', 'ok'],
      ['data-dir', 'ok'],
      ['settings', 'ok'],
      ['ollama', 'fail'],
      ['electron', 'warn'],
    ])
  })

  it('formatChecks aligns titles and shows hints only for problems', () => {
    const checks: DoctorCheck[] = [
      { id: 'a', title: 'A', status: 'fail', detail: 'x', hint: 'h' },
      { id: 'b', title: 'Bee', status: 'ok', detail: 'y', hint: 'never shown' },
    ]
    expect(formatChecks(checks)).toBe('fail  A    x\n           hint: h\nok    Bee  y')
  })

  it('reports a settings file it cannot load as a failure of the command with its hint (exit 1)', async () => {
    const dataDir = makeTempDir()
    // A folder where settings.json should be: unreadable, and it cannot be backed up by copying.
    fs.mkdirSync(path.join(dataDir, 'settings.json'))
    const io = testIo(env())
    expect(await runCli(['doctor', '--data-dir', dataDir], io)).toBe(1)
    expect(io.stderr()).toMatch(/^error: Settings at .* could not be backed up\.\nhint: /)
  })

  it('doctor warns about a corrupt settings file that was set aside', async () => {
    const server = await startFakeServer()
    servers.push(server)
    const dataDir = makeTempDir()
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '{oops')
    const io = testIo(env({ OLLAMA_HOST: server.url }))
    expect(await runCli(['doctor', '--data-dir', dataDir], io)).toBe(0)
    expect(io.stdout()).toMatch(/^warn {2}Settings +Your settings file was unreadable/m)
    expect(io.stdout()).toContain('The old file is kept at')
  })
})

describe('openCore', () => {
  it('uses --data-dir, else OLLAMA_DESK_HOME', () => {
    const flagDir = makeTempDir()
    const envDir = makeTempDir()
    const fromFlag = openCore({ 'data-dir': flagDir }, { OLLAMA_DESK_HOME: envDir })
    expect(fromFlag.paths.root).toBe(flagDir)
    fromFlag.close()
    const fromEnv = openCore({ 'data-dir': true }, { OLLAMA_DESK_HOME: envDir })
    expect(fromEnv.paths.root).toBe(envDir)
    fromEnv.close()
  })

  it('--verbose echoes log lines to stderr', () => {
    const writes: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true))
    const core = openCore({ verbose: true }, { OLLAMA_DESK_HOME: makeTempDir() })
    core.close()
    expect(writes.some((line) => line.includes('core started'))).toBe(true)
  })
})
