import type { ModelCapabilities, Price, ProviderConfig, ProviderKind } from '../../../src-shared/contract'
import type { AppError } from '../errors'

/**
 * The one interface every model provider implements. Adapters translate between this shape and
 * their SDK; nothing above this layer knows which SDK answered.
 */

export interface ProviderImage {
  mime: string
  /** Base64, no data: prefix. */
  data: string
}

export interface ProviderToolCall {
  id?: string
  name: string
  arguments: unknown
}

export interface ProviderMessage {
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string
  images?: ProviderImage[]
  /** Assistant turns that called tools. */
  toolCalls?: ProviderToolCall[]
  /** Tool results: which call this answers, and the tool's name (Gemini and Ollama need it). */
  toolCallId?: string
  toolName?: string
}

export interface ToolSpec {
  name: string
  description: string
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>
}

export interface ChatRequest {
  model: string
  messages: ProviderMessage[]
  tools?: ToolSpec[]
  temperature?: number
  maxTokens?: number
  topP?: number
  topK?: number
  /** Ollama's num_ctx: the context window the model is loaded with. */
  contextLength?: number
  seed?: number
  stop?: string[]
  /** How hard a reasoning model thinks; providers without it are told in a notice (see parameters.ts). */
  reasoningEffort?: 'low' | 'medium' | 'high'
  /** Ask for thinking/reasoning output where the model supports it. */
  reasoning?: boolean
  /** Ollama: how long the model stays loaded after the request (e.g. '5m'). */
  keepAlive?: string
}

export interface ProviderUsage {
  inputTokens: number
  outputTokens: number
  /** Input tokens served from a prompt cache (billed at the cached price). */
  cachedTokens?: number
  /** Input tokens written to a prompt cache (Anthropic bills these higher). */
  cacheWriteTokens?: number
  /** Counted by a heuristic (e.g. chars/4), not by the provider. */
  estimated?: boolean
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other'

export type ChatChunk =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; call: ProviderToolCall }
  | { type: 'usage'; usage: ProviderUsage }
  | { type: 'done'; finishReason: FinishReason }

export interface ProviderModel {
  id: string
  name: string
  capabilities: ModelCapabilities
  /** From the provider when it says (OpenRouter does); otherwise the price table decides. */
  price?: Price
}

export interface ProbeResult {
  ok: boolean
  latencyMs: number | null
  /** Ollama pools: one row per server (inFlight: our chats it serves now; models: how many it lists, null if unknown). */
  hosts?: { url: string; up: boolean; latencyMs: number | null; error?: string; inFlight?: number; models?: number | null }[]
  error?: AppError
}

export interface ChatProvider {
  readonly id: string
  readonly kind: ProviderKind
  listModels(signal?: AbortSignal): Promise<ProviderModel[]>
  /**
   * Streams one reply. Aborting `signal` cancels this request at the provider (and only this
   * one). Errors are thrown as AppErrors (see ./errors.ts), also mid-stream.
   */
  chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk>
  probe(signal?: AbortSignal): Promise<ProbeResult>
}

/** What a provider factory gets: its settings, its key (if any) and the side-effect seams. */
export interface ProviderDeps {
  config: ProviderConfig
  apiKey?: string
  /** fetch for the SDK, already routed through the provider's proxy setting. */
  fetch: typeof fetch
  now?: () => number
}

export type ProviderFactory = (deps: ProviderDeps) => ChatProvider
