import { randomUUID } from 'node:crypto'
import http, { type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { z } from 'zod'

export interface TestHttpServer {
  url: string
  /** Headers of every request received, in order. */
  requests: { method: string; path: string; headers: IncomingHttpHeaders }[]
  /** Registers a tool on every live session (each sends tools/list_changed). */
  addTool(name: string): void
  close(): Promise<void>
}

function buildServer(): McpServer {
  const server = new McpServer({ name: 'test-http', version: '0.9.0' }, { capabilities: { tools: { listChanged: true } } })
  server.registerTool('whoami', { description: 'Echoes the Authorization header it got', inputSchema: { prefix: z.string().optional() } }, async ({ prefix }, extra) => ({
    content: [{ type: 'text', text: `${prefix ?? ''}${String(extra.requestInfo?.headers.authorization ?? 'none')}` }],
  }))
  return server
}

/**
 * A real MCP server on 127.0.0.1:0. `streamable`: the current transport at /mcp with sessions.
 * `sse-only`: an old server (GET /mcp opens the event stream, POST /messages), which refuses
 * the streamable POST with 405 as such servers do. `port`: a port used before, to play a server coming back.
 */
export async function startHttpServer(mode: 'streamable' | 'sse-only', options: { port?: number } = {}): Promise<TestHttpServer> {
  const requests: TestHttpServer['requests'] = []
  const servers = new Set<McpServer>()
  const streamable = new Map<string, StreamableHTTPServerTransport>()
  const sse = new Map<string, SSEServerTransport>()

  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers })
    void (async () => {
      if (mode === 'sse-only') {
        if (req.method === 'GET' && url.pathname === '/mcp') {
          const transport = new SSEServerTransport('/messages', res)
          sse.set(transport.sessionId, transport)
          const server = buildServer()
          servers.add(server)
          await server.connect(transport)
          return
        }
        if (req.method === 'POST' && url.pathname === '/messages') {
          const transport = sse.get(url.searchParams.get('sessionId') ?? '')
          if (transport) return transport.handlePostMessage(req, res)
        }
        res.writeHead(req.method === 'POST' ? 405 : 404).end()
        return
      }
      const sessionId = req.headers['mcp-session-id']
      let transport = typeof sessionId === 'string' ? streamable.get(sessionId) : undefined
      if (!transport) {
        transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void streamable.set(id, transport!) })
        const server = buildServer()
        servers.add(server)
        await server.connect(transport)
      }
      await transport.handleRequest(req, res)
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error))
    })
  })
  await new Promise<void>((resolve) => httpServer.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = httpServer.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    addTool(name) {
      for (const server of servers) {
        if (server.isConnected()) server.registerTool(name, { description: `Added at runtime: ${name}` }, async () => ({ content: [{ type: 'text', text: `${name} ran` }] }))
      }
    },
    async close() {
      await Promise.all([...servers].map((server) => server.close().catch(() => undefined)))
      httpServer.closeAllConnections()
      await new Promise<void>((resolve) => httpServer.close(() => resolve()))
    },
  }
}
