import type { ProviderConfig, ProviderKind } from '../../src-shared/contract'
import { providerFactories } from '../../src-main/core/providers/factories'
import { defaultBaseUrl } from '../../src-main/core/providers/presets'
import type { ChatProvider } from '../../src-main/core/providers/types'
import { startFakeAnthropic } from '../support/fakes/anthropic-server'
import { startFakeGemini } from '../support/fakes/gemini-server'
import { startFakeOllamaChat } from '../support/fakes/ollama-chat-server'
import { startOpenAiFake } from '../support/fakes/openai-server'
import type { FakeProviderServer, RecordedRequest } from '../support/fakes/types'

/**
 * The providers the conformance suite and the fault matrix run against: one row per wire
 * protocol (and per OpenAI-style server whose address, key or reasoning field differ), each with
 * its loopback fake. Every provider is built by the app's own factories, so the official SDK
 * does the talking.
 */

export interface ProviderCase {
  /** Short and unique; it names the tests ("openai-chat × 500 → retry"). */
  name: string
  kind: ProviderKind
  /** The model the fake lists and answers for. */
  model: string
  /** The API key, for providers that take one. */
  key?: string
  /** Where the key may travel: every request carries it in one of these headers, exactly so. */
  keyHeaders?: { name: string; value: string }[]
  /** Chat requests end in this path; listing and probing use other paths. */
  chatPath: string
  start(): Promise<FakeProviderServer>
  /** Settings pointing at the fake, as a user would save them (no proxy, so nothing leaves loopback). */
  config(fake: FakeProviderServer, over?: Partial<ProviderConfig>): ProviderConfig
}

const base = { enabled: true, proxy: { mode: 'none' as const }, timeoutMs: 120_000 }

const KEYS = {
  anthropic: 'sk-ant-conformance-0123456789',
  openai: 'sk-proj-conformance-0123456789',
  gemini: 'AIzaSyConformance0123456789',
  huggingface: 'hf_conformance0123456789',
  openrouter: 'sk-or-v1-conformance-0123456789',
}

const bearer = (key: string) => ({ name: 'authorization', value: `Bearer ${key}` })

/** The preset's own default address with only host and port moved to the fake, so the preset's path is what gets tested. */
function presetAddressOn(preset: 'exo' | 'llamacpp-rpc', fake: FakeProviderServer): string {
  const address = new URL(defaultBaseUrl('openai-compatible', preset))
  address.host = new URL(fake.url).host
  return address.href.replace(/\/$/, '')
}

export const cases: ProviderCase[] = [
  {
    name: 'ollama',
    kind: 'ollama',
    model: 'qwen3:8b',
    chatPath: '/api/chat',
    start: () => startFakeOllamaChat({ models: ['qwen3:8b'], capabilities: { 'qwen3:8b': ['completion', 'tools', 'thinking'] }, contextLength: 40_960 }),
    config: (fake, over) => ({ ...base, id: 'ollama-lan', kind: 'ollama', name: 'Ollama (GPU box)', baseUrl: fake.url, ...over }),
  },
  {
    name: 'anthropic',
    kind: 'anthropic',
    model: 'claude-sonnet-4-6',
    key: KEYS.anthropic,
    // The Messages API takes x-api-key or a Bearer token; @anthropic-ai/sdk 1.x sends the key as a Bearer token.
    keyHeaders: [{ name: 'x-api-key', value: KEYS.anthropic }, bearer(KEYS.anthropic)],
    chatPath: '/v1/messages',
    start: () => startFakeAnthropic(),
    config: (fake, over) => ({ ...base, id: 'anthropic', kind: 'anthropic', name: 'Anthropic', baseUrl: fake.url, ...over }),
  },
  {
    name: 'openai-chat',
    kind: 'openai',
    model: 'gpt-4o-mini',
    key: KEYS.openai,
    keyHeaders: [bearer(KEYS.openai)],
    chatPath: '/v1/chat/completions',
    start: () => startOpenAiFake({ models: ['gpt-4o-mini', 'o4-mini'] }),
    config: (fake, over) => ({ ...base, id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: fake.url, api: 'auto', ...over }),
  },
  {
    // `auto` picks the Responses API for o-series models; the chat path below proves it did.
    name: 'openai-responses',
    kind: 'openai',
    model: 'o4-mini',
    key: KEYS.openai,
    keyHeaders: [bearer(KEYS.openai)],
    chatPath: '/v1/responses',
    start: () => startOpenAiFake({ models: ['gpt-4o-mini', 'o4-mini'] }),
    config: (fake, over) => ({ ...base, id: 'openai-responses', kind: 'openai', name: 'OpenAI (Responses)', baseUrl: fake.url, api: 'auto', ...over }),
  },
  {
    name: 'gemini',
    kind: 'gemini',
    model: 'gemini-2.5-flash',
    key: KEYS.gemini,
    keyHeaders: [{ name: 'x-goog-api-key', value: KEYS.gemini }],
    chatPath: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
    start: () => startFakeGemini(),
    config: (fake, over) => ({ ...base, id: 'gemini', kind: 'gemini', name: 'Google Gemini', baseUrl: fake.url, ...over }),
  },
  {
    name: 'huggingface',
    kind: 'huggingface',
    model: 'meta-llama/Llama-3.3-70B-Instruct',
    key: KEYS.huggingface,
    keyHeaders: [bearer(KEYS.huggingface)],
    chatPath: '/v1/chat/completions',
    start: () => startOpenAiFake({ basePath: '/v1', models: ['meta-llama/Llama-3.3-70B-Instruct'] }),
    config: (fake, over) => ({ ...base, id: 'huggingface', kind: 'huggingface', name: 'Hugging Face', baseUrl: fake.url, ...over }),
  },
  {
    name: 'llamacpp',
    kind: 'openai-compatible',
    model: 'qwen2.5-7b-instruct',
    chatPath: '/v1/chat/completions',
    start: () => startOpenAiFake({ basePath: '/v1', models: ['qwen2.5-7b-instruct'], reasoningField: 'reasoning_content' }),
    config: (fake, over) => ({ ...base, id: 'llamacpp', kind: 'openai-compatible', preset: 'llamacpp', name: 'llama.cpp server', baseUrl: fake.url, ...over }),
  },
  {
    // exo (a model split over the machines it finds) answers the OpenAI chat API on :52415/v1.
    name: 'exo',
    kind: 'openai-compatible',
    model: 'llama-3.2-3b',
    chatPath: '/v1/chat/completions',
    start: () => startOpenAiFake({ basePath: '/v1', models: ['llama-3.2-3b'] }),
    config: (fake, over) => ({ ...base, id: 'exo', kind: 'openai-compatible', preset: 'exo', name: 'exo', baseUrl: presetAddressOn('exo', fake), ...over }),
  },
  {
    // llama-server started with --rpc host1:50052,host2:50052: the same OpenAI API as a single llama-server.
    name: 'llamacpp-rpc',
    kind: 'openai-compatible',
    model: 'qwen2.5-72b-instruct-q4_k_m',
    chatPath: '/v1/chat/completions',
    start: () => startOpenAiFake({ basePath: '/v1', models: ['qwen2.5-72b-instruct-q4_k_m'], reasoningField: 'reasoning_content' }),
    config: (fake, over) => ({ ...base, id: 'llamacpp-rpc', kind: 'openai-compatible', preset: 'llamacpp-rpc', name: 'llama.cpp RPC cluster', baseUrl: presetAddressOn('llamacpp-rpc', fake), ...over }),
  },
  {
    name: 'openrouter',
    kind: 'openai-compatible',
    model: 'openai/gpt-4o-mini',
    key: KEYS.openrouter,
    keyHeaders: [bearer(KEYS.openrouter)],
    chatPath: '/api/v1/chat/completions',
    start: () =>
      startOpenAiFake({
        basePath: '/api/v1',
        models: ['openai/gpt-4o-mini'],
        reasoningField: 'reasoning',
        modelDetails: { 'openai/gpt-4o-mini': { name: 'OpenAI: GPT-4o-mini', context_length: 128_000, pricing: { prompt: '0.00000015', completion: '0.0000006' }, supported_parameters: ['tools', 'reasoning'] } },
      }),
    config: (fake, over) => ({ ...base, id: 'openrouter', kind: 'openai-compatible', preset: 'openrouter', name: 'OpenRouter', baseUrl: fake.url, ...over }),
  },
]

/** The provider as the app builds it: the real factory, the key, and plain fetch (no proxy on loopback). */
export function buildProvider(providerCase: ProviderCase, fake: FakeProviderServer, over?: Partial<ProviderConfig>): ChatProvider {
  const config = providerCase.config(fake, over)
  return providerFactories[config.kind]({ config, ...(providerCase.key ? { apiKey: providerCase.key } : {}), fetch: globalThis.fetch })
}

/** The chat requests a fake saw (not listings or probes). */
export function chatRequests(providerCase: ProviderCase, fake: FakeProviderServer): RecordedRequest[] {
  return fake.requests.filter((request) => request.method === 'POST' && request.path.split('?')[0]!.endsWith(providerCase.chatPath))
}
