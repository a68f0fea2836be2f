/**
 * Every dialect × every chat parameter: the request body each provider's loopback fake receives
 * (the real SDKs run unmodified) is checked against the committed table in parameters.ts. A
 * parameter the table marks `no` must leave the body exactly as it is without it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CHAT_PARAMS, ProviderConfigSchema, type ChatParamName, type ProviderConfigInput } from '../../../src-shared/contract'
import { startFakeAnthropic } from '../../../test/support/fakes/anthropic-server'
import { startFakeGemini } from '../../../test/support/fakes/gemini-server'
import { startFakeOllamaChat } from '../../../test/support/fakes/ollama-chat-server'
import { startOpenAiFake } from '../../../test/support/fakes/openai-server'
import type { FakeProviderServer } from '../../../test/support/fakes/types'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { createAnthropicProvider } from './anthropic'
import { createGeminiProvider } from './gemini'
import { GgufProvider, type GgufEngineModule, type GgufPromptOptions } from './gguf'
import { createOllamaProvider } from './ollama'
import { createHuggingFaceProvider, createOpenAiCompatibleProvider, createOpenAiProvider } from './openai-family'
import { DIALECTS, PARAMETER_TABLE, THINKING_BUDGET, dialectOf, parameterNotices, renderParameterDocs, type Dialect } from './parameters'
import { createProviderFetch } from './proxy'
import type { ChatChunk, ChatProvider, ChatRequest, ProviderFactory } from './types'

/** One distinctive value per parameter, as the app names it. */
const VALUES: Required<Pick<ChatRequest, 'temperature' | 'topP' | 'topK' | 'maxTokens' | 'contextLength' | 'seed' | 'stop' | 'reasoningEffort'>> = {
  temperature: 0.37,
  topP: 0.81,
  topK: 17,
  maxTokens: 123,
  contextLength: 4096,
  seed: 4242,
  stop: ['<END>'],
  reasoningEffort: 'low',
}

/** The value a field carries on the wire (a few dialects translate the effort level). */
function wireValue(dialect: Dialect, name: ChatParamName): unknown {
  if (name === 'reasoningEffort' && dialect === 'gemini') return THINKING_BUDGET.low
  return VALUES[name]
}

async function drain(chunks: AsyncIterable<ChatChunk>): Promise<void> {
  for await (const chunk of chunks) void chunk
}

interface Harness {
  /** Sends one request and returns the body (or the in-process prompt options) the provider produced. */
  send(extra: Partial<ChatRequest>): Promise<Record<string, unknown>>
  close(): Promise<void>
}

function openAiFamily(factory: ProviderFactory, kind: ProviderConfigInput['kind'], model: string, api?: 'chat' | 'responses') {
  return async (): Promise<Harness> => {
    const fake = await startOpenAiFake()
    const config = ProviderConfigSchema.parse({ id: 'p1', kind, name: 'Test', baseUrl: fake.url, ...(api ? { api } : {}) })
    const provider = factory({ config, apiKey: 'sk-test-1234', fetch: createProviderFetch(config.proxy, fake.url, {}) })
    return httpHarness(fake, provider, model, (p) => p.startsWith('/v1/'))
  }
}

function httpHarness(fake: FakeProviderServer & { script(reply: { text: string[] }): void }, provider: ChatProvider, model: string, isChat: (path: string) => boolean): Harness {
  return {
    async send(extra) {
      fake.script({ text: ['ok'] })
      await drain(provider.chat({ model, messages: [{ role: 'user', content: 'Hi' }], ...extra }, new AbortController().signal))
      return fake.requests.filter((r) => r.method === 'POST' && isChat(r.path)).at(-1)!.body as Record<string, unknown>
    },
    close: () => fake.close(),
  }
}

function ggufHarness(): Harness {
  const seen: GgufPromptOptions[] = []
  const engine: GgufEngineModule = {
    async getLlama() {
      return {
        async loadModel() {
          return { async createContext() { return { getSequence: () => ({}), async dispose() {} } } }
        },
      }
    },
    LlamaChatSession: class {
      async prompt(_text: string, options: GgufPromptOptions = {}): Promise<string> {
        seen.push(options)
        options.onTextChunk?.('ok')
        return 'ok'
      }
    },
  } as unknown as GgufEngineModule
  const file = path.join(makeTempDir(), 'tiny.gguf')
  fs.writeFileSync(file, Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0])]))
  const config = ProviderConfigSchema.parse({ id: 'local', kind: 'gguf', name: 'Tiny', modelPath: file })
  const provider = new GgufProvider({ config, fetch: globalThis.fetch }, { loadEngine: () => Promise.resolve(engine) })
  return {
    async send(extra) {
      await drain(provider.chat({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }], ...extra }, new AbortController().signal))
      // The callbacks and the signal are the adapter's plumbing, not parameters.
      const { onTextChunk: _chunk, signal: _signal, ...options } = seen.at(-1)!
      return options as Record<string, unknown>
    },
    close: async () => removeTempDirs(),
  }
}

const HARNESSES: Record<Dialect, () => Promise<Harness>> = {
  ollama: async () => {
    const fake = await startFakeOllamaChat({ models: ['llama3.2:latest'] })
    const config = ProviderConfigSchema.parse({ id: 'local', kind: 'ollama', name: 'Ollama', baseUrl: fake.url })
    return httpHarness(fake, createOllamaProvider({ config, fetch }), 'llama3.2:latest', (p) => p === '/api/chat')
  },
  anthropic: async () => {
    const fake = await startFakeAnthropic()
    const config = ProviderConfigSchema.parse({ id: 'claude', kind: 'anthropic', name: 'Anthropic', baseUrl: fake.url })
    return httpHarness(fake, createAnthropicProvider({ config, apiKey: 'sk-ant-test', fetch }), 'claude-sonnet-4-6', (p) => p.startsWith('/v1/messages'))
  },
  'openai-chat': openAiFamily(createOpenAiProvider, 'openai', 'gpt-4o-mini', 'chat'),
  'openai-responses': openAiFamily(createOpenAiProvider, 'openai', 'o4-mini', 'responses'),
  gemini: async () => {
    const fake = await startFakeGemini()
    const config = ProviderConfigSchema.parse({ id: 'gemini', kind: 'gemini', name: 'Gemini', baseUrl: fake.url })
    return httpHarness(fake, createGeminiProvider({ config, apiKey: 'g-test', fetch }), 'gemini-2.5-flash', (p) => p.includes(':streamGenerateContent'))
  },
  huggingface: openAiFamily(createHuggingFaceProvider, 'huggingface', 'gpt-4o-mini'),
  'openai-compatible': openAiFamily(createOpenAiCompatibleProvider, 'openai-compatible', 'gpt-4o-mini'),
  gguf: async () => ggufHarness(),
}

/** Reads `a.b.c` from a body. */
const at = (body: Record<string, unknown>, field: string): unknown => field.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body)

describe.each(DIALECTS)('%s: each parameter reaches the wire as the table says', (dialect) => {
  let harness: Harness | undefined
  const open = async (): Promise<Harness> => (harness ??= await HARNESSES[dialect]())
  afterAll(async () => harness?.close())

  it.each(CHAT_PARAMS)('%s', async (name) => {
    const h = await open()
    const plain = await h.send({})
    const body = await h.send({ [name]: VALUES[name] })
    const entry = PARAMETER_TABLE[dialect][name]
    if (entry.support === 'no') {
      // Not sent: the body is exactly the one without the parameter.
      expect(body).toEqual(plain)
      return
    }
    expect(entry.field).not.toBeNull()
    expect(at(body, entry.field!)).toEqual(wireValue(dialect, name))
    // And the field was not there before: the parameter put it there.
    expect(at(plain, entry.field!)).not.toEqual(wireValue(dialect, name))
  })
})

describe('parameter notices', () => {
  it('names what a provider does not take and what a compatible server may ignore', () => {
    expect(parameterNotices('OpenAI', 'openai-responses', { seed: 1, temperature: 0.2 })).toEqual(['OpenAI does not take seed (the Responses API has no seed); it was not sent.'])
    const compat = parameterNotices('llama.cpp', 'openai-compatible', { topK: 20, seed: 3, contextLength: 8192 })
    expect(compat).toEqual([
      'llama.cpp does not take context length (set when the server starts (llama.cpp -c, vLLM --max-model-len)); it was not sent.',
      'llama.cpp was sent top_k, seed as standard fields; the server may ignore them.',
    ])
    expect(parameterNotices('Ollama', 'ollama', { ...VALUES })).toEqual([])
  })

  it('picks the OpenAI API by model and setting', () => {
    expect(dialectOf({ kind: 'openai', api: 'auto' }, 'o4-mini')).toBe('openai-responses')
    expect(dialectOf({ kind: 'openai', api: 'auto' }, 'gpt-4o-mini')).toBe('openai-chat')
    expect(dialectOf({ kind: 'ollama' }, 'x')).toBe('ollama')
  })

  it('docs/parameters.md is the table as committed', () => {
    const docs = fs.readFileSync(path.join(__dirname, '../../../docs/parameters.md'), 'utf8')
    expect(docs).toBe(renderParameterDocs())
  })
})
