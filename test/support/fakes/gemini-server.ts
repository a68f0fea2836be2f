import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeServerBase, field, hang, sseEvent, streamFrames, writeJson, type Frame } from './sse'
import type { Fault, ScriptedReply } from './types'

/**
 * The Gemini API (generativelanguage.googleapis.com): POST
 * /v1beta/models/{model}:streamGenerateContent?alt=sse answering `data:` GenerateContentResponse
 * chunks, GET /v1beta/models, and errors as `{ error: { code, message, status, details } }`.
 */

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
}

function sendError(res: ServerResponse, code: number, message: string, details?: unknown[], headers: Record<string, string> = {}): void {
  writeJson(res, code, { error: { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN', ...(details ? { details } : {}) } }, headers)
}

/** A model the API lists that cannot chat, to prove listing keeps only generateContent models. */
const EMBEDDING_MODEL = { name: 'models/text-embedding-004', displayName: 'Text Embedding 004', inputTokenLimit: 2048, outputTokenLimit: 1, supportedGenerationMethods: ['embedContent'] }

export class FakeGeminiServer extends FakeServerBase {
  constructor(models: string[] = ['gemini-2.5-flash', 'gemini-2.0-flash']) {
    super(models)
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake')
    const chat = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/.exec(url.pathname)
    const isChat = req.method === 'POST' && chat !== null
    const fault = this.faults.take(isChat)
    if (fault.kind === 'status') return sendError(res, fault.status, fault.message ?? `fake failure ${fault.status}`)
    if (fault.kind === 'rate-limit') {
      const retryInfo = { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${fault.retryAfterSeconds}s` }
      return sendError(res, 429, 'Rate limit exceeded for generate_content requests per minute. Please retry later.', [retryInfo], { 'retry-after': String(fault.retryAfterSeconds) })
    }
    if (fault.kind === 'hang') return hang(res, this.countAbort)
    if (!req.headers['x-goog-api-key'] && !url.searchParams.get('key')) return sendError(res, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.")
    if (req.method === 'GET' && url.pathname === '/v1beta/models') return this.list(res)
    if (isChat) return this.generate(res, decodeURIComponent(chat[1]!), body, fault)
    sendError(res, 404, `Method not found: ${url.pathname}`)
  }

  private list(res: ServerResponse): void {
    const models = this.models.map((id) => ({
      name: `models/${id}`,
      version: '001',
      displayName: id.replace(/^gemini-/, 'Gemini ').replace(/-/g, ' '),
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent'],
      thinking: id.startsWith('gemini-2.5'),
    }))
    writeJson(res, 200, { models: [...models, EMBEDDING_MODEL] })
  }

  private async generate(res: ServerResponse, model: string, body: unknown, fault: Fault): Promise<void> {
    if (!this.models.includes(model)) return sendError(res, 404, `models/${model} is not found for API version v1beta, or is not supported for generateContent.`)
    const reply = this.nextReply()
    const thinking = (field(field(body, 'generationConfig'), 'thinkingConfig') as { includeThoughts?: boolean } | undefined)?.includeThoughts === true
    await streamFrames(res, this.frames(model, reply, thinking), {
      contentType: 'text/event-stream',
      fault,
      malformed: 'data: {"candidates": [{"content": {"parts": [{"text": "br\r\n\r\n',
      delayMs: reply.chunkDelayMs ?? 0,
      onClientAbort: this.countAbort,
    })
  }

  private frames(model: string, reply: ScriptedReply, thinking: boolean): Frame[] {
    const usage = reply.usage ?? { inputTokens: 9, outputTokens: reply.text.length }
    const thoughts = thinking ? (reply.reasoning ?? []) : []
    const thoughtTokens = thoughts.length * 3
    const responseId = `fake-${Math.random().toString(36).slice(2, 10)}`
    const chunk = (parts: unknown[], extra: Record<string, unknown> = {}) =>
      sseEvent(null, { candidates: [{ content: { parts, role: 'model' }, index: 0, ...extra }], usageMetadata: { promptTokenCount: usage.inputTokens, totalTokenCount: usage.inputTokens }, modelVersion: model, responseId }, '\r\n')
    const frames: Frame[] = [
      ...thoughts.map((text): Frame => ({ kind: 'text', data: chunk([{ text, thought: true }]) })),
      ...reply.text.map((text): Frame => ({ kind: 'text', data: chunk([{ text }]) })),
    ]
    if (reply.toolCall) frames.push({ kind: 'text', data: chunk([{ functionCall: { name: reply.toolCall.name, args: reply.toolCall.arguments } }]) })
    const usageMetadata = {
      promptTokenCount: usage.inputTokens,
      candidatesTokenCount: usage.outputTokens,
      totalTokenCount: usage.inputTokens + usage.outputTokens + thoughtTokens,
      ...(thoughtTokens ? { thoughtsTokenCount: thoughtTokens } : {}),
      ...(usage.cachedTokens ? { cachedContentTokenCount: usage.cachedTokens } : {}),
    }
    const finishReason = this.takeFinish('STOP')
    frames.push({
      kind: 'tail',
      data: sseEvent(null, { candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason, index: 0 }], usageMetadata, modelVersion: model, responseId }, '\r\n'),
    })
    return frames
  }
}

export async function startFakeGemini(models?: string[]): Promise<FakeGeminiServer> {
  return new FakeGeminiServer(models).listen()
}
