import type OpenAI from 'openai'
import type { ModelCapabilities, Price, ProviderConfig, ProviderKind } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { normalizeBaseUrl } from './base-url'
import { createOpenAiClient, mapOpenAiError, streamChatCompletions } from './openai'
import { chooseOpenAiApi } from './openai-api'
import { streamResponses } from './openai-responses'
import { defaultBaseUrl } from './presets'
import type { ChatChunk, ChatProvider, ChatRequest, ProbeResult, ProviderDeps, ProviderFactory, ProviderModel } from './types'

type OpenAiFamilyKind = Extract<ProviderKind, 'openai' | 'huggingface' | 'openai-compatible'>

/** Models a /models list holds that cannot chat (embeddings, speech, images, moderation). */
const NOT_CHAT = /embed|whisper|tts|dall-e|gpt-image|moderation|davinci|babbage|transcribe|realtime|audio|search-preview|^sora/i

const CONTEXT_WINDOWS: [RegExp, number][] = [
  [/^gpt-4\.1/, 1_047_576],
  [/^gpt-5/, 400_000],
  [/^(o1|o3|o4)(?!-preview)/, 200_000],
  [/^(gpt-4o|chatgpt-4o|gpt-4-turbo)/, 128_000],
  [/^gpt-3\.5-turbo/, 16_385],
]

/** What a model can do, from its name where the server does not say (OpenAI's list says nothing). */
export function capabilitiesFromName(id: string): ModelCapabilities {
  const name = id.toLowerCase().replace(/^[^/]+\//, '')
  const modern = /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-5|gpt-4-turbo)/.test(name)
  const oSeries = /^o\d/.test(name)
  return {
    tools: modern || oSeries || /^gpt-(4|3\.5)/.test(name),
    vision: modern || (oSeries && !/^o[13]-mini|^o1-preview/.test(name)) || /vision|[-_.]vl\b|-vl-|llava|pixtral|gemma-?3|qwen2\.5-vl|minicpm-v/.test(name),
    reasoning: oSeries || /^gpt-5(?!-chat)/.test(name) || /deepseek-r1|\br1\b|qwq|reason|think|gpt-oss/.test(name),
    contextWindow: CONTEXT_WINDOWS.find(([pattern]) => pattern.test(name))?.[1] ?? null,
  }
}

/** Fields some servers add to /models entries: OpenRouter (pricing per token, context_length, supported_parameters, architecture), vLLM (max_model_len), llama.cpp (meta.n_ctx_train). */
interface ModelEntryExtras {
  id: string
  name?: unknown
  context_length?: unknown
  max_model_len?: unknown
  meta?: { n_ctx_train?: unknown } | null
  pricing?: { prompt?: unknown; completion?: unknown; input_cache_read?: unknown } | null
  supported_parameters?: unknown
  architecture?: { input_modalities?: unknown } | null
}

const positive = (value: unknown): number | null => {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null
}
const perToken = (value: unknown): number | null => {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n * 1_000_000 * 1e6) / 1e6 : null
}

export function modelFromEntry(entry: ModelEntryExtras): ProviderModel {
  const guess = capabilitiesFromName(entry.id)
  const params = Array.isArray(entry.supported_parameters) ? (entry.supported_parameters as unknown[]) : null
  const modalities = Array.isArray(entry.architecture?.input_modalities) ? (entry.architecture.input_modalities as unknown[]) : null
  const capabilities: ModelCapabilities = {
    tools: params ? params.includes('tools') : guess.tools,
    vision: modalities ? modalities.includes('image') : guess.vision,
    reasoning: params ? params.includes('reasoning') || params.includes('include_reasoning') : guess.reasoning,
    contextWindow: positive(entry.context_length) ?? positive(entry.max_model_len) ?? positive(entry.meta?.n_ctx_train) ?? guess.contextWindow,
  }
  const input = perToken(entry.pricing?.prompt)
  const output = perToken(entry.pricing?.completion)
  const cached = perToken(entry.pricing?.input_cache_read)
  const price: Price | undefined = input !== null && output !== null ? { inputPerMTok: input, outputPerMTok: output, ...(cached !== null ? { cachedInputPerMTok: cached } : {}) } : undefined
  return { id: entry.id, name: typeof entry.name === 'string' && entry.name ? entry.name : entry.id, capabilities, ...(price ? { price } : {}) }
}

const DISPLAY: Record<OpenAiFamilyKind, string> = { openai: 'OpenAI', huggingface: 'Hugging Face', 'openai-compatible': 'The server' }

/** The base URL a provider's SDK client gets: the configured one (normalised), else the preset's or kind's default. */
export function baseUrlFor(config: ProviderConfig): string {
  if (config.baseUrl?.trim()) return normalizeBaseUrl(config.kind, config.baseUrl, config.preset).url
  return defaultBaseUrl(config.kind, config.preset) || normalizeBaseUrl(config.kind, '', config.preset).url
}

/** One provider speaking the OpenAI wire protocol: OpenAI itself, the Hugging Face router, or a compatible server. */
export class OpenAiFamilyProvider implements ChatProvider {
  readonly id: string
  readonly kind: OpenAiFamilyKind
  private readonly client: OpenAI
  private readonly name: string
  private readonly now: () => number

  constructor(
    private readonly deps: ProviderDeps,
    kind: OpenAiFamilyKind,
  ) {
    this.id = deps.config.id
    this.kind = kind
    this.name = deps.config.name || DISPLAY[kind]
    this.now = deps.now ?? Date.now
    this.client = createOpenAiClient({ baseUrl: baseUrlFor(deps.config), apiKey: deps.apiKey, fetch: deps.fetch, timeoutMs: deps.config.timeoutMs })
  }

  chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk> {
    return chooseOpenAiApi(this.deps.config.api, request.model) === 'responses'
      ? streamResponses(this.client, this.name, request, signal)
      : streamChatCompletions(this.client, this.name, this.kind, request, signal)
  }

  private async listed(signal?: AbortSignal): Promise<ProviderModel[]> {
    try {
      const page = await this.client.models.list({ signal })
      return (page.data as unknown as ModelEntryExtras[]).filter((entry) => typeof entry.id === 'string' && !NOT_CHAT.test(entry.id)).map(modelFromEntry)
    } catch (error) {
      throw mapOpenAiError(this.name, '(model list)', error, signal)
    }
  }

  /** The server's models plus config.models; config.models alone when the server cannot list. */
  async listModels(signal?: AbortSignal): Promise<ProviderModel[]> {
    const extra = (this.deps.config.models ?? []).map((id) => ({ id, name: id, capabilities: capabilitiesFromName(id) }))
    let models: ProviderModel[]
    try {
      models = await this.listed(signal)
    } catch (error) {
      if (extra.length === 0 || (error instanceof AppError && (error.code === 'E_CANCELLED' || error.code === 'E_AUTH'))) throw error
      return extra
    }
    const known = new Set(models.map((model) => model.id))
    return [...models, ...extra.filter((model) => !known.has(model.id))]
  }

  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    const started = this.now()
    try {
      await this.listed(signal)
      return { ok: true, latencyMs: this.now() - started }
    } catch (error) {
      const appError = error instanceof AppError ? error : mapOpenAiError(this.name, '(probe)', error, signal)
      // A server that answers but cannot list (404 on /models) is up when the user named its models.
      if (appError.code === 'E_MODEL_NOT_FOUND' && (this.deps.config.models?.length ?? 0) > 0) return { ok: true, latencyMs: this.now() - started }
      return { ok: false, latencyMs: null, error: appError }
    }
  }
}

export const createOpenAiProvider: ProviderFactory = (deps) => new OpenAiFamilyProvider(deps, 'openai')
/** The Hugging Face router speaks the OpenAI protocol at https://router.huggingface.co/v1 with an HF token as the key. */
export const createHuggingFaceProvider: ProviderFactory = (deps) => new OpenAiFamilyProvider(deps, 'huggingface')
/** llama.cpp, vLLM, LM Studio, OpenRouter, exo or any server that copies the OpenAI API; the key is optional. */
export const createOpenAiCompatibleProvider: ProviderFactory = (deps) => new OpenAiFamilyProvider(deps, 'openai-compatible')

export const openAiFamilyFactories: Record<OpenAiFamilyKind, ProviderFactory> = {
  openai: createOpenAiProvider,
  huggingface: createHuggingFaceProvider,
  'openai-compatible': createOpenAiCompatibleProvider,
}
