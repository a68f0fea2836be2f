import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_MESSAGE_CHARS } from '../../src-shared/contract'
import type { Core } from '../core/app'
import { AppError } from '../core/errors'
import { beginMark } from '../core/profiling'
import { createConnection, type Connection } from '../core/rpc'
import { httpStatusFor } from './http-status'
import { TOKEN_COOKIE, allowedHosts, checkRequest, isLoopbackHost, requestUrl, type MachineNames } from './auth'
import { contentSecurityPolicy, serveStatic } from './static'

export interface WebServerOptions {
  core: Core
  token: string
  /** Folder holding the built renderer (index.html). */
  staticDir: string
  host?: string
  port?: number
  /** Must be set explicitly to listen anywhere but loopback. */
  allowNonLoopback?: boolean
  /** More Host names to answer to in LAN mode (a DNS name pointing at this machine). */
  extraHosts?: string[]
  /** The machine's names and addresses; tests inject them (they never use a real LAN address). */
  machine?: Omit<MachineNames, 'extraHosts'>
  /** How long a client may take to send its request headers (default 10 s); a slow client holds a connection. */
  headersTimeoutMs?: number
}

export interface WebServer {
  readonly url: string
  readonly port: number
  readonly connections: number
  close(): Promise<void>
}

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': contentSecurityPolicy(),
}


/** Only a page load may carry the token in its address (it is swapped for a cookie at once). */
const queryTokenAllowed = (method: string | undefined, pathname: string): boolean => (method === 'GET' || method === 'HEAD') && !pathname.startsWith('/api/')

/** A same-origin redirect target: one leading slash, so `//host` or `/\\host` can never become another site. */
const sameOriginPath = (url: URL): string => `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`

const safeDecode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

const queryTokenRefused = {
  ok: false,
  error: { code: 'E_UNAUTHORIZED', message: 'Send the token in the Authorization header or the cookie, not in the address.', retryable: false },
}

/** The web companion: the same contract as the desktop IPC, over HTTP and WebSocket on loopback. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host) && !options.allowNonLoopback) {
    throw new AppError('E_FORBIDDEN', `Refusing to listen on ${host}: the web companion is for this machine only.`, {
      hint: 'Pass --allow-lan if you really want other machines on your network to reach it.',
    })
  }
  const { core, token } = options
  core.logger.scrubber.register(token)
  const log = core.logger.log.child({ component: 'web' })
  const sockets = new Set<{ ws: WebSocket; connection: Connection }>()
  let hosts = new Set<string>()
  let clientSeq = 0

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    res.end(JSON.stringify(body))
  }

  const handleHttp = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value)
    const verdict = checkRequest(req, token, hosts)
    if (!verdict.ok) {
      json(res, verdict.status, { ok: false, error: { code: verdict.code, message: verdict.message, retryable: false } })
      return
    }
    const url = requestUrl(req)
    if (!url) return json(res, 400, { ok: false, error: { code: 'E_VALIDATION', message: 'The request address is not valid.', retryable: false } })
    if (verdict.via === 'query' && !queryTokenAllowed(req.method, url.pathname)) return json(res, 401, queryTokenRefused)
    if (verdict.via === 'query' && req.method === 'GET') {
      // Trade the token in the address bar for a same-site cookie, and drop it from history.
      url.searchParams.delete('token')
      res.writeHead(302, {
        'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: sameOriginPath(url),
      })
      res.end()
      return
    }
    if (url.pathname.startsWith('/api/rpc/')) return handleRpc(req, res, safeDecode(url.pathname.slice(9)))
    if (url.pathname.startsWith('/api/')) return json(res, 404, { ok: false, error: { code: 'E_NOT_FOUND', message: 'No such API path.', retryable: false } })
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { ok: false, error: { code: 'E_VALIDATION', message: 'Method not allowed.', retryable: false } })
    serveStatic(options.staticDir, url.pathname, res, { acceptEncoding: req.headers['accept-encoding'], ifNoneMatch: req.headers['if-none-match'] })
  }

  const handleRpc = (req: IncomingMessage, res: ServerResponse, route: string | undefined): void => {
    if (route === undefined) return json(res, 400, { ok: false, error: { code: 'E_VALIDATION', message: 'The route name is not valid.', retryable: false } })
    if (req.method !== 'POST') return json(res, 405, { ok: false, error: { code: 'E_VALIDATION', message: 'Use POST with a JSON body.', retryable: false } })
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_MESSAGE_CHARS * 4) chunks.push(chunk)
    })
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      if (size > MAX_MESSAGE_CHARS * 4 || text.length > MAX_MESSAGE_CHARS) {
        return json(res, 413, { ok: false, error: { code: 'E_PAYLOAD_TOO_LARGE', message: `The body is larger than ${MAX_MESSAGE_CHARS} characters.`, retryable: false } })
      }
      let input: unknown
      try {
        input = text.trim() === '' ? {} : JSON.parse(text)
      } catch {
        return json(res, 400, { ok: false, error: { code: 'E_VALIDATION', message: 'The body is not valid JSON.', retryable: false } })
      }
      const controller = new AbortController()
      res.on('close', () => controller.abort())
      void core.dispatcher.call(route, input, { signal: controller.signal, clientId: 'http' }).then((result) => {
        json(res, result.ok ? 200 : httpStatusFor(result.error.code), result)
      })
    })
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_CHARS * 8 })
  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const verdict = checkRequest(req, token, hosts)
    const path = requestUrl(req)?.pathname
    if (!verdict.ok || verdict.via === 'query' || path !== '/api/ws') {
      const status = !verdict.ok ? verdict.status : verdict.via === 'query' ? 401 : 404
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  }

  const attach = (ws: WebSocket): void => {
    const clientId = `ws-${++clientSeq}`
    const drain = (): Promise<void> | undefined =>
      ws.bufferedAmount < 1024 * 1024
        ? undefined
        : new Promise((resolve) => {
            const wait = (): void => {
              if (ws.bufferedAmount < 256 * 1024 || ws.readyState !== ws.OPEN) resolve()
              else setTimeout(wait, 2)
            }
            wait()
          })
    const connection = createConnection(core.dispatcher, (text) => ws.send(text), { clientId, drain, backlog: () => ws.bufferedAmount })
    const entry = { ws, connection }
    sockets.add(entry)
    ws.on('message', (data, isBinary) => {
      connection.receive(isBinary ? data : data.toString())
    })
    ws.on('close', () => {
      connection.close()
      sockets.delete(entry)
    })
    ws.on('error', (error) => log.warn({ err: error, clientId }, 'websocket error'))
  }

  const headersTimeout = options.headersTimeoutMs ?? 10_000
  const server = http.createServer(
    {
      headersTimeout,
      // Bodies are at most a few MB from this machine: a minute is generous.
      requestTimeout: Math.max(60_000, headersTimeout),
      // How often Node checks those timeouts (its default, 30 s, would let a slow client stay twice as long).
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    },
    handleHttp,
  )
  server.on('upgrade', handleUpgrade)
  const listening = beginMark('startup.web.listen')
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, options.port ?? 0)))
    server.listen(options.port ?? 0, host, () => resolve())
  })
  listening.end()
  const unsubscribe = core.onBroadcast((name, payload) => {
    for (const { connection } of sockets) connection.push(name, payload)
  })
  const port = (server.address() as AddressInfo).port
  hosts = options.machine
    ? allowedHosts(host, port, { ...options.machine, extraHosts: options.extraHosts })
    : allowedHosts(host, port, { hostname: os.hostname(), interfaces: os.networkInterfaces(), extraHosts: options.extraHosts })
  // Bound to every interface, the address to open here is loopback (0.0.0.0 is not a place to go).
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  log.info({ host, port }, 'web companion listening')

  return {
    url: `http://${shownHost}:${port}/`,
    port,
    get connections() {
      return sockets.size
    },
    async close() {
      unsubscribe()
      for (const { ws, connection } of sockets) {
        connection.close()
        ws.terminate()
      }
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): AppError {
  if (error.code === 'EADDRINUSE') {
    return new AppError('E_NETWORK', `Port ${port} on ${host} is already in use.`, {
      cause: error,
      hint: 'Another Ollama Desk may be running; stop it, or pick another port with --port (0 picks a free one).',
    })
  }
  if (error.code === 'EACCES') {
    return new AppError('E_FORBIDDEN', `Not allowed to listen on port ${port}.`, { cause: error, hint: 'Use a port above 1024.' })
  }
  return new AppError('E_NETWORK', `Could not listen on ${host}:${port} (${error.code ?? error.message}).`, { cause: error })
}
