import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai'
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import type { ProviderKind } from '../../../src-shared/contract'
import { AppError, ValidationError } from '../errors'
import { BadResponseError, ContentFilteredError, NetworkError, TimeoutError } from './errors'
import { mapHttpFailure, mapTransportError } from './map-error'
import type { ChatChunk, ChatRequest, FinishReason, ProviderMessage, ProviderToolCall, ProviderUsage } from './types'

/** What an OpenAI SDK client for one provider is made from. */
export interface OpenAiClientSetup {
  baseUrl: string
  apiKey?: string
  /** Already routed through the provider's proxy setting. */
  fetch: typeof fetch
  timeoutMs: number
}

/** The SDK refuses to start without some key; this one never leaves the process (see withoutAuthorization). */
const NO_KEY = 'no-key-configured'

/** Local servers (llama.cpp, LM Studio) want no Authorization header at all, not a made-up one. */
function withoutAuthorization(inner: typeof fetch): typeof fetch {
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const headers = new Headers(init?.headers)
    headers.delete('authorization')
    return inner(input, { ...init, headers })
  }) as typeof fetch
}

export function createOpenAiClient(setup: OpenAiClientSetup): OpenAI {
  return new OpenAI({
    apiKey: setup.apiKey || NO_KEY,
    baseURL: setup.baseUrl,
    // Explicit nulls, so OPENAI_* variables of the user's shell never leak into a provider.
    organization: null,
    project: null,
    adminAPIKey: null,
    fetch: setup.apiKey ? setup.fetch : withoutAuthorization(setup.fetch),
    // The router retries (with backoff and fallbacks); the SDK must not retry underneath it.
    maxRetries: 0,
    timeout: setup.timeoutMs,
    // The SDK logs to the console at 'warn' (or $OPENAI_LOG) by default; failures reach the user as AppErrors instead.
    logLevel: 'off',
  })
}

/** Error codes a server puts in an error event inside a stream (no HTTP status there), as the status they stand for. */
const STREAM_ERROR_STATUS: [RegExp, number][] = [
  [/rate_limit/i, 429],
  [/quota|billing|credit/i, 402],
  [/api_key|auth|unauthori[sz]ed/i, 401],
  [/model_not_found|not_found/i, 404],
  [/context_length|too_long|too_many_tokens/i, 413],
  [/content_filter|content_policy|safety|moderation/i, 400],
  [/timeout|timed_out/i, 504],
]

/** Any failure of an OpenAI SDK call as the AppError the router and the user act on. */
export function mapOpenAiError(name: string, model: string, error: unknown, signal?: AbortSignal): AppError {
  if (error instanceof AppError) return error
  if (signal?.aborted) return mapTransportError(name, error, signal)
  if (error instanceof APIConnectionTimeoutError) return new TimeoutError(`${name} did not answer in time.`, { cause: error, hint: 'The server may be overloaded or the model still loading; try again or raise the timeout.' })
  if (error instanceof APIConnectionError) {
    const mapped = mapTransportError(name, error.cause ?? error, signal)
    return mapped.code === 'E_BAD_RESPONSE' ? new NetworkError(`Could not reach ${name}.`, { cause: error }) : mapped
  }
  if (error instanceof APIError) {
    const body = error.error as { message?: unknown } | undefined
    const message = typeof body?.message === 'string' ? body.message : error.message
    const type = error.code ?? error.type ?? undefined
    const status = error.status ?? STREAM_ERROR_STATUS.find(([pattern]) => pattern.test(`${type ?? ''} ${message}`))?.[1] ?? 500
    return mapHttpFailure(name, model, { status, message, headers: error.headers, type })
  }
  return mapTransportError(name, error, signal)
}

export function dataUrl(image: { mime: string; data: string }): string {
  return `data:${image.mime};base64,${image.data}`
}

function toolCallIdOf(message: ProviderMessage, name: string): string {
  if (!message.toolCallId) throw new ValidationError(`A tool result for ${name} has no call id.`, [], 'Tool results must answer a tool call by its id.')
  return message.toolCallId
}

export function toChatMessages(messages: ProviderMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message, index): ChatCompletionMessageParam => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content }
      case 'user':
        if (!message.images?.length) return { role: 'user', content: message.content }
        return {
          role: 'user',
          content: [
            ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
            ...message.images.map((image) => ({ type: 'image_url' as const, image_url: { url: dataUrl(image) } })),
          ],
        }
      case 'assistant':
        return {
          role: 'assistant',
          content: message.content,
          ...(message.toolCalls?.length
            ? {
                tool_calls: message.toolCalls.map((call, n) => ({
                  id: call.id ?? `call_${index}_${n}`,
                  type: 'function' as const,
                  function: { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) },
                })),
              }
            : {}),
        }
      case 'tool':
        return { role: 'tool', tool_call_id: toolCallIdOf(message, message.toolName ?? 'a tool'), content: message.content }
    }
  })
}

export function chatCompletionParams(kind: ProviderKind, request: ChatRequest): ChatCompletionCreateParamsStreaming {
  return {
    model: request.model,
    messages: toChatMessages(request.messages),
    stream: true,
    stream_options: { include_usage: true },
    ...(request.tools?.length
      ? { tools: request.tools.map((tool) => ({ type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters } })) }
      : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    // OpenAI's reasoning models take only max_completion_tokens; compatible servers know max_tokens.
    ...(request.maxTokens === undefined ? {} : kind === 'openai' ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens }),
    ...standardSampling(kind, request),
  }
}

/** top_p, seed, stop and reasoning_effort as every OpenAI-style server names them; top_k only to the servers that read it (the table in parameters.ts). */
function standardSampling(kind: ProviderKind, request: ChatRequest): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  if (request.topP !== undefined) fields.top_p = request.topP
  if (request.topK !== undefined && kind === 'openai-compatible') fields.top_k = request.topK
  if (request.seed !== undefined) fields.seed = request.seed
  if (request.stop?.length) fields.stop = request.stop
  if (request.reasoningEffort !== undefined) fields.reasoning_effort = request.reasoningEffort
  return fields
}

/** Tool-call arguments arrive as a JSON string; one that does not parse is the server's fault. */
export function parseToolArguments(provider: string, call: string, raw: string): unknown {
  if (raw.trim() === '') return {}
  try {
    return JSON.parse(raw)
  } catch (error) {
    throw new BadResponseError(provider, `the arguments of tool call ${call} are not JSON`, { cause: error })
  }
}

function finishReasonOf(raw: string): FinishReason {
  if (raw === 'stop' || raw === 'length' || raw === 'tool_calls') return raw
  if (raw === 'function_call') return 'tool_calls'
  return 'other'
}

/** Delta fields servers add beyond OpenAI's: reasoning as llama.cpp, vLLM, DeepSeek and OpenRouter send it. */
interface ReasoningDelta {
  reasoning_content?: unknown
  reasoning?: unknown
}

/** Streams one Chat Completions reply as ChatChunks; every failure (also mid-stream) is an AppError. */
export async function* streamChatCompletions(client: OpenAI, name: string, kind: ProviderKind, request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
  const params = chatCompletionParams(kind, request)
  const calls = new Map<number, { id?: string; name: string; args: string }>()
  let finish: string | null = null
  let usage: ProviderUsage | undefined
  try {
    signal.throwIfAborted()
    const stream = await client.chat.completions.create(params, { signal })
    for await (const chunk of stream) {
      if (chunk.usage) {
        const cached = chunk.usage.prompt_tokens_details?.cached_tokens
        usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens, ...(cached ? { cachedTokens: cached } : {}) }
      }
      for (const choice of chunk.choices ?? []) {
        const delta = (choice.delta ?? {}) as typeof choice.delta & ReasoningDelta
        const reasoning = delta.reasoning_content ?? delta.reasoning
        if (typeof reasoning === 'string' && reasoning) yield { type: 'reasoning', text: reasoning }
        if (typeof delta.content === 'string' && delta.content) yield { type: 'text', text: delta.content }
        for (const part of delta.tool_calls ?? []) {
          const call = calls.get(part.index) ?? { name: '', args: '' }
          if (part.id) call.id = part.id
          if (part.function?.name) call.name += part.function.name
          if (part.function?.arguments) call.args += part.function.arguments
          calls.set(part.index, call)
        }
        if (choice.finish_reason) finish = choice.finish_reason
      }
    }
  } catch (error) {
    throw mapOpenAiError(name, request.model, error, signal)
  }
  // The SDK ends the stream quietly when it is aborted; a stop is still a stop.
  if (signal.aborted) throw mapTransportError(name, signal.reason, signal)
  if (finish === null) throw new NetworkError(`${name} closed the stream before the reply ended.`, { hint: 'Try again; if it repeats, check the server’s log.' })
  if (finish === 'content_filter') throw new ContentFilteredError(name)
  for (const [, call] of [...calls].sort(([a], [b]) => a - b)) {
    const toolCall: ProviderToolCall = { ...(call.id ? { id: call.id } : {}), name: call.name, arguments: parseToolArguments(name, call.name, call.args) }
    yield { type: 'tool_call', call: toolCall }
  }
  if (usage) yield { type: 'usage', usage }
  yield { type: 'done', finishReason: finishReasonOf(finish) }
}
