import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import pino from 'pino'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { silentLogger } from '../log'
import { FileSecretStore } from '../secrets'
import type { McpTimers } from './connection-support'
import { McpManager, type McpManagerDeps } from './manager'
import { McpOAuthProvider, McpSignInRequiredError, oauthSecretName } from './oauth'
import { startOAuthServer, type TestOAuthServer } from './testdata/oauth-server'

const managers: McpManager[] = []
const servers: TestOAuthServer[] = []
const providers: McpOAuthProvider[] = []

afterEach(async () => {
  providers.splice(0).forEach((p) => p.cancelFlow())
  await Promise.all(managers.splice(0).map((m) => m.stopAll()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
afterAll(removeTempDirs)

/** What a browser does with the authorization URL: follow the redirects to our loopback callback. */
interface Browser {
  opened: string[]
  pages: { status: number; body: string; url: string }[]
  open: (url: string) => Promise<void>
}

function browser(before?: (authorizationUrl: URL) => Promise<void>): Browser {
  const b: Browser = {
    opened: [],
    pages: [],
    open: async (url) => {
      b.opened.push(url)
      await before?.(new URL(url))
      const res = await fetch(url)
      b.pages.push({ status: res.status, body: await res.text(), url: res.url })
    },
  }
  return b
}

async function oauthServer(): Promise<TestOAuthServer> {
  const server = await startOAuthServer()
  servers.push(server)
  return server
}

function setup(openExternal: McpManagerDeps['openExternal'], extra: Partial<McpManagerDeps> = {}, dir = makeTempDir('mcp-oauth-')) {
  const secrets = new FileSecretStore(path.join(dir, 'secrets.json'))
  const logLines: string[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) })
  // The default handshake timeout (30 s): no connection here is meant to time out.
  const manager = new McpManager({ dataDir: dir, secrets, env: {}, log, ...(openExternal ? { openExternal } : {}), ...extra })
  managers.push(manager)
  return { manager, secrets, dir, logLines }
}

async function settled(manager: McpManager, name = 'remote'): Promise<string | undefined> {
  await expect.poll(() => manager.status().find((s) => s.name === name)?.state).toMatch(/^(connected|error)$/)
  return manager.status().find((s) => s.name === name)?.state
}

/** Timers that run only when the test says so: a sign-in runs out of time when the test decides nobody came, not when a busy machine is slow. */
function manualTimers(): McpTimers & { pending(): number[]; runAll(): void } {
  let next = 0
  const queue = new Map<number, { fn: () => void; ms: number }>()
  return {
    setTimeout(fn, ms) {
      queue.set(++next, { fn, ms })
      return next
    },
    clearTimeout(handle) {
      queue.delete(handle as number)
    },
    pending: () => [...queue.values()].map((timer) => timer.ms),
    runAll() {
      const due = [...queue.values()]
      queue.clear()
      for (const timer of due) timer.fn()
    },
  }
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(false)))
    socket.once('error', () => resolve(true))
  })
}

describe('MCP OAuth sign-in', () => {
  it('signs in on the first 401 through the browser, lists the tools, keeps the tokens in the secret store only', async () => {
    const server = await oauthServer()
    const b = browser()
    const { manager, secrets, dir, logLines } = setup(b.open)
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(manager)).toBe('connected')

    expect(server.requests[0]).toMatchObject({ path: '/mcp', authorization: undefined })
    expect(b.opened).toHaveLength(1)
    expect(b.pages[0]).toMatchObject({ status: 200 })
    expect(b.pages[0]?.body).toContain('You can close this window')
    expect(server.registrations).toHaveLength(1)
    expect(server.registrations[0]).toMatchObject({
      client_name: 'Ollama Desk',
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    })
    const redirect = new URL(server.authorizations[0]?.redirectUri ?? '')
    expect(redirect).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', pathname: '/oauth/callback' })
    expect(server.registrations[0]?.redirect_uris).toEqual([redirect.href])
    expect(server.grants).toEqual(['authorization_code'])

    expect(manager.tools().map((t) => t.qualifiedName)).toEqual(['mcp__remote__whoami'])
    const call = await manager.callTool('mcp__remote__whoami', {})
    expect(call).toMatchObject({ ok: true, output: `client ${server.registrations[0]?.client_id}` })

    const tokens = JSON.parse(secrets.get(oauthSecretName('remote', 'tokens')) ?? '{}') as { access_token: string; refresh_token: string }
    expect(server.requests.at(-1)?.authorization).toBe(`Bearer ${tokens.access_token}`)
    expect(JSON.parse(secrets.get(oauthSecretName('remote', 'client')) ?? '{}')).toMatchObject({ client_id: server.registrations[0]?.client_id })
    expect(secrets.get(oauthSecretName('remote', 'verifier'))).toBeUndefined()
    const mcpJson = fs.readFileSync(path.join(dir, 'mcp.json'), 'utf8')
    const logs = logLines.join('')
    expect(logs).toContain('needs sign-in')
    for (const secret of [tokens.access_token, tokens.refresh_token]) {
      expect(mcpJson).not.toContain(secret)
      expect(logs).not.toContain(secret)
    }
    expect(await portRefuses(Number(redirect.port))).toBe(true)
  })

  it('shows signing-in while the browser page is open, with tool calls told to finish the sign-in', async () => {
    const server = await oauthServer()
    const opened: string[] = []
    const { manager } = setup((url) => void opened.push(url))
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    await expect.poll(() => manager.status()[0]?.state).toBe('signing-in')
    const waiting = await manager.callTool('mcp__remote__whoami', {})
    expect(waiting).toMatchObject({ ok: false, errorCode: 'E_NETWORK', output: 'The MCP server "remote" is not connected (signing-in).' })

    // The user signs in: the browser follows the page to our callback.
    expect((await fetch(opened[0] ?? '')).status).toBe(200)
    expect(await settled(manager)).toBe('connected')
    expect((await manager.callTool('mcp__remote__whoami', {})).ok).toBe(true)
  })

  it('reuses the stored token on the next start without opening the browser, and refreshes an expired one silently', async () => {
    const server = await oauthServer()
    const b = browser()
    const first = setup(b.open)
    await first.manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(first.manager)).toBe('connected')
    await first.manager.stopAll()

    const second = setup(b.open, {}, first.dir)
    second.manager.startAll()
    expect(await settled(second.manager)).toBe('connected')
    expect(b.opened).toHaveLength(1)
    expect(server.grants).toEqual(['authorization_code'])
    expect(server.registrations).toHaveLength(1)

    server.expireAccessTokens()
    expect(await second.manager.restart('remote')).toMatchObject({ state: 'connected', tools: 1 })
    expect(server.grants).toEqual(['authorization_code', 'refresh_token'])
    expect(b.opened).toHaveLength(1)
  })

  it('signs in again when the refresh token was revoked', async () => {
    const server = await oauthServer()
    const b = browser()
    const { manager } = setup(b.open)
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(manager)).toBe('connected')

    server.revokeAll()
    expect(await manager.restart('remote')).toMatchObject({ state: 'connected', tools: 1 })
    expect(b.opened).toHaveLength(2)
    expect(server.grants).toEqual(['authorization_code', 'authorization_code'])
    expect(server.registrations).toHaveLength(1)
  })

  it('signs in again when the tokens are revoked while connected, and the calls work again', async () => {
    const server = await oauthServer()
    const b = browser()
    const { manager } = setup(b.open)
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(manager)).toBe('connected')

    server.revokeAll()
    const refused = await manager.callTool('mcp__remote__whoami', {})
    expect(refused.ok).toBe(false)
    await expect.poll(() => server.grants.length).toBe(2)
    await expect.poll(async () => (await manager.callTool('mcp__remote__whoami', {})).ok).toBe(true)
    expect(b.opened).toHaveLength(2)
  })

  it('turns to error when the tokens are revoked while connected and nobody signs in again', async () => {
    const server = await oauthServer()
    const b = browser()
    let answering = true
    const timers = manualTimers()
    const { manager } = setup((url) => (answering ? b.open(url) : undefined), { signInTimeoutMs: 500, timers })
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(manager)).toBe('connected')
    // The first sign-in was completed: its timeout is gone.
    expect(timers.pending()).toEqual([])

    answering = false
    server.revokeAll()
    expect((await manager.callTool('mcp__remote__whoami', {})).ok).toBe(false)
    // The second sign-in waits for the browser; nobody comes and its time runs out.
    await expect.poll(() => timers.pending()).toEqual([500])
    timers.runAll()
    await expect.poll(() => manager.status()[0]?.state).toBe('error')
    expect(manager.status()[0]?.lastError).toMatch(/^Sign-in needed for the MCP server "remote": the sign-in in the browser was not completed/)
    expect(manager.tools()).toEqual([])
  })

  it('turns to error with "sign-in needed" when nobody completes the sign-in, and closes the listener', async () => {
    const server = await oauthServer()
    const opened: string[] = []
    const timers = manualTimers()
    const { manager, secrets } = setup((url) => void opened.push(url), { signInTimeoutMs: 300, timers })
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    // The browser page is open and nobody completes it; then its time runs out.
    await expect.poll(() => manager.status()[0]?.state).toBe('signing-in')
    expect(opened).toHaveLength(1)
    expect(timers.pending()).toEqual([300])
    timers.runAll()
    expect(await settled(manager)).toBe('error')
    expect(manager.status()[0]?.lastError).toMatch(/^Sign-in needed for the MCP server "remote": the sign-in in the browser was not completed within 0 s/)
    expect(opened).toHaveLength(1)
    const redirect = new URL(new URL(opened[0] ?? '').searchParams.get('redirect_uri') ?? '')
    expect(await portRefuses(Number(redirect.port))).toBe(true)
    expect(secrets.get(oauthSecretName('remote', 'tokens'))).toBeUndefined()
  })

  it('refuses a callback whose state is not the one it sent, and still completes the real one', async () => {
    const server = await oauthServer()
    const forged: { status: number; body: string }[] = []
    const b = browser(async (authorizationUrl) => {
      const callback = new URL(authorizationUrl.searchParams.get('redirect_uri') ?? '')
      callback.searchParams.set('code', 'stolen-code')
      callback.searchParams.set('state', 'not-the-state')
      const res = await fetch(callback)
      forged.push({ status: res.status, body: await res.text() })
    })
    const { manager } = setup(b.open)
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(manager)).toBe('connected')
    expect(forged).toEqual([{ status: 400, body: expect.stringContaining('does not belong to the one Ollama Desk started') as string }])
    expect(server.grants).toEqual(['authorization_code'])
  })

  it('reports the authorization server refusing the sign-in', async () => {
    const server = await oauthServer()
    const pages: number[] = []
    const { manager } = setup(async (url) => {
      const auth = new URL(url)
      const callback = new URL(auth.searchParams.get('redirect_uri') ?? '')
      callback.searchParams.set('error', 'access_denied')
      callback.searchParams.set('error_description', 'the user said <no>')
      callback.searchParams.set('state', auth.searchParams.get('state') ?? '')
      pages.push((await fetch(callback)).status)
    })
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(manager)).toBe('error')
    expect(pages).toEqual([400])
    expect(manager.status()[0]?.lastError).toContain('the authorization server refused (access_denied: the user said <no>)')
  })

  it('leaves servers with their own Authorization header, and servers without openExternal, to plain 401s', async () => {
    const server = await oauthServer()
    const opened: string[] = []
    const { manager } = setup((url) => void opened.push(url))
    await manager.save({ name: 'remote', transport: 'http', url: server.url }, { headers: { Authorization: 'Bearer mine' } })
    expect(await settled(manager)).toBe('error')
    expect(manager.status()[0]?.lastError).toContain('answered HTTP 401')

    const bare = setup(undefined)
    await bare.manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(bare.manager)).toBe('error')
    expect(opened).toEqual([])
    expect(server.registrations).toEqual([])
  })

  it('forgets the tokens when the server is removed', async () => {
    const server = await oauthServer()
    const { manager, secrets } = setup(browser().open)
    await manager.save({ name: 'remote', transport: 'http', url: server.url })
    expect(await settled(manager)).toBe('connected')
    expect(secrets.get(oauthSecretName('remote', 'tokens'))).toBeDefined()
    await manager.remove('remote')
    for (const part of ['client', 'tokens', 'verifier'] as const) expect(secrets.get(oauthSecretName('remote', part))).toBeUndefined()
  })
})

describe('McpOAuthProvider', () => {
  function provider(openExternal: (url: string) => void = () => undefined): { p: McpOAuthProvider; secrets: FileSecretStore } {
    const secrets = new FileSecretStore(path.join(makeTempDir('mcp-oauth-p-'), 'secrets.json'))
    const p = new McpOAuthProvider({ server: 's1', secrets, openExternal, log: silentLogger() })
    providers.push(p)
    return { p, secrets }
  }

  it('describes a public PKCE client', () => {
    const { p } = provider()
    expect(p.clientMetadata).toEqual({
      client_name: 'Ollama Desk',
      redirect_uris: ['http://127.0.0.1/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    })
  })

  it('listens on loopback only while a sign-in is under way, answers 404 elsewhere, and stops on cancel', async () => {
    const { p } = provider()
    const state = await p.state()
    const url = new URL(p.redirectUrl)
    expect(url).toMatchObject({ hostname: '127.0.0.1', pathname: '/oauth/callback' })
    expect(Number(url.port)).toBeGreaterThan(0)
    expect(p.clientMetadata.redirect_uris).toEqual([url.href])
    expect((await fetch(new URL(`/other?state=${state}&code=x`, url))).status).toBe(404)
    const waiting = p.waitForCode()
    p.cancelFlow()
    await expect(waiting).rejects.toThrow(McpSignInRequiredError)
    await expect(waiting).rejects.toThrow('the sign-in was cancelled')
    expect(await portRefuses(Number(url.port))).toBe(true)
  })

  it('hands over the code once the state matches', async () => {
    const { p } = provider()
    const state = await p.state()
    const callback = new URL(p.redirectUrl)
    callback.searchParams.set('code', 'the-code')
    callback.searchParams.set('state', state)
    const res = await fetch(callback)
    expect(res.status).toBe(200)
    await expect(p.waitForCode()).resolves.toBe('the-code')
  })

  it('says a sign-in is needed when asked for a verifier it never saved, or for a code with no sign-in started', async () => {
    const { p } = provider()
    expect(() => p.codeVerifier()).toThrow(McpSignInRequiredError)
    await expect(p.waitForCode()).rejects.toThrow('no sign-in was started')
  })

  it('fails the sign-in when the browser cannot be opened', async () => {
    const { p } = provider(() => {
      throw new Error('no display')
    })
    await p.redirectToAuthorization(new URL('http://127.0.0.1:9/authorize'))
    await expect(p.waitForCode()).rejects.toThrow('the browser could not be opened (no display)')
  })

  it('ignores unreadable stored values and invalidates what the SDK asks for', () => {
    const { p, secrets } = provider()
    secrets.set(oauthSecretName('s1', 'tokens'), '{broken')
    expect(p.tokens()).toBeUndefined()
    p.saveTokens({ access_token: 'a', token_type: 'bearer' })
    p.saveClientInformation({ client_id: 'c' })
    p.invalidateCredentials('tokens')
    expect(p.tokens()).toBeUndefined()
    expect(secrets.get(oauthSecretName('s1', 'client'))).toBeDefined()
    p.invalidateCredentials('all')
    expect(secrets.get(oauthSecretName('s1', 'client'))).toBeUndefined()
  })
})
