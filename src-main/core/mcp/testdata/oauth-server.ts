import { randomUUID } from 'node:crypto'
import http from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { InvalidGrantError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js'
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js'
import type { AuthorizationParams, OAuthServerProvider } from '@modelcontextprotocol/sdk/server/auth/provider.js'
import { getOAuthProtectedResourceMetadataUrl, mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'

// express ships without types here (it comes in with the SDK); only what this file calls is typed.
type Handler = (req: http.IncomingMessage & { auth?: AuthInfo }, res: http.ServerResponse, next: (error?: unknown) => void) => void
interface ExpressApp {
  (req: http.IncomingMessage, res: http.ServerResponse): void
  use(handler: unknown): void
  all(path: string, ...handlers: unknown[]): void
}
const express = createRequire(import.meta.url)('express') as () => ExpressApp

export interface TestOAuthServer {
  /** The protected MCP endpoint. */
  url: string
  /** Every request: path and the Authorization header it carried. */
  requests: { method: string; path: string; authorization: string | undefined }[]
  registrations: OAuthClientInformationFull[]
  /** Each /authorize visit: the redirect URI and state it was given. */
  authorizations: { redirectUri: string; state: string | undefined }[]
  /** grant_type of each successful token response. */
  grants: string[]
  /** Access tokens stop working; refresh tokens still do. */
  expireAccessTokens(): void
  /** Access and refresh tokens stop working (the user revoked the app). */
  revokeAll(): void
  close(): Promise<void>
}

/**
 * An authorization server that signs everybody in at once (no login page: /authorize redirects
 * straight back with a code), built from the SDK's own router, PKCE check and bearer middleware,
 * in front of an MCP server with one tool. All on 127.0.0.1:0.
 */
export async function startOAuthServer(): Promise<TestOAuthServer> {
  const httpServer = http.createServer()
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
  const mcpUrl = new URL('/mcp', base)

  const clients = new Map<string, OAuthClientInformationFull>()
  const codes = new Map<string, { clientId: string; params: AuthorizationParams }>()
  const access = new Map<string, AuthInfo>()
  const refresh = new Map<string, string>()
  const result: Omit<TestOAuthServer, 'close'> = {
    url: mcpUrl.href,
    requests: [],
    registrations: [],
    authorizations: [],
    grants: [],
    expireAccessTokens: () => access.clear(),
    revokeAll: () => {
      access.clear()
      refresh.clear()
    },
  }
  const issue = (clientId: string, grant: string): OAuthTokens => {
    const token = randomUUID()
    const refreshToken = randomUUID()
    access.set(token, { token, clientId, scopes: [], expiresAt: Math.floor(Date.now() / 1000) + 3600, resource: mcpUrl })
    refresh.set(refreshToken, clientId)
    result.grants.push(grant)
    return { access_token: token, token_type: 'bearer', expires_in: 3600, refresh_token: refreshToken }
  }

  const provider: OAuthServerProvider = {
    clientsStore: {
      getClient: (id) => clients.get(id),
      registerClient: (client) => {
        const full = { ...client, client_id: randomUUID(), client_id_issued_at: Math.floor(Date.now() / 1000) }
        clients.set(full.client_id, full)
        result.registrations.push(full)
        return full
      },
    },
    async authorize(client, params, res: { redirect(url: string): void }) {
      const code = randomUUID()
      codes.set(code, { clientId: client.client_id, params })
      result.authorizations.push({ redirectUri: params.redirectUri, state: params.state })
      const target = new URL(params.redirectUri)
      target.searchParams.set('code', code)
      if (params.state !== undefined) target.searchParams.set('state', params.state)
      res.redirect(target.href)
    },
    async challengeForAuthorizationCode(_client, code) {
      const entry = codes.get(code)
      if (!entry) throw new InvalidGrantError('unknown authorization code')
      return entry.params.codeChallenge
    },
    async exchangeAuthorizationCode(client, code, _verifier, redirectUri) {
      const entry = codes.get(code)
      if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError('unknown authorization code')
      // RFC 6749 §4.1.3: the exchange repeats the redirect URI of the authorization request.
      if (redirectUri !== entry.params.redirectUri) throw new InvalidGrantError('redirect_uri does not match the authorization request')
      codes.delete(code)
      return issue(client.client_id, 'authorization_code')
    },
    async exchangeRefreshToken(client, refreshToken) {
      if (refresh.get(refreshToken) !== client.client_id) throw new InvalidGrantError('refresh token revoked')
      refresh.delete(refreshToken)
      return issue(client.client_id, 'refresh_token')
    },
    async verifyAccessToken(token) {
      const info = access.get(token)
      if (!info) throw new InvalidTokenError('unknown or expired token')
      return info
    },
  }

  const sessions = new Map<string, StreamableHTTPServerTransport>()
  const servers = new Set<McpServer>()
  const mcp: Handler = (req, res, next) => {
    void (async () => {
      const sessionId = req.headers['mcp-session-id']
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined
      if (!transport) {
        const created = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void sessions.set(id, created) })
        const server = new McpServer({ name: 'test-oauth', version: '1.0.0' }, { capabilities: { tools: {} } })
        server.registerTool('whoami', { description: 'Names the OAuth client the call was made for' }, async (extra) => ({
          content: [{ type: 'text', text: `client ${extra.authInfo?.clientId ?? 'none'}` }],
        }))
        servers.add(server)
        await server.connect(created)
        transport = created
      }
      await transport.handleRequest(req, res)
    })().catch(next)
  }

  const app = express()
  app.use(((req, _res, next) => {
    result.requests.push({ method: req.method ?? '', path: new URL(req.url ?? '/', base).pathname, authorization: req.headers.authorization })
    next()
  }) satisfies Handler)
  const noLimit = { rateLimit: false as const }
  app.use(
    mcpAuthRouter({
      provider,
      issuerUrl: new URL(base),
      resourceServerUrl: mcpUrl,
      authorizationOptions: noLimit,
      clientRegistrationOptions: noLimit,
      tokenOptions: noLimit,
      revocationOptions: noLimit,
    }),
  )
  app.all('/mcp', requireBearerAuth({ verifier: provider, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl) }), mcp)
  httpServer.on('request', app)

  return {
    ...result,
    async close() {
      await Promise.all([...servers].map((server) => server.close().catch(() => undefined)))
      httpServer.closeAllConnections()
      await new Promise<void>((resolve) => httpServer.close(() => resolve()))
    },
  }
}
