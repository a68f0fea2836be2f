import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { listenOnLoopback } from './loopback-server.ts'

export { closedPort } from './loopback-server.ts'

export interface FakeServer {
  url: string
  port: number
  /** Paths requested so far, in order. */
  requests: string[]
  close(): Promise<void>
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

/** Answers like Ollama: `GET /api/version` → `{"version":"0.12.0"}`. */
export const ollamaLike: Handler = (req, res) => {
  if (req.url === '/api/version') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ version: '0.12.0' }))
    return
  }
  res.writeHead(404)
  res.end('404 page not found')
}

/** A real HTTP server on 127.0.0.1 with a free port. */
export async function startFakeServer(handler: Handler = ollamaLike): Promise<FakeServer> {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    handler(req, res)
  })
  const { port, close } = await listenOnLoopback(server)
  return { url: `http://127.0.0.1:${port}`, port, requests, close }
}
