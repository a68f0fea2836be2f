import Anthropic, { APIError } from '@anthropic-ai/sdk'
import type { ModelInfo } from '@anthropic-ai/sdk/resources/models'
import type { ContentBlockParam, ImageBlockParam, MessageCreateParamsStreaming, MessageParam, StopReason, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages'
import { AppError, CancelledError, NetworkError, ValidationError } from '../errors'
import { withKnown } from './capabilities'
import { AuthError, BadResponseError } from './errors'
import { mapHttpFailure, mapTransportError } from './map-error'
import { requestFetch } from './sdk-fetch'
import { argumentsObject } from './tool-arguments'
import type { ChatChunk, ChatProvider, ChatRequest, FinishReason, ProbeResult, ProviderDeps, ProviderFactory, ProviderMessage, ProviderModel } from './types'

/** Anthropic's Messages API through @anthropic-ai/sdk, streamed. */

export const DEFAULT_ANTHROPIC_URL = 'https://api.anthropic.com'
const DEFAULT_MAX_TOKENS = 8192
const MIN_THINKING_BUDGET = 1024
/**
 * Prompt caching pays only for long prompts: a breakpoint below the model's minimum cacheable
 * length (1,024–4,096 tokens) is ignored, and a cache write costs 1.25× the input price. About
 * 4k characters is where a prompt can start to reach that minimum.
 */
const CACHE_MIN_CHARS = 4000
/** Models that choose their own thinking budget (the SDK warns that a fixed budget is deprecated there). */
const ADAPTIVE_THINKING = /^claude-(opus-4-[6-9]|mythos)/
const EPHEMERAL = { type: 'ephemeral' } as const
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const

/** The status an in-stream `error` event stands for (it arrives on a 200 response). */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
}

export const createAnthropicProvider: ProviderFactory = (deps) => new AnthropicProvider(deps)

class AnthropicProvider implements ChatProvider {
  readonly kind = 'anthropic' as const
  readonly id: string
  private readonly name: string
  private readonly now: () => number
  private readonly sdk: Anthropic | undefined

  constructor(deps: ProviderDeps) {
    this.id = deps.config.id
    this.name = deps.config.name
    this.now = deps.now ?? Date.now
    // The SDK can read keys, profiles and a base URL from the environment; an explicit key and
    // base URL keep it from looking, so without a key we make no client at all.
    this.sdk = deps.apiKey
      ? new Anthropic({
          apiKey: deps.apiKey,
          baseURL: (deps.config.baseUrl?.trim() || DEFAULT_ANTHROPIC_URL).replace(/\/+$/, '').replace(/\/v1$/, ''),
          fetch: requestFetch(deps.fetch, { timeoutMs: deps.config.timeoutMs }),
          // Our resilience layer retries, with the breaker and fallback chain in view.
          maxRetries: 0,
          // No spans and no traceparent header to a third party.
          openTelemetry: false,
          logLevel: 'off',
        })
      : undefined
  }

  private client(): Anthropic {
    if (!this.sdk) throw new AuthError(this.name, { hint: 'Add your Anthropic API key in Providers & Health.' })
    return this.sdk
  }

  private mapError(error: unknown, model: string, signal: AbortSignal | undefined): AppError {
    if (signal?.aborted || error instanceof AppError) return mapTransportError(this.name, error, signal)
    // Before mapTransportError, whose network pattern also matches "Unterminated string in JSON".
    if (error instanceof SyntaxError) return new BadResponseError(this.name, 'malformed data', { cause: error })
    if (error instanceof APIError) {
      const status = error.status ?? (error.type ? STATUS_OF_TYPE[error.type] : undefined)
      if (status !== undefined) return mapHttpFailure(this.name, model, { status, message: error.apiMessage ?? error.message, headers: error.headers, type: error.type ?? undefined })
    }
    return mapTransportError(this.name, error, signal)
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk> {
    const params = toAnthropicRequest(request)
    const tools = new Map<number, { id: string; name: string; json: string }>()
    const usage = { input: 0, cached: 0, written: 0, output: 0 }
    let stop: StopReason | null = null
    let ended = false
    try {
      const stream = await this.client().messages.create({ ...params, stream: true }, { signal })
      for await (const event of stream) {
        switch (event.type) {
          case 'message_start': {
            const u = event.message.usage
            Object.assign(usage, { input: u.input_tokens ?? 0, cached: u.cache_read_input_tokens ?? 0, written: u.cache_creation_input_tokens ?? 0, output: u.output_tokens ?? 0 })
            break
          }
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') tools.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' })
            break
          case 'content_block_delta': {
            const { delta } = event
            if (delta.type === 'text_delta') yield { type: 'text', text: delta.text }
            else if (delta.type === 'thinking_delta') yield { type: 'reasoning', text: delta.thinking }
            else if (delta.type === 'input_json_delta') {
              const tool = tools.get(event.index)
              if (tool) tool.json += delta.partial_json
            }
            break
          }
          case 'content_block_stop': {
            const tool = tools.get(event.index)
            if (tool) {
              tools.delete(event.index)
              yield { type: 'tool_call', call: { id: tool.id, name: tool.name, arguments: this.parseArguments(tool.json) } }
            }
            break
          }
          case 'message_delta':
            stop = event.delta.stop_reason
            if (event.usage.output_tokens != null) usage.output = event.usage.output_tokens
            break
          case 'message_stop':
            ended = true
            break
        }
      }
      // The SDK ends the stream quietly when it is aborted.
      if (signal.aborted) throw new CancelledError('Stopped.')
      if (!ended) throw new NetworkError(`${this.name} closed the stream before the reply ended.`)
    } catch (error) {
      throw this.mapError(error, request.model, signal)
    }
    // The API counts cache reads and writes apart from input_tokens; the whole prompt is their sum.
    const inputTokens = usage.input + usage.cached + usage.written
    yield {
      type: 'usage',
      usage: { inputTokens, outputTokens: usage.output, ...(usage.cached ? { cachedTokens: usage.cached } : {}), ...(usage.written ? { cacheWriteTokens: usage.written } : {}) },
    }
    yield { type: 'done', finishReason: finishOf(stop) }
  }

  private parseArguments(json: string): unknown {
    if (!json.trim()) return {}
    try {
      return JSON.parse(json) as unknown
    } catch (error) {
      throw new BadResponseError(this.name, 'tool arguments that are not JSON', { cause: error })
    }
  }

  async listModels(signal?: AbortSignal): Promise<ProviderModel[]> {
    const models: ProviderModel[] = []
    try {
      for await (const info of this.client().models.list({ limit: 100 }, { signal })) models.push(toModel(info))
    } catch (error) {
      throw this.mapError(error, '', signal)
    }
    return models
  }

  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    const started = this.now()
    try {
      await this.client().models.list({ limit: 1 }, { signal })
      return { ok: true, latencyMs: Math.max(0, this.now() - started) }
    } catch (error) {
      return { ok: false, latencyMs: null, error: this.mapError(error, '', signal) }
    }
  }
}

function toModel(info: ModelInfo): ProviderModel {
  const caps = info.capabilities
  return {
    id: info.id,
    name: info.display_name || info.id,
    capabilities: withKnown(info.id, {
      vision: caps?.image_input?.supported,
      reasoning: caps?.thinking?.supported,
      contextWindow: info.max_input_tokens ?? undefined,
    }),
  }
}

function finishOf(stop: StopReason | null): FinishReason {
  switch (stop) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop'
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'tool_use':
      return 'tool_calls'
    case 'refusal':
      return 'content_filter'
    default:
      return 'other'
  }
}

export function toAnthropicRequest(request: ChatRequest): Omit<MessageCreateParamsStreaming, 'stream'> {
  const systemText = request.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n')
  const messages = mergeTurns(request.messages.filter((m) => m.role !== 'system').flatMap(toParam))
  const long = request.messages.reduce((sum, m) => sum + m.content.length, 0) > CACHE_MIN_CHARS
  // Two breakpoints: the system prompt is the prefix every turn shares, and the end of this
  // conversation is where the next turn's prompt will read the cache up to.
  const system: TextBlockParam[] | undefined = systemText ? [{ type: 'text', text: systemText, ...(long ? { cache_control: EPHEMERAL } : {}) }] : undefined
  if (long) markLastBlock(messages)
  let maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS
  let thinking: MessageCreateParamsStreaming['thinking']
  if (request.reasoning) {
    maxTokens = Math.max(maxTokens, 2 * MIN_THINKING_BUDGET)
    thinking = ADAPTIVE_THINKING.test(request.model)
      ? { type: 'adaptive' }
      : { type: 'enabled', budget_tokens: Math.max(MIN_THINKING_BUDGET, Math.min(16_000, Math.floor(maxTokens / 2))) }
  }
  return {
    model: request.model,
    max_tokens: maxTokens,
    messages,
    ...(system ? { system } : {}),
    ...(request.tools?.length ? { tools: request.tools.map((t): Tool => ({ name: t.name, description: t.description, input_schema: t.parameters as Tool['input_schema'] })) } : {}),
    // Extended thinking accepts no temperature other than the default.
    ...(request.temperature !== undefined && !thinking ? { temperature: request.temperature } : {}),
    ...(request.topP === undefined ? {} : { top_p: request.topP }),
    ...(request.topK === undefined ? {} : { top_k: request.topK }),
    ...(request.stop?.length ? { stop_sequences: request.stop } : {}),
    ...(request.reasoningEffort === undefined ? {} : { output_config: { effort: request.reasoningEffort } }),
    ...(thinking ? { thinking } : {}),
  }
}

interface Turn {
  role: 'user' | 'assistant'
  content: ContentBlockParam[]
}

function toParam(message: ProviderMessage): Turn[] {
  if (message.role === 'tool') {
    if (!message.toolCallId) throw new ValidationError('A tool result for Anthropic needs the id of the call it answers.', [{ path: 'toolCallId', message: 'missing' }])
    return [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }] }]
  }
  const blocks: ContentBlockParam[] = (message.images ?? []).map(imageBlock)
  if (message.content) blocks.push({ type: 'text', text: message.content })
  for (const [i, call] of (message.toolCalls ?? []).entries()) {
    blocks.push({ type: 'tool_use', id: call.id ?? `toolu_${i}`, name: call.name, input: argumentsObject(call.arguments) })
  }
  // The API refuses empty turns; an empty one carries nothing anyway.
  return blocks.length ? [{ role: message.role === 'assistant' ? 'assistant' : 'user', content: blocks }] : []
}

function imageBlock(image: { mime: string; data: string }): ImageBlockParam {
  const mime = IMAGE_TYPES.find((t) => t === image.mime)
  if (!mime) throw new ValidationError(`Anthropic takes PNG, JPEG, WebP or GIF pictures, not ${image.mime}.`, [{ path: 'images', message: 'unsupported type' }])
  return { type: 'image', source: { type: 'base64', media_type: mime, data: image.data } }
}

/** Consecutive turns of one role become one (tool results then the next question, for example). */
function mergeTurns(messages: Turn[]): MessageParam[] {
  const out: Turn[] = []
  for (const message of messages) {
    const previous = out.at(-1)
    if (previous && previous.role === message.role) previous.content.push(...message.content)
    else out.push({ role: message.role, content: [...message.content] })
  }
  return out
}

function markLastBlock(messages: MessageParam[]): void {
  const last = messages.at(-1)?.content
  const block = Array.isArray(last) ? last.at(-1) : undefined
  if (block && block.type !== 'thinking' && block.type !== 'redacted_thinking') Object.assign(block, { cache_control: EPHEMERAL })
}
