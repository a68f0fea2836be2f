import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import pino from 'pino'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { McpServerConfigSchema, type McpServerConfigInput, type McpServerStatus } from '../../../src-shared/contract/mcp'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { CancelledError, TimeoutError } from '../errors'
import { silentLogger } from '../log'
import { McpConnection, type CallToolResult, type McpConnectionOptions } from './connection'
import type { McpTimers } from './connection-support'
import { McpNotConnectedError } from './errors'
import { formatToolResult } from './format'
import { startHttpServer, type TestHttpServer } from './testdata/http-server'
import { runUntilTimedOut } from '../../../test/support/frozen-clock'

const testdata = path.join(import.meta.dirname, 'testdata')
const open: McpConnection[] = []
const servers: TestHttpServer[] = []

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.stop()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
afterAll(removeTempDirs)

function stdio(script: string, extra: Partial<McpServerConfigInput> = {}): McpServerConfigInput {
  return { name: 'srv', transport: 'stdio', command: process.execPath, args: [path.join(testdata, script)], ...extra }
}

function connection(input: McpServerConfigInput, options: Partial<McpConnectionOptions> = {}): McpConnection {
  const c = new McpConnection({ config: McpServerConfigSchema.parse(input), env: { PATH: process.env.PATH }, log: silentLogger(), ...options })
  open.push(c)
  return c
}

function text(result: CallToolResult): string {
  return formatToolResult(result).output
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return true
  }
}

async function until(check: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(check()).toBe(true))
}


/** Starts `c` with the handshake's clock frozen; the initialize timeout fires once `ready` holds and it is armed. */
const startUntilTimedOut = (c: McpConnection, ready: () => boolean, ms: number): Promise<McpServerStatus> =>
  runUntilTimedOut(() => c.start(), () => ready() && vi.getTimerCount() > 0, ms, 'the server')

/** Timers that run only when the test says so, recording the delays asked for. */
function manualTimers(): McpTimers & { delays: number[]; runNext(): void } {
  const queue: (() => void)[] = []
  const delays: number[] = []
  return {
    delays,
    setTimeout(fn, ms) {
      delays.push(ms)
      queue.push(fn)
      return queue.length
    },
    clearTimeout() {},
    runNext() {
      queue.shift()?.()
    },
  }
}

describe('McpConnection over stdio', () => {
  it('connects to a real server, lists what it offers and runs tools with arguments', async () => {
    const c = connection(stdio('stdio-server.mjs', { env: { SECRET_TOKEN: 'tok-123' } }))
    const status = await c.start()
    expect(status).toMatchObject({ name: 'srv', state: 'connected', serverName: 'test-stdio', serverVersion: '1.2.3', lastError: null, restarts: 0 })
    expect(status.latencyMs).toBeGreaterThanOrEqual(0)
    expect(c.tools().map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'add', 'fail', 'slow']))
    expect(c.tools().find((t) => t.name === 'add')?.inputSchema).toMatchObject({ type: 'object', properties: { a: { type: 'number' } } })
    expect(status.resources).toBe(1)
    expect(status.prompts).toBe(1)

    expect(text(await c.callTool('echo', { text: 'hello' }))).toBe('hello')
    expect(text(await c.callTool('add', { a: 2, b: 40 }))).toBe('42')
    expect(text(await c.callTool('env', { name: 'SECRET_TOKEN' }))).toBe('tok-123')
    expect(await c.callTool('fail', {})).toMatchObject({ isError: true })
    expect((await c.readResource('test://readme')).contents[0]).toMatchObject({ text: 'Read me, please.' })
    expect((await c.getPrompt('review', { file: 'a.ts' })).messages[0]?.content).toMatchObject({ text: 'Please review a.ts.' })
    // stderr is the server's log, captured line by line.
    expect(c.logLines()).toContain('test-stdio starting; SECRET_TOKEN is set')
  })

  it('gives the stdio server the login PATH', async () => {
    const c = connection(stdio('stdio-server.mjs'), { loginPath: () => Promise.resolve(`/opt/login-bin:${process.env.PATH ?? ''}`) })
    await c.start()
    expect(text(await c.callTool('env', { name: 'PATH' }))).toMatch(/^\/opt\/login-bin:/)
  })

  it('times a slow call out with a clear error and cancels it on the server', async () => {
    const c = connection(stdio('stdio-server.mjs'))
    await c.start()
    const error = await c.callTool('slow', { ms: 30_000 }, { timeoutMs: 1000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as Error).message).toBe('The MCP server "srv" did not answer the tool "slow" within 1 s; the request was cancelled.')
    await expect.poll(async () => text(await c.callTool('was_cancelled', {}))).toBe('true')
  })

  it('cancels a call when its signal aborts', async () => {
    const c = connection(stdio('stdio-server.mjs'))
    await c.start()
    const controller = new AbortController()
    const call = c.callTool('slow', { ms: 30_000 }, { signal: controller.signal })
    // Aborts once the server is running the call, not after a guess at how long that takes.
    await vi.waitFor(() => expect(c.logLines()).toContain('slow: waiting 30000 ms'))
    controller.abort()
    await expect(call).rejects.toBeInstanceOf(CancelledError)
    await expect.poll(async () => text(await c.callTool('was_cancelled', {}))).toBe('true')
    await expect(c.callTool('echo', { text: 'x' }, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError)
  })

  it('restarts a crashed server with exponential backoff and stops cleanly', async () => {
    const timers = manualTimers()
    const c = connection(stdio('stdio-server.mjs'), { timers, backoff: { initialMs: 1000, maxMs: 60_000 } })
    await c.start()
    await c.callTool('crash', {})
    await until(() => c.status.state === 'restarting')
    expect(c.status.lastError).toBe('the server exited; its last words on stderr: "crashing on purpose"')
    await expect(c.callTool('echo', { text: 'x' })).rejects.toBeInstanceOf(McpNotConnectedError)
    expect(timers.delays).toEqual([1000])
    timers.runNext()
    await until(() => c.status.state === 'connected')
    expect(c.status.restarts).toBe(1)
    expect(text(await c.callTool('echo', { text: 'back' }))).toBe('back')

    await c.callTool('crash', {})
    await until(() => c.status.state === 'restarting')
    expect(timers.delays).toEqual([1000, 2000])
    timers.runNext()
    await until(() => c.status.state === 'connected')
    expect(c.status.restarts).toBe(2)

    await c.stop()
    expect(c.status.state).toBe('stopped')
    expect(timers.delays).toHaveLength(2)
  })

  it('caps the backoff at its maximum while a server keeps failing to come back', async () => {
    const timers = manualTimers()
    const dir = makeTempDir('mcp-crash-')
    const flag = path.join(dir, 'broken')
    // Starts fine until the flag file exists; then it exits at once.
    const script = `if (require('fs').existsSync(${JSON.stringify(flag)})) { process.stderr.write('broken now\\n'); process.exit(1) } ; import(${JSON.stringify(path.join(testdata, 'stdio-server.mjs'))})`
    const c = connection({ name: 'srv', transport: 'stdio', command: process.execPath, args: ['-e', script] }, { timers, backoff: { initialMs: 1000, maxMs: 4000 } })
    await c.start()
    expect(c.status.state).toBe('connected')
    fs.writeFileSync(flag, '')
    await c.callTool('crash', {})
    for (let i = 0; i < 4; i++) {
      await until(() => timers.delays.length === i + 1)
      timers.runNext()
    }
    await until(() => timers.delays.length === 5)
    expect(timers.delays).toEqual([1000, 2000, 4000, 4000, 4000])
    expect(c.status).toMatchObject({ state: 'restarting', restarts: 4 })
    expect(c.status.lastError).toContain('exited before answering initialize; its last words on stderr: "broken now"')
  })

  it('reports a server that prints garbage on stdout as an error, naming the cause', async () => {
    const logLines: string[] = []
    const log = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) })
    const c = connection(stdio('garbage-server.mjs'), { initTimeoutMs: 1000, log })
    // The 1 s runs out only once the garbage has arrived (the client reported it as a transport error).
    const status = await startUntilTimedOut(c, () => logLines.some((line) => line.includes('MCP transport error')), 1000)
    expect(status.state).toBe('error')
    expect(status.lastError).toMatch(/^did not answer initialize in 1 s; it wrote something that is not MCP on stdout \(.*\) — stdio servers must write logs to stderr/)
    await expect(c.callTool('echo', {})).rejects.toThrow('The MCP server "srv" is not connected (error: did not answer initialize')
  })

  it('tolerates a banner line on stdout before the protocol starts', async () => {
    const c = connection(stdio('stdio-server.mjs', { env: { BANNER: '1' } }))
    expect((await c.start()).state).toBe('connected')
  })

  it('gives up on a server that never answers initialize, and kills it', async () => {
    const pidFile = path.join(makeTempDir('mcp-silent-'), 'pid')
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); require(${JSON.stringify(path.join(testdata, 'silent-server.mjs'))})`
    const c = connection({ name: 'srv', transport: 'stdio', command: process.execPath, args: ['-e', script] }, { initTimeoutMs: 1000 })
    // The 1 s runs out only once the server is up (its pid written), so there is a process to see killed.
    const status = await startUntilTimedOut(c, () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== '', 1000)
    expect(status).toMatchObject({ state: 'error', lastError: 'did not answer initialize in 1 s' })
    const pid = Number(fs.readFileSync(pidFile, 'utf8'))
    await until(() => !isAlive(pid))
  })

  it('stops a server still in its handshake, killing the child', async () => {
    const pidFile = path.join(makeTempDir('mcp-stop-'), 'pid')
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); require(${JSON.stringify(path.join(testdata, 'silent-server.mjs'))})`
    const c = connection({ name: 'srv', transport: 'stdio', command: process.execPath, args: ['-e', script] }, { initTimeoutMs: 30_000 })
    const starting = c.start()
    await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== '')
    expect(c.status.state).toBe('connecting')
    await c.stop()
    expect(c.status.state).toBe('stopped')
    const pid = Number(fs.readFileSync(pidFile, 'utf8'))
    await until(() => !isAlive(pid))
    await starting
    expect(c.status.state).toBe('stopped')
  })

  it('tries again on start() after a failed start', async () => {
    const flag = path.join(makeTempDir('mcp-retry-'), 'broken')
    fs.writeFileSync(flag, '')
    const script = `if (require('fs').existsSync(${JSON.stringify(flag)})) process.exit(1); import(${JSON.stringify(path.join(testdata, 'stdio-server.mjs'))})`
    const c = connection({ name: 'srv', transport: 'stdio', command: process.execPath, args: ['-e', script] })
    expect((await c.start()).state).toBe('error')
    fs.rmSync(flag)
    expect(await c.start()).toMatchObject({ state: 'connected', lastError: null })
  })

  it('explains a command that does not exist and a server that exits at once', async () => {
    const missing = connection({ name: 'srv', transport: 'stdio', command: 'no-such-mcp-server-xyz' })
    expect((await missing.start()).lastError).toBe('"no-such-mcp-server-xyz" was not found on the PATH (install it, or give its full path)')
    const dies = connection({ name: 'srv', transport: 'stdio', command: process.execPath, args: ['-e', "process.stderr.write('missing API key\\n'); process.exit(2)"] })
    expect((await dies.start()).lastError).toBe('exited before answering initialize; its last words on stderr: "missing API key"')
  })
})

describe('McpConnection over HTTP', () => {
  it('sends the configured headers over streamable HTTP', async () => {
    const server = await startHttpServer('streamable')
    servers.push(server)
    const c = connection({ name: 'remote', transport: 'http', url: server.url, headers: { Authorization: 'Bearer sekrit', 'X-Plain': 'yes' } })
    const status = await c.start()
    expect(status).toMatchObject({ state: 'connected', serverName: 'test-http', serverVersion: '0.9.0', tools: 1 })
    expect(text(await c.callTool('whoami', { prefix: '> ' }))).toBe('> Bearer sekrit')
    expect(server.requests.length).toBeGreaterThan(1)
    for (const request of server.requests) expect(request.headers).toMatchObject({ authorization: 'Bearer sekrit', 'x-plain': 'yes' })
  })

  it('falls back to HTTP+SSE when an old server refuses streamable HTTP', async () => {
    const server = await startHttpServer('sse-only')
    servers.push(server)
    const c = connection({ name: 'old', transport: 'http', url: server.url, headers: { Authorization: 'Bearer old' } })
    expect((await c.start()).state).toBe('connected')
    expect(text(await c.callTool('whoami', {}))).toBe('Bearer old')
    expect(server.requests.slice(0, 2).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /mcp', 'GET /mcp'])
  })

  it('refreshes its tool list on list_changed', async () => {
    const server = await startHttpServer('streamable')
    servers.push(server)
    const changes: string[] = []
    const c = connection({ name: 'remote', transport: 'http', url: server.url }, { onChange: (what) => changes.push(what) })
    await c.start()
    server.addTool('fresh')
    await until(() => c.tools().some((t) => t.name === 'fresh'))
    expect(changes).toContain('tools')
  })

  it('explains an unreachable URL and an HTTP error', async () => {
    const server = await startHttpServer('streamable')
    const url = server.url
    await server.close()
    const down = connection({ name: 'down', transport: 'http', url })
    expect((await down.start()).lastError).toBe(`cannot reach ${url} (ECONNREFUSED)`)

    const paths: string[] = []
    const refusing = http.createServer((req, res) => {
      paths.push(`${req.method} ${req.url}`)
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}')
    })
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve))
    try {
      const refusedUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/mcp`
      const status = await connection({ name: 'refused', transport: 'http', url: refusedUrl }).start()
      expect(status.state).toBe('error')
      expect(status.lastError).toMatch(new RegExp(`^${refusedUrl} answered HTTP 401 \\(check the token or headers\\)`))
      // 401 is not an old server: no SSE fallback.
      expect(paths.every((p) => p.startsWith('POST'))).toBe(true)
    } finally {
      refusing.closeAllConnections()
      await new Promise((resolve) => refusing.close(resolve))
    }
  })
})
