import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeServerBase, field, hang, sseEvent, streamFrames, writeJson, type Frame } from './sse'
import type { Fault, ScriptedReply } from './types'

/**
 * Anthropic's Messages API: SSE POST /v1/messages (message_start, content_block_start/delta/stop,
 * ping, message_delta, message_stop), GET /v1/models, and errors in its JSON envelope
 * `{ type: 'error', error: { type, message }, request_id }`.
 */

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
}

let requestCounter = 0

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const requestId = `req_fake${++requestCounter}`
  writeJson(res, status, { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message }, request_id: requestId }, { 'request-id': requestId, ...headers })
}

/** True when any system or message block asks for a cache breakpoint. */
function hasCacheControl(body: unknown): boolean {
  return JSON.stringify(body ?? null).includes('"cache_control"')
}

export class FakeAnthropicServer extends FakeServerBase {
  constructor(models: string[] = ['claude-sonnet-4-6', 'claude-haiku-4-5']) {
    super(models)
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    const isChat = req.method === 'POST' && path === '/v1/messages'
    const fault = this.faults.take(isChat)
    if (fault.kind === 'status') return sendError(res, fault.status, fault.message ?? `fake failure ${fault.status}`)
    if (fault.kind === 'rate-limit') {
      return sendError(res, 429, 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': String(fault.retryAfterSeconds) })
    }
    if (fault.kind === 'hang') return hang(res, this.countAbort)
    if (!req.headers['x-api-key'] && !req.headers.authorization) return sendError(res, 401, 'x-api-key header is required')
    if (req.method === 'GET' && path === '/v1/models') return this.list(res)
    if (isChat) return this.messages(res, body, fault)
    sendError(res, 404, `Not found: ${path}`)
  }

  private list(res: ServerResponse): void {
    const data = this.models.map((id) => ({ type: 'model', id, display_name: id.replace(/^claude-/, 'Claude ').replace(/-/g, ' '), created_at: '2025-09-29T00:00:00Z', max_input_tokens: 200_000, max_tokens: 64_000 }))
    writeJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null })
  }

  private async messages(res: ServerResponse, body: unknown, fault: Fault): Promise<void> {
    const model = String(field(body, 'model') ?? '')
    if (!this.models.includes(model)) return sendError(res, 404, `model: ${model}`)
    if (typeof field(body, 'max_tokens') !== 'number') return sendError(res, 400, 'max_tokens: Field required')
    const reply = this.nextReply()
    const thinkingType = (field(body, 'thinking') as { type?: string } | undefined)?.type
    const thinking = thinkingType === 'enabled' || thinkingType === 'adaptive'
    await streamFrames(res, this.frames(model, reply, thinking, hasCacheControl(body)), {
      contentType: 'text/event-stream; charset=utf-8',
      fault,
      malformed: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n',
      delayMs: reply.chunkDelayMs ?? 0,
      onClientAbort: this.countAbort,
    })
  }

  private frames(model: string, reply: ScriptedReply, thinking: boolean, cacheMarked: boolean): Frame[] {
    const usage = reply.usage ?? { inputTokens: 25, outputTokens: reply.text.length }
    const cached = usage.cachedTokens ?? 0
    // A marked prompt that was not read from the cache is written to it.
    const written = cacheMarked && cached === 0 ? usage.inputTokens : 0
    const frames: Frame[] = [
      {
        kind: 'head',
        data: sseEvent('message_start', {
          type: 'message_start',
          message: {
            id: `msg_fake${++requestCounter}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: usage.inputTokens - cached - written, cache_creation_input_tokens: written, cache_read_input_tokens: cached, output_tokens: 1 },
          },
        }),
      },
      { kind: 'head', data: sseEvent('ping', { type: 'ping' }) },
    ]
    let index = 0
    const block = (start: unknown, deltas: unknown[]) => {
      frames.push({ kind: 'head', data: sseEvent('content_block_start', { type: 'content_block_start', index, content_block: start }) })
      for (const delta of deltas) frames.push({ kind: 'text', data: sseEvent('content_block_delta', { type: 'content_block_delta', index, delta }) })
      frames.push({ kind: 'tail', data: sseEvent('content_block_stop', { type: 'content_block_stop', index }) })
      index++
    }
    if (thinking && reply.reasoning?.length) {
      block({ type: 'thinking', thinking: '', signature: '' }, [
        ...reply.reasoning.map((text) => ({ type: 'thinking_delta', thinking: text })),
        { type: 'signature_delta', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
      ])
    }
    if (reply.text.length) block({ type: 'text', text: '' }, reply.text.map((text) => ({ type: 'text_delta', text })))
    if (reply.toolCall) {
      const json = JSON.stringify(reply.toolCall.arguments)
      const half = Math.ceil(json.length / 2)
      block({ type: 'tool_use', id: reply.toolCall.id, name: reply.toolCall.name, input: {} }, [
        { type: 'input_json_delta', partial_json: '' },
        { type: 'input_json_delta', partial_json: json.slice(0, half) },
        { type: 'input_json_delta', partial_json: json.slice(half) },
      ])
    }
    const stopReason = this.takeFinish(reply.toolCall ? 'tool_use' : 'end_turn')
    frames.push({ kind: 'tail', data: sseEvent('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.outputTokens } }) })
    frames.push({ kind: 'tail', data: sseEvent('message_stop', { type: 'message_stop' }) })
    return frames
  }
}

export async function startFakeAnthropic(models?: string[]): Promise<FakeAnthropicServer> {
  return new FakeAnthropicServer(models).listen()
}
