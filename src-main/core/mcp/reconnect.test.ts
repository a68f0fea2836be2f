import path from 'node:path'
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { McpServerStatusSchema } from '../../../src-shared/contract/mcp'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { silentLogger } from '../log'
import { FileSecretStore } from '../secrets'
import type { McpTimers } from './connection-support'
import { McpManager } from './manager'
import { backoffDelay, callSuggestsLoss, meansServerLost } from './reconnect'
import { loadMcpSdk } from './sdk'
import { startHttpServer, type TestHttpServer } from './testdata/http-server'

const managers: McpManager[] = []
const servers: TestHttpServer[] = []

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
afterAll(removeTempDirs)

/** Timers that run when the test says so; a cleared one is gone. */
function manualTimers(): McpTimers & { delays: number[]; pending(): number; runNext(): void } {
  let next = 0
  const queue = new Map<number, () => void>()
  const delays: number[] = []
  return {
    delays,
    setTimeout(fn, ms) {
      delays.push(ms)
      queue.set(++next, fn)
      return next
    },
    clearTimeout(handle) {
      queue.delete(handle as number)
    },
    pending: () => queue.size,
    runNext() {
      const [first] = queue
      if (!first) throw new Error('no timer pending')
      queue.delete(first[0])
      first[1]()
    },
  }
}

async function serve(port?: number): Promise<TestHttpServer> {
  const server = await startHttpServer('streamable', port === undefined ? {} : { port })
  servers.push(server)
  return server
}

async function kill(server: TestHttpServer): Promise<void> {
  servers.splice(servers.indexOf(server), 1)
  await server.close()
}

const portOf = (server: TestHttpServer): number => Number(new URL(server.url).port)

function setup() {
  const dir = makeTempDir('mcp-reconnect-')
  const timers = manualTimers()
  const clock = { now: 1_000_000 }
  const manager = new McpManager({
    dataDir: dir,
    secrets: new FileSecretStore(path.join(dir, 'secrets.json')),
    env: {},
    log: silentLogger(),
    // The default handshake and ping timeouts (30 s, 10 s): none of them is meant to fire here.
    timers,
    now: () => clock.now,
    // The middle of the jitter range: delays come out exact.
    random: () => 0.5,
  })
  managers.push(manager)
  const status = () => manager.status().find((s) => s.name === 'remote')
  return { manager, timers, clock, status }
}

const stateOf = (status: () => { state: string } | undefined) => () => status()?.state

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at 60 s', () => {
    expect([0, 1, 2, 3, 5, 6, 7, 40].map((attempt) => backoffDelay(attempt, undefined))).toEqual([1000, 2000, 4000, 8000, 32_000, 60_000, 60_000, 60_000])
  })

  it('spreads each delay by ±20% without passing the cap', () => {
    expect(backoffDelay(2, undefined, 0.2, () => 0)).toBe(3200)
    expect(backoffDelay(2, undefined, 0.2, () => 0.5)).toBe(4000)
    expect(backoffDelay(2, undefined, 0.2, () => 1)).toBe(4800)
    expect(backoffDelay(9, { initialMs: 500, maxMs: 10_000 }, 0.2, () => 1)).toBe(10_000)
    expect(backoffDelay(9, { initialMs: 500, maxMs: 10_000 }, 0.2, () => 0)).toBe(8000)
  })
})

describe('which failures mean a remote server is gone', () => {
  // The SDK's errors only exist once a connection has loaded it (it is not imported at start-up).
  beforeAll(() => loadMcpSdk())
  const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })
  it('counts unreachable, session-less, closed and silent servers as gone, and a refused sign-in not', () => {
    expect(meansServerLost(refused)).toBe(true)
    expect(meansServerLost(new StreamableHTTPError(404, 'Session not found'))).toBe(true)
    expect(meansServerLost(new Error('Error POSTing to endpoint (HTTP 502): bad gateway'))).toBe(true)
    expect(meansServerLost(new McpError(ErrorCode.ConnectionClosed, 'closed'))).toBe(true)
    expect(meansServerLost(new McpError(ErrorCode.RequestTimeout, 'timed out'))).toBe(true)
    expect(meansServerLost(new UnauthorizedError())).toBe(false)
    expect(meansServerLost(new StreamableHTTPError(403, 'forbidden'))).toBe(false)
    expect(meansServerLost(new McpError(ErrorCode.InvalidParams, 'bad arguments'))).toBe(false)
  })

  it('asks after a call that could not get through, not after a tool’s own error or a slow tool', () => {
    expect(callSuggestsLoss(refused)).toBe(true)
    expect(callSuggestsLoss(new McpError(ErrorCode.ConnectionClosed, 'closed'))).toBe(true)
    expect(callSuggestsLoss(new McpError(ErrorCode.RequestTimeout, 'slow tool'))).toBe(false)
    expect(callSuggestsLoss(new McpError(ErrorCode.InternalError, 'tool blew up'))).toBe(false)
    expect(callSuggestsLoss(new UnauthorizedError())).toBe(false)
  })
})

describe('McpManager reconnecting to a remote server', () => {
  it('notices a server gone in the background, says when it tries again, and comes back with its tools', async () => {
    const server = await serve()
    const { manager, timers, status } = setup()
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    await expect.poll(stateOf(status)).toBe('connected')
    expect((await manager.callTool('mcp__remote__whoami', { prefix: 'up ' })).output).toBe('up none')

    await kill(server)
    // Nobody calls a tool: the broken event stream is enough to notice.
    await expect.poll(stateOf(status)).toBe('reconnecting')
    expect(McpServerStatusSchema.parse(status())).toMatchObject({ retry: { attempt: 1, nextAttemptAt: 1_001_000 }, restarts: 0 })
    expect(status()?.lastError).toMatch(/^lost the connection to http:\/\/127\.0\.0\.1:\d+\/mcp \(ECONNREFUSED\)$/)
    expect(timers.delays).toEqual([1000])
    expect(manager.tools()).toEqual([])
    const refused = await manager.callTool('mcp__remote__whoami', {})
    expect(refused).toMatchObject({ ok: false, errorCode: 'E_NETWORK' })
    expect(refused.output).toMatch(/^The MCP server "remote" is not connected \(reconnecting: lost the connection to .* \(ECONNREFUSED\)\)\. Attempt 1 to reconnect starts in 1 s\.$/)

    // Still down at the first retry: the next wait doubles.
    timers.runNext()
    await expect.poll(() => timers.delays.length).toBe(2)
    expect(timers.delays).toEqual([1000, 2000])
    expect(status()).toMatchObject({ state: 'reconnecting', restarts: 1, retry: { attempt: 2, nextAttemptAt: 1_002_000 } })
    expect(status()?.lastError).toMatch(/^cannot reach .* \(ECONNREFUSED\)$/)

    await serve(portOf(server))
    timers.runNext()
    await expect.poll(stateOf(status)).toBe('connected')
    expect(status()).toMatchObject({ restarts: 2, lastError: null, tools: 1 })
    expect(status()?.retry).toBeUndefined()
    expect(manager.tools().map((t) => t.qualifiedName)).toEqual(['mcp__remote__whoami'])
    expect((await manager.callTool('mcp__remote__whoami', { prefix: 'back ' })).output).toBe('back none')
    expect(timers.pending()).toBe(0)
  })

  it('notices through a call that cannot get through, and tells the model why', async () => {
    const server = await serve()
    const { manager, status } = setup()
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    await expect.poll(stateOf(status)).toBe('connected')
    await kill(server)
    const failed = await manager.callTool('mcp__remote__whoami', {})
    expect(failed).toMatchObject({ ok: false, errorCode: 'E_BAD_RESPONSE' })
    expect(failed.output).toBe('The MCP server "remote" failed the tool "whoami": the server cannot be reached (ECONNREFUSED)')
    await expect.poll(stateOf(status)).toBe('reconnecting')
  })

  it('starts a new session with a server that restarted and forgot ours', async () => {
    const server = await serve()
    const { manager, timers, status } = setup()
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    await expect.poll(stateOf(status)).toBe('connected')
    await kill(server)
    await serve(portOf(server))
    await expect.poll(stateOf(status)).toBe('reconnecting')
    expect(status()?.lastError).toMatch(/no longer knows our session \(HTTP 40\d\); it probably restarted$/)
    timers.runNext()
    await expect.poll(stateOf(status)).toBe('connected')
    expect((await manager.callTool('mcp__remote__whoami', {})).ok).toBe(true)
  })

  it('stops trying when the server is removed or the app closes during the backoff', async () => {
    const server = await serve()
    const { manager, timers, status } = setup()
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    await manager.save({ name: 'other', transport: 'http', url: server.url })
    await expect.poll(() => manager.status().map((s) => s.state)).toEqual(['connected', 'connected'])
    await kill(server)
    await expect.poll(() => manager.status().map((s) => s.state)).toEqual(['reconnecting', 'reconnecting'])
    expect(timers.pending()).toBe(2)

    await manager.remove('remote')
    expect(timers.pending()).toBe(1)
    expect(status()).toBeUndefined()
    expect(manager.status().map((s) => s.name)).toEqual(['other'])

    await manager.stopAll()
    expect(timers.pending()).toBe(0)
    expect(manager.status()).toEqual([expect.objectContaining({ name: 'other', state: 'stopped' })])
    expect(manager.status()[0]?.retry).toBeUndefined()
  })
})
