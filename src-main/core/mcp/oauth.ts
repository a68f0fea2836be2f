import { randomBytes, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { AppError } from '../errors'
import type { Logger } from '../log'
import type { SecretStore } from '../secrets'
import { realTimers, type McpTimers } from './connection-support'
import { loadMcpSdk } from './sdk'

export const OAUTH_CALLBACK_PATH = '/oauth/callback'
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000
const LOOPBACK = '127.0.0.1'

export type McpOAuthSecret = 'client' | 'tokens' | 'verifier'
const SECRET_PARTS: McpOAuthSecret[] = ['client', 'tokens', 'verifier']

/** Where a server's OAuth state lives in the secret store (never in mcp.json). */
export const oauthSecretName = (server: string, part: McpOAuthSecret): string => `mcp.${server}.oauth.${part}`

/** Drops a server's registration, tokens and verifier (when the server is removed, or to sign out). */
export function forgetMcpOAuth(secrets: SecretStore, server: string): void {
  for (const part of SECRET_PARTS) secrets.delete(oauthSecretName(server, part))
}

/**
 * Completes the sign-in the SDK started on `transport` (it answered 401 and the browser was opened):
 * waits for the code and exchanges it there, so it keeps what the 401 said about the server's metadata.
 */
export async function finishSignIn(oauth: McpOAuthProvider, transport: Transport): Promise<void> {
  const { StreamableHTTPClientTransport, SSEClientTransport } = await loadMcpSdk()
  if (!(transport instanceof StreamableHTTPClientTransport || transport instanceof SSEClientTransport)) {
    throw new McpSignInRequiredError(oauth.server, 'only http and sse servers can sign in')
  }
  await transport.finishAuth(await oauth.waitForCode())
}

/** The server wants a signed-in user and the sign-in in the browser did not complete. */
export class McpSignInRequiredError extends AppError {
  constructor(server: string, reason: string) {
    super('E_AUTH', `Sign-in needed for the MCP server "${server}": ${reason}.`, {
      hint: 'Restart the server in Settings → MCP servers and finish signing in in the browser window that opens.',
    })
  }
}

export interface McpOAuthOptions {
  server: string
  secrets: SecretStore
  /** Opens the authorization page: shell.openExternal in the desktop app; the CLI/web companion print or open it. */
  openExternal: (url: string) => void | Promise<void>
  log: Pick<Logger, 'info' | 'warn'>
  /** How long the loopback listener waits for the browser to come back. */
  timeoutMs?: number
  timers?: McpTimers
}

interface Flow {
  listener: http.Server
  redirectUrl: string
  state: string | undefined
  authorizationUrl: string | undefined
  code: Promise<string>
  settled: boolean
  settle: (outcome: { code: string } | { error: Error }) => void
}

/**
 * OAuth for one remote MCP server, as the SDK's transports drive it: a public client (PKCE, no
 * secret) registered dynamically, whose redirect lands on a loopback listener that exists only
 * while a sign-in is under way.
 */
export class McpOAuthProvider implements OAuthClientProvider {
  private flow: Flow | undefined
  private starting: Promise<Flow> | undefined
  /** The outcome of the latest sign-in, kept after a refusal so the waiter learns why. */
  private latestCode: Promise<string> | undefined
  private readonly timers: McpTimers

  constructor(private readonly options: McpOAuthOptions) {
    this.timers = options.timers ?? realTimers
  }

  get server(): string {
    return this.options.server
  }

  /** The listener's URL during a sign-in; otherwise the registered one (the SDK asks even when only refreshing). */
  get redirectUrl(): string {
    return this.flow?.redirectUrl ?? this.registeredRedirect() ?? `http://${LOOPBACK}${OAUTH_CALLBACK_PATH}`
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Ollama Desk',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }
  }

  /** The page the user is asked to open while a sign-in waits (for adapters that can only print it). */
  get pendingAuthorizationUrl(): string | undefined {
    return this.flow?.authorizationUrl
  }

  get signInPending(): boolean {
    return this.flow !== undefined && !this.flow.settled
  }

  hasTokens(): boolean {
    return this.tokens() !== undefined
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const stored = this.read<OAuthClientInformationMixed>('client', (v) => typeof v.client_id === 'string')
    // No registration yet means a first sign-in: the listener must exist before the SDK registers its URL.
    if (!stored) await this.beginFlow()
    return stored
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.options.secrets.set(oauthSecretName(this.server, 'client'), JSON.stringify(info))
  }

  tokens(): OAuthTokens | undefined {
    return this.read<OAuthTokens>('tokens', (v) => typeof v.access_token === 'string')
  }

  saveTokens(tokens: OAuthTokens): void {
    this.options.secrets.set(oauthSecretName(this.server, 'tokens'), JSON.stringify(tokens))
    this.options.secrets.delete(oauthSecretName(this.server, 'verifier'))
    this.endFlow()
  }

  /** Called right before the SDK builds the authorization URL, i.e. when a sign-in really begins. */
  async state(): Promise<string> {
    const flow = await this.beginFlow()
    flow.state = randomBytes(32).toString('base64url')
    return flow.state
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.options.secrets.set(oauthSecretName(this.server, 'verifier'), codeVerifier)
  }

  codeVerifier(): string {
    const verifier = this.options.secrets.get(oauthSecretName(this.server, 'verifier'))
    if (verifier === undefined) throw new McpSignInRequiredError(this.server, 'the sign-in was not started from this app (no PKCE verifier)')
    return verifier
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const flow = await this.beginFlow()
    flow.authorizationUrl = authorizationUrl.href
    this.options.log.info({ server: this.server }, 'MCP server needs sign-in; opening the browser')
    try {
      await this.options.openExternal(authorizationUrl.href)
    } catch (error) {
      flow.settle({ error: new McpSignInRequiredError(this.server, `the browser could not be opened (${(error as Error).message})`) })
    }
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'discovery') return
    for (const part of scope === 'all' ? SECRET_PARTS : [scope]) this.options.secrets.delete(oauthSecretName(this.server, part))
  }

  /** The authorization code the browser brought back; rejects with McpSignInRequiredError on timeout, refusal or cancel. */
  waitForCode(): Promise<string> {
    return this.latestCode ?? Promise.reject(new McpSignInRequiredError(this.server, 'no sign-in was started'))
  }

  /** Stops waiting (the connection was stopped); the listener closes. */
  cancelFlow(): void {
    this.flow?.settle({ error: new McpSignInRequiredError(this.server, 'the sign-in was cancelled') })
    this.endFlow()
  }

  private endFlow(): void {
    const flow = this.flow
    this.flow = undefined
    if (flow) {
      flow.settle({ error: new McpSignInRequiredError(this.server, 'the sign-in ended') })
      closeListener(flow.listener)
    }
  }

  private read<T>(part: McpOAuthSecret, valid: (value: Record<string, unknown>) => boolean): T | undefined {
    const text = this.options.secrets.get(oauthSecretName(this.server, part))
    if (text === undefined) return undefined
    try {
      const value = JSON.parse(text) as unknown
      return typeof value === 'object' && value !== null && valid(value as Record<string, unknown>) ? (value as T) : undefined
    } catch {
      return undefined
    }
  }

  private registeredRedirect(): string | undefined {
    const client = this.read<{ redirect_uris?: unknown }>('client', (v) => Array.isArray(v.redirect_uris))
    const first = (client?.redirect_uris as unknown[] | undefined)?.[0]
    return typeof first === 'string' ? first : undefined
  }

  /** The sign-in under way, or a new one with a fresh listener (a settled one has closed its listener). */
  private beginFlow(): Promise<Flow> {
    if (this.flow && !this.flow.settled) return Promise.resolve(this.flow)
    this.starting ??= this.startFlow().finally(() => (this.starting = undefined))
    return this.starting
  }

  private async startFlow(): Promise<Flow> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS
    let settleCode!: (outcome: { code: string } | { error: Error }) => void
    const code = new Promise<string>((resolve, reject) => {
      settleCode = (outcome) => ('code' in outcome ? resolve(outcome.code) : reject(outcome.error))
    })
    // Nobody may be waiting yet; an unobserved refusal is not an unhandled rejection.
    code.catch(() => undefined)
    const listener = http.createServer((req, res) => this.onCallback(flow, req, res))
    // Servers that match redirect URIs exactly keep working when the registered port is free again.
    const registeredPort = Number(new URL(this.registeredRedirect() ?? 'http://x').port) || 0
    const port = await listen(listener, registeredPort).catch(() => listen(listener, 0))
    const timer = this.timers.setTimeout(() => {
      flow.settle({ error: new McpSignInRequiredError(this.server, `the sign-in in the browser was not completed within ${Math.round(timeoutMs / 1000)} s`) })
    }, timeoutMs)
    const flow: Flow = {
      listener,
      redirectUrl: `http://${LOOPBACK}:${port}${OAUTH_CALLBACK_PATH}`,
      state: undefined,
      authorizationUrl: undefined,
      code,
      settled: false,
      settle: (outcome) => {
        if (flow.settled) return
        flow.settled = true
        this.timers.clearTimeout(timer)
        closeListener(listener)
        // A successful flow stays current until its code is exchanged: the exchange repeats its redirect URL.
        if ('error' in outcome && this.flow === flow) this.flow = undefined
        settleCode(outcome)
      },
    }
    this.flow = flow
    this.latestCode = code
    return flow
  }

  private onCallback(flow: Flow, req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`)
    if (req.method !== 'GET' || url.pathname !== OAUTH_CALLBACK_PATH) return page(res, 404, 'Not found', 'This address only receives sign-ins for Ollama Desk.')
    if (!sameState(url.searchParams.get('state'), flow.state)) {
      // Kept listening: a forged or stale callback must not end the real sign-in.
      this.options.log.warn({ server: this.server }, 'MCP sign-in callback refused: its state does not match')
      return page(res, 400, 'Sign-in refused', 'This sign-in does not belong to the one Ollama Desk started. Close this window and try again from the app.')
    }
    const error = url.searchParams.get('error')
    const code = url.searchParams.get('code')
    if (error !== null || !code) {
      const detail = error === null ? 'it sent no authorization code' : `${error}${url.searchParams.get('error_description') ? `: ${url.searchParams.get('error_description')}` : ''}`
      page(res, 400, 'Sign-in failed', `The server did not sign you in (${detail}). Close this window and try again from Ollama Desk.`)
      return flow.settle({ error: new McpSignInRequiredError(this.server, `the authorization server refused (${detail.slice(0, 200)})`) })
    }
    page(res, 200, 'Signed in', 'You can close this window and return to Ollama Desk.')
    flow.settle({ code })
  }
}

function sameState(received: string | null, expected: string | undefined): boolean {
  if (received === null || expected === undefined) return false
  const a = Buffer.from(received)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error)
    server.once('error', onError)
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function closeListener(server: http.Server): void {
  if (server.listening) server.close()
  server.closeIdleConnections()
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(res: http.ServerResponse, status: number, title: string, message: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)} – Ollama Desk</title></head><body style="font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem"><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' })
  res.end(html)
}
