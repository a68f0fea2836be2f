import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { McpServerConfigInput } from '../../../src-shared/contract/mcp'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { CancelledError } from '../errors'
import { silentLogger } from '../log'
import { FileSecretStore } from '../secrets'
import { McpUnknownServerError } from './errors'
import { claudeDesktopConfigPath, ollamaCliConfigPath } from './import-export'
import { McpManager, qualifyToolName } from './manager'
import { startHttpServer, type TestHttpServer } from './testdata/http-server'

const server = path.join(import.meta.dirname, 'testdata', 'stdio-server.mjs')
const managers: McpManager[] = []
const httpServers: TestHttpServer[] = []

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()))
  await Promise.all(httpServers.splice(0).map((s) => s.close()))
})
afterAll(removeTempDirs)

function setup(): { manager: McpManager; secrets: FileSecretStore; dir: string } {
  const dir = makeTempDir('mcp-manager-')
  const secrets = new FileSecretStore(path.join(dir, 'secrets.json'))
  // The default handshake timeout (30 s): no server here may fail for being slow to start on a busy machine.
  const manager = new McpManager({ dataDir: dir, secrets, env: { PATH: process.env.PATH }, log: silentLogger(), loginPath: () => Promise.resolve(process.env.PATH ?? '') })
  managers.push(manager)
  return { manager, secrets, dir }
}

function stdio(name: string, extra: Partial<McpServerConfigInput> = {}): McpServerConfigInput {
  return { name, transport: 'stdio', command: process.execPath, args: [server], ...extra }
}

async function connected(manager: McpManager, name: string): Promise<void> {
  await expect.poll(() => manager.status().find((s) => s.name === name)?.state).toBe('connected')
}

describe('McpManager', () => {
  it('starts every enabled server in the background, in parallel', async () => {
    const { manager, dir } = setup()
    // The slow server holds its handshake until the test opens the gate: slow for as long as the test needs, however busy the machine.
    const gate = path.join(dir, 'open-the-gate')
    manager.store.save(stdio('slow', { env: { STARTUP_GATE: gate } }))
    manager.store.save(stdio('fast'))
    manager.store.save(stdio('off', { enabled: false }))
    manager.startAll()
    // startAll returned without waiting for any handshake: both servers are still connecting.
    expect(manager.status().map((s) => [s.name, s.state])).toEqual([
      ['fast', 'connecting'],
      ['off', 'disabled'],
      ['slow', 'connecting'],
    ])
    expect(manager.tools()).toEqual([])
    await connected(manager, 'fast')
    // The fast one does not wait for the slow one.
    expect(manager.status().find((s) => s.name === 'slow')?.state).toBe('connecting')
    expect(manager.tools().some((t) => t.qualifiedName === 'mcp__fast__echo')).toBe(true)
    fs.writeFileSync(gate, '')
    await connected(manager, 'slow')
    expect(manager.tools().filter((t) => t.name === 'echo').map((t) => t.qualifiedName).sort()).toEqual(['mcp__fast__echo', 'mcp__slow__echo'])
  })

  it('calls tools by qualified name and turns results into text for the model', async () => {
    const { manager } = setup()
    // The calls that must succeed get the default 60 s; only the server whose call is meant to time out gets 1 s.
    await manager.save(stdio('srv'))
    await manager.save(stdio('tight', { timeoutMs: 1000 }))
    await connected(manager, 'srv')
    await connected(manager, 'tight')
    expect(manager.tools().find((t) => t.qualifiedName === 'mcp__srv__add')).toMatchObject({ server: 'srv', name: 'add', description: 'Adds two numbers' })
    expect(await manager.callTool('mcp__srv__add', { a: 1, b: 2 })).toEqual({ ok: true, output: '3' })
    expect(await manager.callTool('mcp__srv__fail', {})).toEqual({ ok: false, output: 'the thing went wrong' })
    expect(await manager.callTool('mcp__srv__picture', {})).toEqual({ ok: true, output: 'a red dot\n[image: image/png, 16 bytes]' })
    expect(await manager.callTool('mcp__srv__nope', {})).toEqual({ ok: false, output: 'There is no MCP tool named "mcp__srv__nope" among the connected servers.', errorCode: 'E_NOT_FOUND' })
    expect(await manager.callTool('mcp__tight__slow', { ms: 30_000 })).toEqual({
      ok: false,
      output: 'The MCP server "tight" did not answer the tool "slow" within 1 s; the request was cancelled.',
      errorCode: 'E_TIMEOUT',
    })
    const controller = new AbortController()
    controller.abort()
    await expect(manager.callTool('mcp__srv__echo', { text: 'x' }, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError)
  })

  it('says a tool’s server is not connected rather than that the tool is unknown', async () => {
    const { manager } = setup()
    await manager.save({ name: 'gone', transport: 'stdio', command: 'no-such-mcp-server-xyz' })
    await expect.poll(() => manager.status()[0]?.state).toBe('error')
    expect(await manager.callTool('mcp__gone__anything', {})).toEqual({
      ok: false,
      output: 'The MCP server "gone" is not connected (error: "no-such-mcp-server-xyz" was not found on the PATH (install it, or give its full path)).',
      errorCode: 'E_NETWORK',
    })
  })

  it('offers resources and prompts of connected servers', async () => {
    const { manager } = setup()
    await manager.save(stdio('srv'))
    await connected(manager, 'srv')
    expect(manager.resources()).toEqual([{ server: 'srv', uri: 'test://readme', name: 'readme', mimeType: 'text/plain', description: 'A text resource' }])
    expect(manager.resources('other')).toEqual([])
    expect(await manager.readResource('srv', 'test://readme')).toEqual({ text: 'Read me, please.', mimeType: 'text/plain' })
    expect(manager.prompts()).toEqual([{ server: 'srv', name: 'review', description: 'Review a file', arguments: [{ name: 'file', required: true }] }])
    expect(await manager.getPrompt('srv', 'review', { file: 'main.ts' })).toEqual({ text: 'Please review main.ts.' })
    await expect(manager.readResource('ghost', 'x://y')).rejects.toBeInstanceOf(McpUnknownServerError)
  })

  it('picks up a tool added at runtime through list_changed, without listing per call', async () => {
    const { manager } = setup()
    const changes: string[] = []
    manager.onChange((_servers, what) => changes.push(what))
    await manager.save(stdio('srv'))
    await connected(manager, 'srv')
    expect(await manager.callTool('mcp__srv__list_calls', {})).toEqual({ ok: true, output: '1' })
    expect(await manager.callTool('mcp__srv__add_tool', { name: 'weird.name/x' })).toEqual({ ok: true, output: 'added' })
    await expect.poll(() => manager.tools().map((t) => t.qualifiedName)).toContain('mcp__srv__weird_name_x')
    expect(changes).toContain('tools')
    for (let i = 0; i < 3; i++) manager.tools()
    expect(await manager.callTool('mcp__srv__weird_name_x', {})).toEqual({ ok: true, output: 'weird.name/x ran' })
    expect(await manager.callTool('mcp__srv__list_calls', {})).toEqual({ ok: true, output: '2' })
  })

  it('sends secret headers to an HTTP server and secret env to a stdio one, never writing them to mcp.json', async () => {
    const http = await startHttpServer('streamable')
    httpServers.push(http)
    const { manager, dir } = setup()
    await manager.save({ name: 'remote', transport: 'http', url: http.url }, { headers: { Authorization: 'Bearer top-secret' } })
    await manager.save(stdio('local'), { env: { SECRET_TOKEN: 'env-secret' } })
    await connected(manager, 'remote')
    await connected(manager, 'local')
    expect(http.requests.every((r) => r.headers.authorization === 'Bearer top-secret')).toBe(true)
    expect(await manager.callTool('mcp__remote__whoami', {})).toEqual({ ok: true, output: 'Bearer top-secret' })
    expect(await manager.callTool('mcp__local__env', { name: 'SECRET_TOKEN' })).toEqual({ ok: true, output: 'env-secret' })
    const file = fs.readFileSync(path.join(dir, 'mcp.json'), 'utf8')
    expect(file).not.toContain('top-secret')
    expect(file).not.toContain('env-secret')
  })

  it('tests a config before saving it, restarts and removes servers', async () => {
    const { manager, secrets } = setup()
    const tested = await manager.test(stdio('draft', { secretEnv: ['SECRET_TOKEN'] }), { env: { SECRET_TOKEN: 'x' } })
    expect(tested.ok).toBe(true)
    expect(tested.tools.map((t) => t.qualifiedName)).toContain('mcp__draft__echo')
    expect(tested.latencyMs).toBeGreaterThanOrEqual(0)
    expect(manager.store.list()).toEqual([])
    expect(secrets.get('mcp.draft.env.SECRET_TOKEN')).toBeUndefined()

    const broken = await manager.test({ name: 'broken', transport: 'stdio', command: 'no-such-mcp-server-xyz' })
    expect(broken).toEqual({ ok: false, tools: [], latencyMs: null, error: '"no-such-mcp-server-xyz" was not found on the PATH (install it, or give its full path)' })

    await manager.save(stdio('srv'), { env: { SECRET_TOKEN: 'y' } })
    expect((await manager.test('srv')).ok).toBe(true)
    const restarted = await manager.restart('srv')
    expect(restarted).toMatchObject({ state: 'connected', serverName: 'test-stdio' })
    await expect(manager.restart('ghost')).rejects.toBeInstanceOf(McpUnknownServerError)
    await expect(manager.test('ghost')).rejects.toThrow('There is no MCP server named "ghost".')

    await manager.save(stdio('srv', { enabled: false }))
    expect(manager.status()[0]?.state).toBe('disabled')
    expect(await manager.restart('srv')).toMatchObject({ state: 'disabled' })
    expect(manager.tools()).toEqual([])

    expect(await manager.remove('srv')).toBe(true)
    expect(await manager.remove('srv')).toBe(false)
    expect(secrets.get('mcp.srv.env.SECRET_TOKEN')).toBeUndefined()
    expect(manager.list()).toEqual([])
  })

  it('imports Claude Desktop’s config and ollama-cli’s mcp.json, moving secrets to the store; exports without them', async () => {
    const home = makeTempDir('mcp-home-')
    const claudeFile = claudeDesktopConfigPath('linux', home, {})
    fs.mkdirSync(path.dirname(claudeFile), { recursive: true })
    fs.writeFileSync(
      claudeFile,
      JSON.stringify({
        mcpServers: {
          github: { command: process.execPath, args: [server], env: { GITHUB_TOKEN: 'ghp_imported', LOG_LEVEL: 'info' } },
          'bad name': { command: 'x' },
        },
        globalShortcut: 'Ctrl+Space',
      }),
    )
    const workspace = makeTempDir('mcp-workspace-')
    fs.mkdirSync(path.join(workspace, '.ollama'))
    fs.writeFileSync(
      ollamaCliConfigPath(workspace),
      JSON.stringify({ mcpServers: { notes: { command: 'uvx', args: ['notes-mcp'], description: 'Team notes', enabled: false, env: { NOTES_API_KEY: 'nk' } } } }),
    )

    const { manager, secrets, dir } = setup()
    expect(await manager.importJson(fs.readFileSync(claudeFile, 'utf8'))).toEqual({ imported: ['github'], skipped: [{ name: 'bad name', reason: 'the name may use only letters, digits, _ and - (at most 64)' }] })
    expect(await manager.importJson(fs.readFileSync(ollamaCliConfigPath(workspace), 'utf8'))).toEqual({ imported: ['notes'], skipped: [] })

    expect(secrets.get('mcp.github.env.GITHUB_TOKEN')).toBe('ghp_imported')
    expect(secrets.get('mcp.notes.env.NOTES_API_KEY')).toBe('nk')
    expect(manager.store.get('notes')).toMatchObject({ description: 'Team notes', enabled: false, secretEnv: ['NOTES_API_KEY'] })
    expect(manager.status().find((s) => s.name === 'notes')?.state).toBe('disabled')
    await connected(manager, 'github')
    expect(await manager.callTool('mcp__github__env', { name: 'GITHUB_TOKEN' })).toEqual({ ok: true, output: 'ghp_imported' })

    const stored = fs.readFileSync(path.join(dir, 'mcp.json'), 'utf8')
    const exported = manager.exportJson()
    for (const text of [stored, exported]) {
      expect(text).not.toContain('ghp_imported')
      expect(text).not.toContain('"nk"')
    }
    expect(JSON.parse(exported)).toMatchObject({ mcpServers: { github: { env: { LOG_LEVEL: 'info', GITHUB_TOKEN: '<set in Ollama Desk>' } }, notes: { enabled: false } } })
  })

  it('stops everything on shutdown', async () => {
    const { manager } = setup()
    await manager.save(stdio('a'))
    await manager.save(stdio('b'))
    await connected(manager, 'a')
    await connected(manager, 'b')
    await manager.stopAll()
    expect(manager.status().map((s) => s.state)).toEqual(['stopped', 'stopped'])
    expect(manager.tools()).toEqual([])
  })
})

describe('qualifyToolName', () => {
  it('builds mcp__server__tool with only characters models accept', () => {
    expect(qualifyToolName('github', 'create_issue')).toBe('mcp__github__create_issue')
    expect(qualifyToolName('fs', 'read.file/v2 ü')).toBe('mcp__fs__read_file_v2__')
    expect(qualifyToolName('s', 'x'.repeat(100))).toHaveLength(64)
  })
})
