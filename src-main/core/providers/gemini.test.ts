import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProviderConfig } from '../../../src-shared/contract'
import { startFakeGemini, type FakeGeminiServer } from '../../../test/support/fakes/gemini-server'
import { closedUrl } from '../../../test/support/fakes/sse'
import { abortWhen, abortWhileWaiting, collect, failure, texts } from '../../../test/support/provider-harness'
import type { RateLimitedError } from './errors'
import { createGeminiProvider } from './gemini'
import type { ChatChunk, ChatProvider, ChatRequest } from './types'

const KEY = 'AIzaFakeKey0123456789'
const config = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({ id: 'gemini', kind: 'gemini', name: 'Gemini', enabled: true, proxy: { mode: 'auto' }, timeoutMs: 120_000, ...over })

const ask = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], ...over })
const chats = (fake: FakeGeminiServer) => fake.requests.filter((r) => r.path.includes(':streamGenerateContent'))
const lastBody = (fake: FakeGeminiServer) => chats(fake).at(-1)!.body as Record<string, unknown>

describe('Gemini provider', () => {
  let fake: FakeGeminiServer
  let provider: ChatProvider

  beforeEach(async () => {
    fake = await startFakeGemini()
    provider = createGeminiProvider({ config: config({ baseUrl: fake.url }), apiKey: KEY, fetch })
  })

  afterEach(async () => {
    vi.restoreAllMocks()
    await fake.close()
  })

  it('streams text in order over SSE with the key header and the system instruction', async () => {
    fake.script({ text: ['Ciao', ' a', ' tutti'], usage: { inputTokens: 14, outputTokens: 3 } })
    const chunks = await collect(provider.chat(ask({ messages: [{ role: 'system', content: 'Speak Italian.' }, { role: 'user', content: 'Hi' }], temperature: 0.4, maxTokens: 50 }), new AbortController().signal))
    expect(texts(chunks)).toEqual(['Ciao', ' a', ' tutti'])
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 14, outputTokens: 3 } },
      { type: 'done', finishReason: 'stop' },
    ])
    const request = chats(fake).at(-1)!
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
    expect(request.headers['x-goog-api-key']).toBe(KEY)
    expect(request.headers).not.toHaveProperty('traceparent')
    expect(request.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      systemInstruction: { parts: [{ text: 'Speak Italian.' }] },
      generationConfig: { temperature: 0.4, maxOutputTokens: 50 },
    })
  })

  it('asks for thoughts when reasoning is wanted and counts thinking as output', async () => {
    fake.script({ text: ['7'], reasoning: ['3 + 4', ' = 7'], usage: { inputTokens: 5, outputTokens: 1, cachedTokens: 2 } })
    const chunks = await collect(provider.chat(ask({ reasoning: true }), new AbortController().signal))
    expect(lastBody(fake)).toMatchObject({ generationConfig: { thinkingConfig: { includeThoughts: true } } })
    expect(chunks.filter((c) => c.type === 'reasoning' || c.type === 'text')).toEqual([
      { type: 'reasoning', text: '3 + 4' },
      { type: 'reasoning', text: ' = 7' },
      { type: 'text', text: '7' },
    ])
    // The fake bills three thought tokens per thought chunk.
    expect(chunks).toContainEqual({ type: 'usage', usage: { inputTokens: 5, outputTokens: 7, cachedTokens: 2 } })
  })

  it('sends function declarations and history, and returns a function call', async () => {
    fake.script({ text: [], toolCall: { id: 'unused', name: 'get_weather', arguments: { city: 'Oslo' } } })
    const tools = [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c0', name: 'get_weather', arguments: { city: 'Rome' } }] },
      { role: 'tool', content: '{"temp":21}', toolCallId: 'c0', toolName: 'get_weather' },
      { role: 'user', content: 'And Oslo?' },
    ]
    const chunks = await collect(provider.chat(ask({ tools, messages }), new AbortController().signal))
    expect(chunks.filter((c) => c.type === 'tool_call')).toEqual([{ type: 'tool_call', call: { id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } } }])
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'tool_calls' })
    const body = lastBody(fake)
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: tools[0]!.parameters }] }])
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Rome?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Rome' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: { temp: 21 } } } }, { text: 'And Oslo?' }] },
    ])
  })

  it('sends pictures as inlineData', async () => {
    const data = Buffer.from('webp bytes').toString('base64')
    await collect(provider.chat(ask({ messages: [{ role: 'user', content: 'What is it?', images: [{ mime: 'image/webp', data }] }] }), new AbortController().signal))
    expect(lastBody(fake).contents).toEqual([{ role: 'user', parts: [{ inlineData: { mimeType: 'image/webp', data } }, { text: 'What is it?' }] }])
  })

  it('rejects a tool result without the tool’s name', async () => {
    expect((await failure(provider.chat(ask({ messages: [{ role: 'tool', content: '1', toolCallId: 'c0' }] }), new AbortController().signal))).code).toBe('E_VALIDATION')
  })

  it.each(['SAFETY', 'PROHIBITED_CONTENT'])('turns finishReason %s into E_CONTENT_FILTERED', async (reason) => {
    fake.finishWith(reason)
    expect((await failure(provider.chat(ask(), new AbortController().signal))).code).toBe('E_CONTENT_FILTERED')
  })

  it('maps MAX_TOKENS to length', async () => {
    fake.finishWith('MAX_TOKENS')
    expect((await collect(provider.chat(ask(), new AbortController().signal))).at(-1)).toEqual({ type: 'done', finishReason: 'length' })
  })

  it.each([
    [{ kind: 'status', status: 500 } as const, 'E_PROVIDER_SERVER'],
    [{ kind: 'status', status: 401 } as const, 'E_AUTH'],
    [{ kind: 'status', status: 403 } as const, 'E_AUTH'],
    [{ kind: 'status', status: 400, message: 'API key not valid. Please pass a valid API key.' } as const, 'E_AUTH'],
    [{ kind: 'status', status: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).' } as const, 'E_CONTEXT_LENGTH'],
    [{ kind: 'status', status: 400, message: 'Invalid JSON payload received.' } as const, 'E_BAD_RESPONSE'],
  ])('maps fault %o to %s, once', async (fault, code) => {
    fake.fault(fault)
    expect((await failure(provider.chat(ask(), new AbortController().signal))).code).toBe(code)
    expect(chats(fake)).toHaveLength(1)
  })

  it('maps an unknown model to E_MODEL_NOT_FOUND', async () => {
    expect((await failure(provider.chat(ask({ model: 'gemini-0.1-nope' }), new AbortController().signal))).code).toBe('E_MODEL_NOT_FOUND')
  })

  it('maps 429 to E_RATE_LIMITED with the RetryInfo delay', async () => {
    fake.fault({ kind: 'rate-limit', retryAfterSeconds: 4 })
    const error = (await failure(provider.chat(ask(), new AbortController().signal))) as RateLimitedError
    expect(error.code).toBe('E_RATE_LIMITED')
    expect(error.retryAfterMs).toBe(4000)
  })

  it('maps a dropped connection mid-stream to E_NETWORK', async () => {
    fake.script({ text: ['one', 'two', 'three'] })
    fake.fault({ kind: 'disconnect', afterChunks: 1 })
    const seen: ChatChunk[] = []
    expect((await failure(provider.chat(ask(), new AbortController().signal), seen)).code).toBe('E_NETWORK')
    expect(texts(seen)).toEqual(['one'])
    expect(chats(fake)).toHaveLength(1)
  })

  it('maps a malformed chunk to E_BAD_RESPONSE', async () => {
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
    const slow = createGeminiProvider({ config: config({ baseUrl: fake.url, timeoutMs: 40 }), apiKey: KEY, fetch })
    expect((await failure(slow.chat(ask(), new AbortController().signal))).code).toBe('E_TIMEOUT')
  })

  it('needs a key, and says so without calling the API', async () => {
    const keyless = createGeminiProvider({ config: config({ baseUrl: fake.url }), fetch })
    expect((await failure(keyless.chat(ask(), new AbortController().signal))).code).toBe('E_AUTH')
    expect((await keyless.probe()).error?.code).toBe('E_AUTH')
    expect(fake.requests).toHaveLength(0)
  })

  it('lists only models that generate content', async () => {
    expect(await provider.listModels()).toEqual([
      { id: 'gemini-2.5-flash', name: 'Gemini 2.5 flash', capabilities: { tools: true, vision: true, reasoning: true, contextWindow: 1_048_576 } },
      { id: 'gemini-2.0-flash', name: 'Gemini 2.0 flash', capabilities: { tools: true, vision: true, reasoning: false, contextWindow: 1_048_576 } },
    ])
  })

  it('probes with an authenticated model list and reports a refused key', async () => {
    expect(await provider.probe()).toEqual({ ok: true, latencyMs: expect.any(Number) })
    expect(fake.requests.at(-1)!.path).toMatch(/^\/v1beta\/models\?/)
    fake.fault({ kind: 'status', status: 401 }, { everything: true })
    const refused = await provider.probe()
    expect(refused).toMatchObject({ ok: false, latencyMs: null })
    expect(refused.error?.code).toBe('E_AUTH')
  })

  it('reports a down server from probe instead of throwing', async () => {
    const down = createGeminiProvider({ config: config({ baseUrl: await closedUrl() }), apiKey: KEY, fetch })
    const result = await down.probe()
    expect(result).toMatchObject({ ok: false, latencyMs: null })
    expect(result.error?.code).toBe('E_NETWORK')
  })
})
