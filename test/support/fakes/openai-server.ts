/**
 * A loopback stand-in for the OpenAI HTTP API (and the servers that copy it: llama.cpp, vLLM,
 * LM Studio, the Hugging Face router, OpenRouter) that the real `openai` SDK talks to unmodified:
 * POST …/chat/completions and …/responses as SSE, GET …/models, OpenAI-style error bodies,
 * Retry-After on 429, and the faults of ./types.ts.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chatCompletionFrames, encodeFrame, responsesFrames, type Frame, type OpenAiReply } from './openai-sse'
import type { Fault, FakeProviderServer, RecordedRequest } from './types'

export type { OpenAiReply } from './openai-sse'

export interface OpenAiFakeOptions {
  /** Where the API lives: '/v1' (OpenAI, HF router, llama.cpp …) or '/api/v1' (OpenRouter). */
  basePath?: string
  /** Models listed and answered for; [] lists nothing (and then every model name is accepted). */
  models?: string[]
  /** The delta field reasoning arrives in: llama.cpp, vLLM and DeepSeek say reasoning_content, OpenRouter says reasoning. */
  reasoningField?: 'reasoning_content' | 'reasoning'
  /** Extra fields per model in GET /models (OpenRouter sends pricing and context_length). */
  modelDetails?: Record<string, Record<string, unknown>>
}

export interface OpenAiFake extends FakeProviderServer {
  script(...replies: OpenAiReply[]): void
}

type Kind = 'chat' | 'responses' | 'models'

const ERROR_BODIES: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'permission_error', code: null, message: 'You are not allowed to use this model.' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
}

function sendError(res: ServerResponse, status: number, error: { type: string; code: string | null; message: string }, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_fake', ...headers })
  res.end(JSON.stringify({ error: { message: error.message, type: error.type, param: null, code: error.code } }))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = []
  for await (const part of req) parts.push(part as Buffer)
  return Buffer.concat(parts).toString('utf8')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function startOpenAiFake(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  const basePath = (options.basePath ?? '/v1').replace(/\/+$/, '')
  const models = options.models ?? ['gpt-4o-mini', 'o4-mini']
  const reasoningField = options.reasoningField ?? 'reasoning_content'
  const requests: RecordedRequest[] = []
  let replies: OpenAiReply[] = [{ text: ['Hello', ' from', ' the fake.'] }]
  let served = 0
  let fault: Fault = { kind: 'none' }
  let faultTimes: number | undefined
  let faultEverything = false
  let aborted = 0

  /** The fault for this request, counting it down for chat requests. */
  function takeFault(kind: Kind): Fault {
    if (fault.kind === 'none' || (kind === 'models' && !faultEverything)) return { kind: 'none' }
    const current = fault
    if (kind !== 'models' && faultTimes !== undefined && --faultTimes <= 0) {
      fault = { kind: 'none' }
      faultTimes = undefined
    }
    return current
  }

  /** Answers a fault that ends the request before any reply; false when the reply should stream. */
  function answerFault(current: Fault, res: ServerResponse): boolean {
    if (current.kind === 'status') {
      const body = ERROR_BODIES[current.status]!
      sendError(res, current.status, { ...body, message: current.message ?? body.message })
      return true
    }
    if (current.kind === 'rate-limit') {
      sendError(res, 429, { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests per minute.' }, { 'retry-after': String(current.retryAfterSeconds) })
      return true
    }
    return current.kind === 'hang'
  }

  async function stream(res: ServerResponse, frames: Frame[], current: Fault, delayMs: number, destroy: () => void): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req_fake' })
    res.flushHeaders()
    let textSent = 0
    for (const frame of [...frames, null]) {
      if (res.destroyed) return
      if ((current.kind === 'disconnect' || current.kind === 'malformed') && textSent >= current.afterChunks && (frame === null || frame.text)) {
        if (current.kind === 'disconnect') return destroy()
        res.end(encodeFrame({ event: frame?.event, data: '{"choices": [ {"delta": not json' }))
        return
      }
      if (frame === null) break
      res.write(encodeFrame(frame))
      if (frame.text) textSent++
      if (delayMs > 0) await sleep(delayMs)
    }
    res.end()
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const raw = await readBody(req)
    let body: unknown = raw || undefined
    if (raw && /json/.test(req.headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(raw)
      } catch {
        return sendError(res, 400, { type: 'invalid_request_error', code: null, message: 'We could not parse the JSON body of your request.' })
      }
    }
    requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: { ...req.headers }, body })
    const route = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : url.pathname
    const kind: Kind | null =
      req.method === 'GET' && route === '/models' ? 'models' : req.method === 'POST' && route === '/chat/completions' ? 'chat' : req.method === 'POST' && route === '/responses' ? 'responses' : null
    if (kind === null || !url.pathname.startsWith(`${basePath}/`)) {
      return sendError(res, 404, { type: 'invalid_request_error', code: 'unknown_url', message: `Unknown request URL: ${req.method} ${url.pathname}.` })
    }
    let destroyedByUs = false
    // Let what was written reach the client first: destroying at once would drop unflushed chunks.
    const destroy = () => {
      destroyedByUs = true
      res.write('', () => setTimeout(() => req.socket.destroy(), 20))
    }
    if (kind !== 'models') res.on('close', () => !res.writableFinished && !destroyedByUs && aborted++)
    const current = takeFault(kind)
    if (answerFault(current, res)) return
    if (kind === 'models') {
      if (current.kind === 'disconnect') return destroy()
      res.writeHead(200, { 'content-type': 'application/json' })
      if (current.kind === 'malformed') return void res.end('{"object": "list", "data": [')
      const data = models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake', ...options.modelDetails?.[id] }))
      return void res.end(JSON.stringify({ object: 'list', data }))
    }
    const request = (typeof body === 'object' && body !== null ? body : {}) as { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } }
    const model = typeof request.model === 'string' ? request.model : ''
    if (models.length > 0 && !models.includes(model)) {
      return sendError(res, 404, { type: 'invalid_request_error', code: 'model_not_found', message: `The model \`${model}\` does not exist or you do not have access to it.` })
    }
    if (request.stream !== true) {
      return sendError(res, 400, { type: 'invalid_request_error', code: null, message: 'This fake only streams; send stream: true.' })
    }
    const reply = replies[Math.min(served++, replies.length - 1)]!
    const context = {
      model,
      includeUsage: kind === 'responses' || request.stream_options?.include_usage === true,
      reasoningField,
      estimatedInputTokens: Math.ceil(raw.length / 4),
      serial: served,
    }
    const frames = kind === 'chat' ? chatCompletionFrames(reply, context) : responsesFrames(reply, context)
    await stream(res, frames, current, reply.chunkDelayMs ?? 0, destroy)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    models,
    requests,
    get aborted() {
      return aborted
    },
    script(...next: OpenAiReply[]) {
      if (next.length === 0) throw new Error('script() needs at least one reply')
      replies = next
      served = 0
    },
    fault(next: Fault, faultOptions: { times?: number; everything?: boolean } = {}) {
      fault = next
      faultTimes = faultOptions.times
      faultEverything = faultOptions.everything ?? false
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
