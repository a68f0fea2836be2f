import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { FakeProviderServer, Fault, RecordedRequest, ScriptedReply } from './types'

/** Shared plumbing of the fake provider servers: loopback listening, bodies, streams and faults. */

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

export interface Loopback {
  server: Server
  url: string
  close(): Promise<void>
}

/** Listens on 127.0.0.1 with a free port; close() also drops open (hanging) connections. */
export async function startLoopback(handler: Handler): Promise<Loopback> {
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`fake server failed: ${String(error)}`)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** The parsed JSON body; undefined when empty, the raw text when it is not JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = []
  for await (const part of req) parts.push(part as Buffer)
  const text = Buffer.concat(parts).toString('utf8')
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/** One Server-Sent Event; `event` null for data-only streams (Gemini). */
export function sseEvent(event: string | null, data: unknown, eol = '\n'): string {
  return `${event === null ? '' : `event: ${event}${eol}`}data: ${JSON.stringify(data)}${eol}${eol}`
}

export function ndjsonLine(data: unknown): string {
  return `${JSON.stringify(data)}\n`
}

/** A piece of a streamed reply. `text` frames are what a fault's `afterChunks` counts. */
export interface Frame {
  data: string
  kind: 'head' | 'text' | 'tail'
}

export interface StreamOptions {
  contentType: string
  fault: Fault
  /** What this protocol's broken chunk looks like. */
  malformed: string
  delayMs: number
  onClientAbort: () => void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function write(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => res.write(data, () => resolve()))
}

/** Streams frames, applying a disconnect or malformed fault once `afterChunks` text frames are out. */
export async function streamFrames(res: ServerResponse, frames: Frame[], options: StreamOptions): Promise<void> {
  const { fault } = options
  let closedByUs = false
  res.on('close', () => {
    if (!res.writableFinished && !closedByUs) options.onClientAbort()
  })
  res.writeHead(200, { 'content-type': options.contentType, 'cache-control': 'no-cache' })
  res.flushHeaders()
  let texts = 0
  for (const frame of frames) {
    if (res.destroyed) return
    const due = frame.kind !== 'head' && (fault.kind === 'disconnect' || fault.kind === 'malformed') && texts >= fault.afterChunks
    if (due && fault.kind === 'disconnect') {
      closedByUs = true
      res.socket?.destroy()
      return
    }
    if (due && fault.kind === 'malformed') {
      closedByUs = true
      await write(res, options.malformed)
      res.end()
      return
    }
    await write(res, frame.data)
    if (frame.kind === 'text') texts++
    if (options.delayMs > 0) await sleep(options.delayMs)
  }
  res.end()
}

/** Never answers; counts the client giving up (proves a cancel reached the server). */
export function hang(res: ServerResponse, onClientAbort: () => void): void {
  res.on('close', () => {
    if (!res.writableFinished) onClientAbort()
  })
}

/** The fault a request meets: chat requests use up `times`; others see it only with `everything`. */
export class FaultBook {
  private current: Fault = { kind: 'none' }
  private remaining = Number.POSITIVE_INFINITY
  private everything = false

  set(fault: Fault, options: { times?: number; everything?: boolean } = {}): void {
    this.current = fault
    this.remaining = options.times ?? Number.POSITIVE_INFINITY
    this.everything = options.everything ?? false
  }

  take(isChat: boolean): Fault {
    const fault = this.current
    if (fault.kind === 'none' || (!isChat && !this.everything)) return { kind: 'none' }
    if (isChat && --this.remaining <= 0) this.set({ kind: 'none' })
    return fault
  }
}

/** Script, faults, recording and lifecycle, shared by every fake; subclasses speak the protocol. */
export abstract class FakeServerBase implements FakeProviderServer {
  readonly requests: RecordedRequest[] = []
  readonly models: string[]
  protected readonly faults = new FaultBook()
  private replies: ScriptedReply[] = [{ text: ['Hello', ', world'] }]
  private replyIndex = 0
  private abortedCount = 0
  private finishOverride: string | undefined
  private loopback: Loopback | undefined

  constructor(models: string[]) {
    this.models = models
  }

  get url(): string {
    if (!this.loopback) throw new Error('the fake server is not listening yet')
    return this.loopback.url
  }

  get aborted(): number {
    return this.abortedCount
  }

  script(...replies: ScriptedReply[]): void {
    if (replies.length === 0) throw new Error('script() needs at least one reply')
    this.replies = replies
    this.replyIndex = 0
  }

  fault(fault: Fault, options?: { times?: number; everything?: boolean }): void {
    this.faults.set(fault, options)
  }

  /** The next reply ends with this protocol-specific finish/stop reason (e.g. 'SAFETY', 'refusal'). */
  finishWith(reason: string): void {
    this.finishOverride = reason
  }

  async close(): Promise<void> {
    await this.loopback?.close()
  }

  async listen(): Promise<this> {
    this.loopback = await startLoopback(async (req, res) => {
      const body = await readJsonBody(req)
      this.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body })
      await this.handle(req, res, body)
    })
    return this
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>

  protected nextReply(): ScriptedReply {
    const reply = this.replies[Math.min(this.replyIndex, this.replies.length - 1)]!
    this.replyIndex++
    return reply
  }

  protected takeFinish(fallback: string): string {
    const reason = this.finishOverride ?? fallback
    this.finishOverride = undefined
    return reason
  }

  protected readonly countAbort = (): void => {
    this.abortedCount++
  }
}

/** JSON Schema-free reading of a request body field. */
export function field(body: unknown, key: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined
}

/** A loopback URL nothing listens on (a port just released), for "server down" cases. */
export async function closedUrl(): Promise<string> {
  const loopback = await startLoopback(async (_req, res) => {
    res.end()
  })
  await loopback.close()
  return loopback.url
}
