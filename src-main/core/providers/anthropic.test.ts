import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProviderConfig } from '../../../src-shared/contract'
import { startFakeAnthropic, type FakeAnthropicServer } from '../../../test/support/fakes/anthropic-server'
import { closedUrl } from '../../../test/support/fakes/sse'
import { abortWhen, abortWhileWaiting, closedAfterEach, collect, failure, texts } from '../../../test/support/provider-harness'
import { createAnthropicProvider } from './anthropic'
import type { RateLimitedError } from './errors'
import type { ChatChunk, ChatProvider, ChatRequest } from './types'

const KEY = 'sk-ant-test-0123456789'
const config = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({ id: 'claude', kind: 'anthropic', name: 'Anthropic', enabled: true, proxy: { mode: 'auto' }, timeoutMs: 120_000, ...over })

const ask = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }], ...over })
const chats = (fake: FakeAnthropicServer) => fake.requests.filter((r) => r.path.startsWith('/v1/messages'))
const lastBody = (fake: FakeAnthropicServer) => chats(fake).at(-1)!.body as Record<string, unknown>

describe('Anthropic provider', () => {
  let fake: FakeAnthropicServer
  let provider: ChatProvider
  const another = closedAfterEach(startFakeAnthropic)

  beforeEach(async () => {
    fake = await startFakeAnthropic()
    provider = createAnthropicProvider({ config: config({ baseUrl: fake.url }), apiKey: KEY, fetch })
  })

  afterEach(async () => {
    vi.restoreAllMocks()
    await fake.close()
  })

  it('streams text in order with the key, no trace header, and the system prompt at top level', async () => {
    fake.script({ text: ['Bonjour', ' à', ' tous'], usage: { inputTokens: 40, outputTokens: 3 } })
    const chunks = await collect(provider.chat(ask({ messages: [{ role: 'system', content: 'Speak French.' }, { role: 'user', content: 'Hi' }], temperature: 0.3, maxTokens: 100 }), new AbortController().signal))
    expect(texts(chunks)).toEqual(['Bonjour', ' à', ' tous'])
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 40, outputTokens: 3 } },
      { type: 'done', finishReason: 'stop' },
    ])
    const request = chats(fake).at(-1)!
    expect(`${request.headers['x-api-key'] ?? ''} ${request.headers.authorization ?? ''}`).toContain(KEY)
    expect(request.headers['anthropic-version']).toEqual(expect.any(String))
    expect(request.headers).not.toHaveProperty('traceparent')
    expect(request.body).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      temperature: 0.3,
      stream: true,
      system: [{ type: 'text', text: 'Speak French.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    })
  })

  it('asks for extended thinking and streams thinking deltas as reasoning', async () => {
    fake.script({ text: ['4'], reasoning: ['2 plus 2', ' is 4'] })
    const chunks = await collect(provider.chat(ask({ reasoning: true, temperature: 0.5 }), new AbortController().signal))
    const body = lastBody(fake)
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 })
    expect(body.max_tokens).toBe(8192)
    expect(body).not.toHaveProperty('temperature')
    expect(chunks.filter((c) => c.type === 'reasoning' || c.type === 'text')).toEqual([
      { type: 'reasoning', text: '2 plus 2' },
      { type: 'reasoning', text: ' is 4' },
      { type: 'text', text: '4' },
    ])
  })

  it('lets models with adaptive thinking choose their own budget', async () => {
    const opus = await another(['claude-opus-4-6'])
    opus.script({ text: ['ok'], reasoning: ['hmm'] })
    const adaptive = createAnthropicProvider({ config: config({ baseUrl: opus.url }), apiKey: KEY, fetch })
    const chunks = await collect(adaptive.chat(ask({ model: 'claude-opus-4-6', reasoning: true }), new AbortController().signal))
    expect((opus.requests.at(-1)!.body as Record<string, unknown>).thinking).toEqual({ type: 'adaptive' })
    expect(chunks).toContainEqual({ type: 'reasoning', text: 'hmm' })
  })

  it('sends tools and tool history, and assembles a streamed tool call into one chunk', async () => {
    fake.script({ text: ['Checking.'], toolCall: { id: 'toolu_01', name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } })
    const tools = [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_00', name: 'get_weather', arguments: { city: 'Rome' } }] },
      { role: 'tool', content: '{"temp":21}', toolCallId: 'toolu_00', toolName: 'get_weather' },
      { role: 'user', content: 'And Oslo?' },
    ]
    const chunks = await collect(provider.chat(ask({ tools, messages }), new AbortController().signal))
    expect(chunks.filter((c) => c.type === 'tool_call')).toEqual([{ type: 'tool_call', call: { id: 'toolu_01', name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } }])
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'tool_calls' })
    const body = lastBody(fake)
    expect(body.tools).toEqual([{ name: 'get_weather', description: 'Weather for a city', input_schema: tools[0]!.parameters }])
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Rome?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_00', name: 'get_weather', input: { city: 'Rome' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_00', content: '{"temp":21}' },
          { type: 'text', text: 'And Oslo?' },
        ],
      },
    ])
  })

  it('sends pictures as base64 image blocks before the text', async () => {
    const data = Buffer.from('jpeg bytes').toString('base64')
    await collect(provider.chat(ask({ messages: [{ role: 'user', content: 'What is it?', images: [{ mime: 'image/jpeg', data }] }] }), new AbortController().signal))
    expect(lastBody(fake).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data } },
          { type: 'text', text: 'What is it?' },
        ],
      },
    ])
  })

  it('rejects a picture type Anthropic does not take, before any request', async () => {
    const error = await failure(provider.chat(ask({ messages: [{ role: 'user', content: 'x', images: [{ mime: 'image/tiff', data: 'AAAA' }] }] }), new AbortController().signal))
    expect(error.code).toBe('E_VALIDATION')
    expect(chats(fake)).toHaveLength(0)
  })

  it('rejects a tool result without the id of its call', async () => {
    const error = await failure(provider.chat(ask({ messages: [{ role: 'tool', content: '1', toolName: 'x' }] }), new AbortController().signal))
    expect(error.code).toBe('E_VALIDATION')
  })

  it('marks long prompts for caching and reports cache reads and writes', async () => {
    const long = 'x'.repeat(5000)
    fake.script({ text: ['ok'], usage: { inputTokens: 1500, outputTokens: 1 } }, { text: ['ok'], usage: { inputTokens: 1520, outputTokens: 1, cachedTokens: 1500 } })
    const first = await collect(provider.chat(ask({ messages: [{ role: 'system', content: long }, { role: 'user', content: 'Q1' }] }), new AbortController().signal))
    const body = lastBody(fake) as { system: unknown[]; messages: { content: unknown[] }[] }
    expect(body.system).toEqual([{ type: 'text', text: long, cache_control: { type: 'ephemeral' } }])
    expect(body.messages.at(-1)!.content.at(-1)).toEqual({ type: 'text', text: 'Q1', cache_control: { type: 'ephemeral' } })
    expect(first).toContainEqual({ type: 'usage', usage: { inputTokens: 1500, outputTokens: 1, cacheWriteTokens: 1500 } })
    const second = await collect(provider.chat(ask({ messages: [{ role: 'system', content: long }, { role: 'user', content: 'Q2' }] }), new AbortController().signal))
    expect(second).toContainEqual({ type: 'usage', usage: { inputTokens: 1520, outputTokens: 1, cachedTokens: 1500 } })
  })

  it('leaves short prompts unmarked', async () => {
    await collect(provider.chat(ask({ messages: [{ role: 'system', content: 'Short.' }, { role: 'user', content: 'Hi' }] }), new AbortController().signal))
    expect(JSON.stringify(lastBody(fake))).not.toContain('cache_control')
  })

  it.each([
    ['max_tokens', 'length'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
  ])('maps stop_reason %s to %s', async (reason, finish) => {
    fake.finishWith(reason)
    const chunks = await collect(provider.chat(ask(), new AbortController().signal))
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: finish })
  })

  it.each([
    [{ kind: 'status', status: 500 } as const, 'E_PROVIDER_SERVER'],
    [{ kind: 'status', status: 401 } as const, 'E_AUTH'],
    [{ kind: 'status', status: 403 } as const, 'E_AUTH'],
    [{ kind: 'status', status: 400, message: 'prompt is too long: 210000 tokens > 200000 maximum' } as const, 'E_CONTEXT_LENGTH'],
  ])('maps fault %o to %s, without retrying inside the SDK', async (fault, code) => {
    fake.fault(fault)
    expect((await failure(provider.chat(ask(), new AbortController().signal))).code).toBe(code)
    expect(chats(fake)).toHaveLength(1)
  })

  it('maps an unknown model to E_MODEL_NOT_FOUND', async () => {
    expect((await failure(provider.chat(ask({ model: 'claude-nope' }), new AbortController().signal))).code).toBe('E_MODEL_NOT_FOUND')
  })

  it('maps 429 to E_RATE_LIMITED with the retry-after header', async () => {
    fake.fault({ kind: 'rate-limit', retryAfterSeconds: 3 })
    const error = (await failure(provider.chat(ask(), new AbortController().signal))) as RateLimitedError
    expect(error.code).toBe('E_RATE_LIMITED')
    expect(error.retryAfterMs).toBe(3000)
  })

  it('maps a dropped connection mid-stream to E_NETWORK', async () => {
    fake.script({ text: ['one', 'two', 'three'] })
    fake.fault({ kind: 'disconnect', afterChunks: 2 })
    const seen: ChatChunk[] = []
    expect((await failure(provider.chat(ask(), new AbortController().signal), seen)).code).toBe('E_NETWORK')
    expect(texts(seen)).toEqual(['one', 'two'])
  })

  it('maps a malformed event to E_BAD_RESPONSE', async () => {
    fake.fault({ kind: 'malformed', afterChunks: 1 })
    expect((await failure(provider.chat(ask(), new AbortController().signal))).code).toBe('E_BAD_RESPONSE')
  })

  it('cancels a hanging request at the server when the user aborts', async () => {
    fake.fault({ kind: 'hang' })
    const error = await abortWhileWaiting((signal) => provider.chat(ask(), signal), () => vi.waitFor(() => expect(chats(fake)).toHaveLength(1)))
    expect(error.code).toBe('E_CANCELLED')
    await vi.waitFor(() => expect(fake.aborted).toBe(1))
  })

  it('stops mid-stream on abort with E_CANCELLED', async () => {
    fake.script({ text: ['a', 'b', 'c', 'd'], chunkDelayMs: 5 })
    const seen: ChatChunk[] = []
    const error = await abortWhen((signal) => provider.chat(ask(), signal), (chunk) => chunk.type === 'text', seen)
    expect(error.code).toBe('E_CANCELLED')
    expect(texts(seen)).toEqual(['a'])
    await vi.waitFor(() => expect(fake.aborted).toBe(1))
  })

  it('gives up on a silent server after the first-byte timeout', async () => {
    fake.fault({ kind: 'hang' })
    const slow = createAnthropicProvider({ config: config({ baseUrl: fake.url, timeoutMs: 40 }), apiKey: KEY, fetch })
    expect((await failure(slow.chat(ask(), new AbortController().signal))).code).toBe('E_TIMEOUT')
  })

  it('needs a key, and says so without calling the API', async () => {
    const keyless = createAnthropicProvider({ config: config({ baseUrl: fake.url }), fetch })
    expect((await failure(keyless.chat(ask(), new AbortController().signal))).code).toBe('E_AUTH')
    expect((await keyless.probe()).error?.code).toBe('E_AUTH')
    expect(fake.requests).toHaveLength(0)
  })

  it('lists models with names and capabilities', async () => {
    expect(await provider.listModels()).toEqual([
      { id: 'claude-sonnet-4-6', name: 'Claude sonnet 4 6', capabilities: { tools: true, vision: true, reasoning: true, contextWindow: 200_000 } },
      { id: 'claude-haiku-4-5', name: 'Claude haiku 4 5', capabilities: { tools: true, vision: true, reasoning: true, contextWindow: 200_000 } },
    ])
  })

  it('probes with an authenticated model list and reports a refused key', async () => {
    expect(await provider.probe()).toEqual({ ok: true, latencyMs: expect.any(Number) })
    expect(fake.requests.at(-1)!.path).toMatch(/^\/v1\/models/)
    fake.fault({ kind: 'status', status: 401 }, { everything: true })
    const refused = await provider.probe()
    expect(refused).toMatchObject({ ok: false, latencyMs: null })
    expect(refused.error?.code).toBe('E_AUTH')
  })

  it('reports a down server from probe instead of throwing', async () => {
    const down = createAnthropicProvider({ config: config({ baseUrl: await closedUrl() }), apiKey: KEY, fetch })
    const result = await down.probe()
    expect(result).toMatchObject({ ok: false, latencyMs: null })
    expect(result.error?.code).toBe('E_NETWORK')
  })
})
