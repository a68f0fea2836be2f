import fs from 'node:fs'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestCore } from '../../../test/support/core'
import { removeTempDirs } from '../../../test/support/tmp'
import type { Core } from '.'

const cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()))
  removeTempDirs()
})

const ctx = (clientId = 'test') => ({ signal: new AbortController().signal, clientId })
const offline = async (): Promise<Response> => {
  throw new Error('offline in tests')
}

/** A real core writing its log to the rotating file in the data dir, as the app does. */
function make() {
  const made = createTestCore({ logSink: undefined, fetch: offline })
  cores.push(made.core)
  return made
}

async function call<T = unknown>(core: Core, route: string, input: unknown, clientId?: string): Promise<T> {
  const result = await core.dispatcher.call(route, input, ctx(clientId))
  if (!result.ok) throw new Error(`${route}: ${result.error.code} ${result.error.message}`)
  return result.value as T
}

const unzipText = (file: string): Record<string, string> =>
  Object.fromEntries(Object.entries(unzipSync(fs.readFileSync(file))).map(([name, bytes]) => [name, strFromU8(bytes)]))

describe('redaction with planted keys', () => {
  it('keeps a provider key, MCP env and header secrets and an sk- key out of the log file, the bundle and log.write echoes', async () => {
    const { core, dir } = make()
    // Shapes the scrubber's patterns do not know, so only registration can catch them.
    const providerKey = 'planted-provider-key-Zq81xYw4'
    const mcpEnv = 'planted-mcp-env-secret-Hk27pq'
    const mcpHeader = 'Token planted-mcp-header-Lm93rt'
    const plainEnv = 'planted-plain-env-value-Qw55'
    const skKey = 'sk-ant-api03-PLANTEDabcdefghijklmnop1234'
    await call(core, 'providers.save', { config: { id: 'openai-main', kind: 'openai', name: 'OpenAI main', models: ['gpt-4o-mini'] }, key: providerKey })
    await call(core, 'mcp.save', {
      config: { name: 'github', transport: 'http', url: 'http://127.0.0.1:9/mcp', enabled: false, env: { PLAIN_SETTING: plainEnv } },
      secrets: { env: { GITHUB_TOKEN: mcpEnv }, headers: { Authorization: mcpHeader } },
    })
    const secrets = [providerKey, mcpEnv, mcpHeader, 'planted-mcp-header-Lm93rt', skKey]
    await call(core, 'settings.update', { developer: { panel: true } })

    // The main process logs them (an SDK error that echoes the key) …
    core.logger.log.error({ provider: 'openai-main' }, `upstream rejected key ${providerKey} for gpt-4o-mini`)
    core.logger.log.warn(`github server env ${mcpEnv}, header Authorization: ${mcpHeader}`)
    // … and so does the renderer, through the contract.
    const echo = await call<{ written: number; echo: { message: string }[] }>(core, 'log.write', {
      lines: [
        { level: 'error', message: `chat with openai-main/gpt-4o-mini failed: key ${providerKey}`, source: 'console' },
        { level: 'warn', message: `mcp github token ${mcpEnv} header ${mcpHeader} and ${skKey}`, source: 'rejection', context: { token: mcpEnv, note: skKey } },
      ],
    })
    expect(echo.written).toBe(2)
    const echoed = JSON.stringify(echo)
    for (const secret of secrets) expect(echoed).not.toContain(secret)
    expect(echoed).toContain('openai-main/gpt-4o-mini')
    expect(echoed).toContain('mcp github token [redacted]')

    const logText = fs.readFileSync(core.paths.logFile, 'utf8')
    for (const secret of secrets) expect(logText).not.toContain(secret)
    expect(logText).toContain('openai-main')
    expect(logText).toContain('gpt-4o-mini')
    expect(logText).toContain('"component":"renderer"')

    const bundle = await call<{ path: string; summary: string; files: string[] }>(core, 'diagnostics.bundle', { path: path.join(dir, 'out', 'bundle.zip') })
    const files = unzipText(bundle.path)
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['logs/ollama-desk.log', 'config/settings.json', 'config/providers.json', 'config/mcp.json', 'versions.json', 'checks.json', 'summary.txt']))
    const everything = Object.values(files).join('\n')
    for (const secret of [...secrets, plainEnv]) expect(everything).not.toContain(secret)
    expect(files['config/providers.json']).toContain('"id": "openai-main"')
    expect(files['config/providers.json']).toContain('gpt-4o-mini')
    expect(files['config/mcp.json']).toContain('"PLAIN_SETTING": "[redacted]"')
    expect(files['config/mcp.json']).toContain('GITHUB_TOKEN')
    expect(files['logs/ollama-desk.log']).toContain('upstream rejected key [redacted] for gpt-4o-mini')
    for (const secret of secrets) expect(bundle.summary).not.toContain(secret)
  })

  it('knows MCP secrets saved by an earlier run before anything is logged', async () => {
    const first = make()
    await call(first.core, 'mcp.save', { config: { name: 'db', transport: 'stdio', command: 'db-mcp', enabled: false }, secrets: { env: { DB_PASSWORD: 'earlier-run-db-password-81' } } })
    await first.core.close()
    cores.splice(cores.indexOf(first.core), 1)
    const second = createTestCore({ dataDir: first.dir, logSink: undefined, fetch: offline })
    cores.push(second.core)
    second.core.logger.log.info('connecting with earlier-run-db-password-81')
    expect(fs.readFileSync(second.core.paths.logFile, 'utf8')).toContain('connecting with [redacted]')
  })
})

describe('observability routes', () => {
  it('diagnostics.bundle answers the zip as base64 with versions and checks, and refuses a relative path', async () => {
    const { core } = make()
    const bundle = await call<{ path: string; base64: string; checks: { id: string }[]; summary: string }>(core, 'diagnostics.bundle', { includeBase64: true })
    expect(bundle.path.startsWith(path.join(core.paths.root, 'diagnostics'))).toBe(true)
    expect(Buffer.from(bundle.base64, 'base64').equals(fs.readFileSync(bundle.path))).toBe(true)
    const versions = JSON.parse(unzipText(bundle.path)['versions.json']!) as Record<string, string>
    expect(versions).toMatchObject({ app: '9.9.9-test', mode: 'web', node: process.versions.node, arch: process.arch })
    expect(bundle.checks.map((c) => c.id)).toEqual(['node', 'data-dir', 'settings', 'ollama', 'electron'])
    expect(bundle.summary).toContain('Ollama Desk 9.9.9-test (web)')
    const relative = await core.dispatcher.call('diagnostics.bundle', { path: 'here.zip' }, ctx())
    expect(relative).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: 'The bundle path must be absolute.' } })
    // The existing doctor route still answers.
    const doctor = await call<{ checks: unknown[] }>(core, 'diagnostics.doctor', {})
    expect(doctor.checks).toHaveLength(5)
  })

  it('diagnostics.bundle checks the Ollama host from OLLAMA_HOST and looks for Electron itself when not told how', async () => {
    const made = createTestCore({ fetch: offline, env: { OLLAMA_HOST: 'http://127.0.0.1:9' }, locateElectron: undefined })
    cores.push(made.core)
    const bundle = await call<{ checks: { id: string; detail: string }[] }>(made.core, 'diagnostics.bundle', {})
    expect(bundle.checks.find((c) => c.id === 'ollama')?.detail).toContain('127.0.0.1:9')
    expect(bundle.checks.find((c) => c.id === 'electron')?.detail).toBeTruthy()
  })

  it('log.write refuses oversized batches, messages and contexts with validation errors', async () => {
    const { core } = make()
    const line = { level: 'info', message: 'hi' }
    const tooMany = await core.dispatcher.call('log.write', { lines: Array.from({ length: 51 }, () => line) }, ctx())
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const none = await core.dispatcher.call('log.write', { lines: [] }, ctx())
    expect(none).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const huge = await core.dispatcher.call('log.write', { lines: [{ ...line, message: 'x'.repeat(20_000) }] }, ctx())
    expect(huge).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const context = Object.fromEntries(Array.from({ length: 21 }, (_, n) => [`k${n}`, n]))
    const wide = await core.dispatcher.call('log.write', { lines: [{ ...line, context }] }, ctx())
    expect(wide).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const badLevel = await core.dispatcher.call('log.write', { lines: [{ level: 'fatal', message: 'x' }] }, ctx())
    expect(badLevel).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
  })

  it('profiling.marks lists startup phases and store queries, newest first', async () => {
    const { core } = make()
    await call(core, 'sessions.list', {})
    const { entries, capacity } = await call<{ entries: { name: string; at: number }[]; capacity: number }>(core, 'profiling.marks', { limit: 1000 })
    const names = entries.map((e) => e.name)
    expect(names).toEqual(expect.arrayContaining(['startup.core', 'startup.providers', 'startup.sessions.open', 'store.listSessions']))
    expect(capacity).toBe(500)
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort((a, b) => b - a))
    const one = await call<{ entries: unknown[] }>(core, 'profiling.marks', { limit: 1 })
    expect(one.entries).toHaveLength(1)
  })

  it('profiling.cpuProfile starts, refuses a second start, stops into the data dir, and reports status', async () => {
    const { core } = make()
    expect(await call(core, 'profiling.cpuProfile', { action: 'status' })).toEqual({ running: false })
    expect(await call(core, 'profiling.cpuProfile', { action: 'start' })).toMatchObject({ running: true })
    const again = await core.dispatcher.call('profiling.cpuProfile', { action: 'start' }, ctx())
    expect(again).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('already running') } })
    expect(await call(core, 'profiling.cpuProfile', { action: 'status' })).toMatchObject({ running: true })
    const saved = await call<{ path: string }>(core, 'profiling.cpuProfile', { action: 'stop' })
    expect(path.dirname(saved.path)).toBe(path.join(core.paths.root, 'profiles'))
    expect(path.basename(saved.path)).toMatch(/^cpu-.*\.cpuprofile$/)
    expect(JSON.parse(fs.readFileSync(saved.path, 'utf8'))).toHaveProperty('nodes')
    const stopAgain = await core.dispatcher.call('profiling.cpuProfile', { action: 'stop' }, ctx())
    expect(stopAgain).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: 'No CPU profile is running.' } })
    // A profile left running is dropped at close, not left attached.
    await call(core, 'profiling.cpuProfile', { action: 'start' })
  })

  it('the developer panel switch is a setting, off by default', async () => {
    const { core } = make()
    expect(core.settings.get().developer).toEqual({ panel: false })
    await call(core, 'settings.update', { developer: { panel: true } })
    expect(core.settings.get().developer.panel).toBe(true)
    const typo = await core.dispatcher.call('settings.update', { developer: { pannel: true } }, ctx())
    expect(typo).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
  })
})
