import { ApiError, GoogleGenAI, type Content, type GenerateContentConfig, type GenerateContentResponseUsageMetadata, type Model, type Part } from '@google/genai'
import { AppError, CancelledError, NetworkError, ValidationError } from '../errors'
import { withKnown } from './capabilities'
import { THINKING_BUDGET } from './parameters'
import { AuthError, BadResponseError, ContentFilteredError, ContextTooLongError, RateLimitedError } from './errors'
import { mapHttpFailure, mapTransportError } from './map-error'
import { requestFetch } from './sdk-fetch'
import type { ChatChunk, ChatProvider, ChatRequest, FinishReason, ProbeResult, ProviderDeps, ProviderFactory, ProviderMessage, ProviderModel } from './types'

/** Google's Gemini API through @google/genai, streamed with generateContentStream. */

export const DEFAULT_GEMINI_URL = 'https://generativelanguage.googleapis.com'
/** Finish reasons that mean the answer was withheld, not finished. */
const WITHHELD = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'IMAGE_SAFETY'])

export const createGeminiProvider: ProviderFactory = (deps) => new GeminiProvider(deps)

interface GeminiErrorBody {
  message?: string
  status?: string
  details?: { '@type'?: string; retryDelay?: string }[]
}

/** The SDK puts the server's JSON error in `message` (after a prefix for in-stream errors). */
function errorBody(message: string): GeminiErrorBody {
  const start = message.indexOf('{')
  if (start < 0) return { message }
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: GeminiErrorBody }
    return parsed.error ?? { message }
  } catch {
    return { message }
  }
}

/** RetryInfo's `retryDelay` ("17s", "0.5s") in ms. */
function retryDelayMs(body: GeminiErrorBody): number | undefined {
  const delay = body.details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay
  const seconds = delay ? Number.parseFloat(delay) : NaN
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined
}

class GeminiProvider implements ChatProvider {
  readonly kind = 'gemini' as const
  readonly id: string
  private readonly deps: ProviderDeps
  private readonly name: string
  private readonly baseUrl: string

  constructor(deps: ProviderDeps) {
    this.deps = deps
    this.id = deps.config.id
    this.name = deps.config.name
    this.baseUrl = (deps.config.baseUrl?.trim() || DEFAULT_GEMINI_URL).replace(/\/+$/, '').replace(/\/v1(beta)?$/, '')
  }

  /**
   * One client per request, so the response headers (Retry-After, which the SDK's ApiError
   * drops) belong to this request. Everything the SDK would read from the environment (key,
   * Vertex switch, base URL, API version) is given explicitly.
   */
  private client(onResponse?: (response: Response) => void): GoogleGenAI {
    if (!this.deps.apiKey) throw new AuthError(this.name, { hint: 'Add your Gemini API key in Providers & Health.' })
    return new GoogleGenAI({
      apiKey: this.deps.apiKey,
      vertexai: false,
      apiVersion: 'v1beta',
      httpOptions: { baseUrl: this.baseUrl, apiVersion: 'v1beta', fetch: requestFetch(this.deps.fetch, { timeoutMs: this.deps.config.timeoutMs, onResponse }) },
    })
  }

  private mapError(error: unknown, model: string, signal: AbortSignal | undefined, response?: Response): AppError {
    if (signal?.aborted || error instanceof AppError) return mapTransportError(this.name, error, signal)
    // Before mapTransportError, whose network pattern also matches "Unterminated string in JSON".
    if (error instanceof SyntaxError) return new BadResponseError(this.name, 'malformed data', { cause: error })
    if (error instanceof ApiError) {
      const body = errorBody(error.message)
      const cause = { status: error.status, message: body.message?.slice(0, 500), type: body.status }
      // A short-term limit comes with RetryInfo, even when its text speaks of "quota".
      const delay = retryDelayMs(body)
      if (error.status === 429 && delay !== undefined) return new RateLimitedError(this.name, delay, { cause })
      // Gemini answers a wrong key with 400 INVALID_ARGUMENT rather than 401.
      if (error.status === 400 && /API key not valid|API_KEY_INVALID/i.test(error.message)) return new AuthError(this.name, { cause })
      // Its wording for an over-long prompt is not one the shared mapper knows.
      if (error.status === 400 && /token count.*exceeds|exceeds the maximum number of tokens/i.test(body.message ?? '')) return new ContextTooLongError(this.name, { cause })
      return mapHttpFailure(this.name, model, { status: error.status, message: body.message, type: body.status, headers: response?.headers })
    }
    return mapTransportError(this.name, error, signal)
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk> {
    let response: Response | undefined
    let usage: GenerateContentResponseUsageMetadata | undefined
    let finish: string | undefined
    let calls = 0
    try {
      const { contents, config } = toGeminiRequest(request)
      const stream = await this.client((r) => (response = r)).models.generateContentStream({
        model: request.model,
        contents,
        // Continuation would resend a dropped stream behind our back; our resilience layer decides.
        config: { ...config, abortSignal: signal, automaticContinuation: false, automaticFunctionCalling: { disable: true } },
      })
      for await (const chunk of stream) {
        if (chunk.promptFeedback?.blockReason) throw new ContentFilteredError(this.name, { cause: { blockReason: chunk.promptFeedback.blockReason } })
        if (chunk.usageMetadata) usage = chunk.usageMetadata
        const candidate = chunk.candidates?.[0]
        for (const part of candidate?.content?.parts ?? []) {
          if (part.functionCall) {
            calls++
            const { id, name, args } = part.functionCall
            yield { type: 'tool_call', call: { id: id || `call_${calls}`, name: name ?? '', arguments: args ?? {} } }
          } else if (part.text) {
            yield { type: part.thought ? 'reasoning' : 'text', text: part.text }
          }
        }
        if (candidate?.finishReason) finish = candidate.finishReason
      }
      if (signal.aborted) throw new CancelledError('Stopped.')
      if (finish && WITHHELD.has(finish)) throw new ContentFilteredError(this.name, { cause: { finishReason: finish } })
      if (!finish) throw new NetworkError(`${this.name} closed the stream before the reply ended.`)
    } catch (error) {
      throw this.mapError(error, request.model, signal, response)
    }
    const cached = usage?.cachedContentTokenCount ?? 0
    yield {
      type: 'usage',
      usage: {
        inputTokens: usage?.promptTokenCount ?? 0,
        // Thinking is billed as output.
        outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
        ...(cached ? { cachedTokens: cached } : {}),
      },
    }
    yield { type: 'done', finishReason: finishOf(finish, calls) }
  }

  async listModels(signal?: AbortSignal): Promise<ProviderModel[]> {
    const models: ProviderModel[] = []
    try {
      const pager = await this.client().models.list({ config: { pageSize: 100, abortSignal: signal } })
      for await (const model of pager) if (model.supportedActions?.includes('generateContent')) models.push(toModel(model))
    } catch (error) {
      throw this.mapError(error, '', signal)
    }
    return models
  }

  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    const now = this.deps.now ?? Date.now
    const started = now()
    try {
      await this.client().models.list({ config: { pageSize: 1, abortSignal: signal } })
      return { ok: true, latencyMs: Math.max(0, now() - started) }
    } catch (error) {
      return { ok: false, latencyMs: null, error: this.mapError(error, '', signal) }
    }
  }
}

function toModel(model: Model): ProviderModel {
  const id = (model.name ?? '').replace(/^models\//, '')
  return { id, name: model.displayName || id, capabilities: withKnown(id, { reasoning: model.thinking, contextWindow: model.inputTokenLimit }) }
}

function finishOf(reason: string | undefined, calls: number): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length'
  if (calls > 0) return 'tool_calls'
  if (reason === 'STOP') return 'stop'
  return reason === 'RECITATION' ? 'content_filter' : 'other'
}

export function toGeminiRequest(request: ChatRequest): { contents: Content[]; config: GenerateContentConfig } {
  const system = request.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n')
  const contents: Content[] = []
  for (const message of request.messages) {
    if (message.role === 'system') continue
    const parts = partsOf(message)
    if (parts.length === 0) continue
    const role = message.role === 'assistant' ? 'model' : 'user'
    const previous = contents.at(-1)
    // Consecutive turns of one role become one (tool results then the next question).
    if (previous?.role === role) previous.parts!.push(...parts)
    else contents.push({ role, parts })
  }
  const config: GenerateContentConfig = {}
  if (system) config.systemInstruction = system
  if (request.temperature !== undefined) config.temperature = request.temperature
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens
  if (request.topP !== undefined) config.topP = request.topP
  if (request.topK !== undefined) config.topK = request.topK
  if (request.seed !== undefined) config.seed = request.seed
  if (request.stop?.length) config.stopSequences = request.stop
  if (request.tools?.length) config.tools = [{ functionDeclarations: request.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters })) }]
  if (request.reasoning || request.reasoningEffort) {
    config.thinkingConfig = { ...(request.reasoning ? { includeThoughts: true } : {}), ...(request.reasoningEffort ? { thinkingBudget: THINKING_BUDGET[request.reasoningEffort] } : {}) }
  }
  return { contents, config }
}

function partsOf(message: ProviderMessage): Part[] {
  if (message.role === 'tool') {
    if (!message.toolName) throw new ValidationError('A tool result for Gemini needs the name of the tool it answers.', [{ path: 'toolName', message: 'missing' }])
    return [{ functionResponse: { name: message.toolName, response: { output: parsedOrText(message.content) } } }]
  }
  const parts: Part[] = (message.images ?? []).map((image) => ({ inlineData: { mimeType: image.mime, data: image.data } }))
  if (message.content) parts.push({ text: message.content })
  for (const call of message.toolCalls ?? []) parts.push({ functionCall: { name: call.name, args: argumentsObject(call.arguments) } })
  return parts
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function argumentsObject(value: unknown): Record<string, unknown> {
  const parsed = typeof value === 'string' ? parsedOrText(value) : value
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  return typeof value === 'string' ? { input: value } : {}
}
