import http from 'node:http'
import net from 'node:net'
import { WebSocket } from 'ws'
import type { MessagePort } from '../../src-shared/contract'

export interface HttpReply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** One raw HTTP request (no URL normalisation, any Host header). */
export function httpRequest(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** Writes raw bytes and returns the first status line the server answers with. */
export function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text))
    let data = ''
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1')
      if (data.includes('\r\n')) {
        resolve(data.slice(0, data.indexOf('\r\n')))
        socket.destroy()
      }
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''))
  })
}

/** Opens a WebSocket; resolves with it when open, or with the HTTP status the server refused with. */
export function openWs(url: string, options: { headers?: Record<string, string>; origin?: string } = {}): Promise<{ ws?: WebSocket; status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: options.headers, ...(options.origin ? { origin: options.origin } : {}) })
    ws.once('open', () => resolve({ ws, status: 101 }))
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      ws.terminate()
    })
    ws.once('error', () => resolve({ status: 0 }))
  })
}

/** The contract's MessagePort over a ws client, so tests can use createRpcClient end to end. */
export function wsPort(ws: WebSocket): MessagePort {
  return {
    send: (text) => ws.send(text),
    onMessage(listener) {
      const handler = (data: Buffer) => listener(data.toString())
      ws.on('message', handler)
      return () => ws.off('message', handler)
    },
    onClose(listener) {
      ws.on('close', listener)
      return () => ws.off('close', listener)
    },
  }
}
