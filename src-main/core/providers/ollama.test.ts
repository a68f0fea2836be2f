import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProviderConfig } from '../../../src-shared/contract'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../../test/support/fakes/ollama-chat-server'
import { closedUrl } from '../../../test/support/fakes/sse'
import { abortWhen, abortWhileWaiting, closedAfterEach, collect, failure, texts } from '../../../test/support/provider-harness'
import { capabilityHints } from './capabilities'
import type { RateLimitedError } from './errors'
import { createOllamaProvider } from './ollama'
import type { ChatChunk, ChatProvider, ChatRequest } from './types'

const config = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({ id: 'local', kind: 'ollama', name: 'Ollama', enabled: true, proxy: { mode: 'auto' }, timeoutMs: 120_000, ...over })

const ask = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'llama3.2:latest', messages: [{ role: 'user', content: 'Hi' }], ...over })
const lastBody = (fake: FakeOllamaChatServer) => fake.requests.filter((r) => r.path === '/api/chat').at(-1)!.body as Record<string, unknown>

describe('Ollama provider', () => {
  let fake: FakeOllamaChatServer
  let provider: ChatProvider
  const another = closedAfterEach(startFakeOllamaChat)

  beforeEach(async () => {
    fake = await startFakeOllamaChat({
      models: ['llama3.2:latest', 'llava:7b', 'nomic-embed-text:latest'],
      capabilities: { 'llava:7b': ['completion', 'vision'], 'llama3.2:latest': ['completion', 'tools'], 'nomic-embed-text:latest': ['embedding'] },
      contextLength: 8192,
    })
    provider = createOllamaProvider({ config: config({ baseUrl: fake.url }), fetch })
  })

  afterEach(async () => {
    vi.useRealTimers()
    vi.restoreAllMocks()
    await fake.close()
  })

  it('streams text in order, then usage and the finish reason', async () => {
    fake.script({ text: ['The', ' sky', ' is', ' blue'], usage: { inputTokens: 31, outputTokens: 4 } })
    const chunks = await collect(provider.chat(ask({ temperature: 0.2, maxTokens: 64, keepAlive: '10m' }), new AbortController().signal))
    expect(texts(chunks)).toEqual(['The', ' sky', ' is', ' blue'])
    expect(chunks.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 31, outputTokens: 4 } },
      { type: 'done', finishReason: 'stop' },
    ])
    const body = lastBody(fake)
    expect(body).toMatchObject({ model: 'llama3.2:latest', stream: true, keep_alive: '10m', options: { temperature: 0.2, num_predict: 64 } })
    expect(body).not.toHaveProperty('think')
    expect(fake.requests.at(-1)!.headers).not.toHaveProperty('traceparent')
  })

  it('asks for thinking when reasoning is wanted and streams it as reasoning', async () => {
    fake.script({ text: ['42'], reasoning: ['Let me', ' think'] })
    const chunks = await collect(provider.chat(ask({ reasoning: true }), new AbortController().signal))
    expect(lastBody(fake).think).toBe(true)
    expect(chunks.filter((c) => c.type !== 'usage' && c.type !== 'done')).toEqual([
      { type: 'reasoning', text: 'Let me' },
      { type: 'reasoning', text: ' think' },
      { type: 'text', text: '42' },
    ])
  })

  it('sends tools and history in Ollama’s shape and returns a tool call with its arguments', async () => {
    fake.script({ text: [], toolCall: { id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo', days: 2 } } })
    const tools = [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }]
    const messages: ChatRequest['messages'] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c0', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
      { role: 'tool', content: '{"temp":21}', toolCallId: 'c0', toolName: 'get_weather' },
      { role: 'user', content: 'And Oslo?' },
    ]
    const chunks = await collect(provider.chat(ask({ tools, messages }), new AbortController().signal))
    expect(chunks).toContainEqual({ type: 'tool_call', call: { id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo', days: 2 } } })
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'tool_calls' })
    const body = lastBody(fake)
    expect(body.tools).toEqual([{ type: 'function', function: tools[0] }])
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Rome' } } }] },
      { role: 'tool', content: '{"temp":21}', tool_name: 'get_weather' },
      { role: 'user', content: 'And Oslo?' },
    ])
  })

  it('sends pictures as base64 in message.images', async () => {
    const data = Buffer.from('not really a png').toString('base64')
    await collect(provider.chat(ask({ model: 'llava:7b', messages: [{ role: 'user', content: 'What is this?', images: [{ mime: 'image/png', data }] }] }), new AbortController().signal))
    expect(lastBody(fake).messages).toEqual([{ role: 'user', content: 'What is this?', images: [data] }])
  })

  it('maps done_reason length', async () => {
    fake.finishWith('length')
    const chunks = await collect(provider.chat(ask(), new AbortController().signal))
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'length' })
  })

  it.each([
    [{ kind: 'status', status: 500 } as const, 'E_PROVIDER_SERVER'],
    [{ kind: 'status', status: 401 } as const, 'E_AUTH'],
    [{ kind: 'status', status: 400, message: 'invalid request' } as const, 'E_BAD_RESPONSE'],
  ])('maps fault %o to %s', async (fault, code) => {
    fake.fault(fault)
    expect((await failure(provider.chat(ask(), new AbortController().signal))).code).toBe(code)
  })

  it('maps an unknown model to E_MODEL_NOT_FOUND', async () => {
    const error = await failure(provider.chat(ask({ model: 'nope:1b' }), new AbortController().signal))
    expect(error.code).toBe('E_MODEL_NOT_FOUND')
    expect(error.message).toContain('nope:1b')
  })

  it('maps 429 to E_RATE_LIMITED with the server’s Retry-After', async () => {
    fake.fault({ kind: 'rate-limit', retryAfterSeconds: 7 })
    const error = (await failure(provider.chat(ask(), new AbortController().signal))) as RateLimitedError
    expect(error.code).toBe('E_RATE_LIMITED')
    expect(error.retryAfterMs).toBe(7000)
  })

  it('maps a dropped connection mid-stream to E_NETWORK after the chunks that arrived', async () => {
    fake.script({ text: ['one', 'two', 'three'] })
    fake.fault({ kind: 'disconnect', afterChunks: 1 })
    const seen: ChatChunk[] = []
    const error = await failure(provider.chat(ask(), new AbortController().signal), seen)
    expect(error.code).toBe('E_NETWORK')
    expect(texts(seen)).toEqual(['one'])
  })

  it('maps a malformed line to E_BAD_RESPONSE', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    fake.fault({ kind: 'malformed', afterChunks: 1 })
    expect((await failure(provider.chat(ask(), new AbortController().signal))).code).toBe('E_BAD_RESPONSE')
  })

  it('cancels a hanging request at the server when the user aborts', async () => {
    fake.fault({ kind: 'hang' })
    const error = await abortWhileWaiting((signal) => provider.chat(ask(), signal), () => vi.waitFor(() => expect(fake.requests.some((r) => r.path === '/api/chat')).toBe(true)))
    expect(error.code).toBe('E_CANCELLED')
    await vi.waitFor(() => expect(fake.aborted).toBe(1))
  })

  it('gives up on a silent server after the first-byte timeout', async () => {
    fake.fault({ kind: 'hang' })
    const slow = createOllamaProvider({ config: config({ baseUrl: fake.url, timeoutMs: 40 }), fetch })
    expect((await failure(slow.chat(ask(), new AbortController().signal))).code).toBe('E_TIMEOUT')
  })

  it('aborting one of two concurrent chats leaves the other to finish', async () => {
    // The first chat gets 'a' and then nothing for a minute: it is surely still streaming when it is
    // aborted, and no later chunk can slip in with 'a'. The second, started once the first is being
    // answered, gets the quick reply.
    fake.script({ text: ['a', 'b', 'c', 'd', 'e'], chunkDelayMs: 60_000 }, { text: ['a', 'b', 'c', 'd', 'e'], chunkDelayMs: 5 })
    const seenFirst: ChatChunk[] = []
    const one = abortWhen((signal) => provider.chat(ask(), signal), (chunk) => chunk.type === 'text', seenFirst)
    await vi.waitFor(() => expect(fake.requests.filter((r) => r.path === '/api/chat')).toHaveLength(1))
    const two = collect(provider.chat(ask(), new AbortController().signal))
    expect((await one).code).toBe('E_CANCELLED')
    expect(texts(await two)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(texts(seenFirst)).toEqual(['a'])
    await vi.waitFor(() => expect(fake.aborted).toBe(1))
  })

  it('yields nothing after Stop, even lines that came in the same read', async () => {
    const lines = ['a', 'b', 'c'].map((content) => JSON.stringify({ model: 'm', message: { role: 'assistant', content }, done: false })).join('\n') + '\n'
    const oneRead = () => Promise.resolve(new Response(lines, { headers: { 'content-type': 'application/x-ndjson' } }))
    const stopped = createOllamaProvider({ config: config({ baseUrl: fake.url }), fetch: oneRead })
    const seen: ChatChunk[] = []
    const error = await abortWhen((signal) => stopped.chat(ask(), signal), (chunk) => chunk.type === 'text', seen)
    expect(error.code).toBe('E_CANCELLED')
    expect(texts(seen)).toEqual(['a'])
  })

  it('lists models with capabilities from /api/show, free, without embedding-only models', async () => {
    const models = await provider.listModels()
    expect(models).toEqual([
      { id: 'llama3.2:latest', name: 'llama3.2:latest', capabilities: { tools: true, vision: false, reasoning: false, contextWindow: 8192 }, price: { inputPerMTok: 0, outputPerMTok: 0 } },
      { id: 'llava:7b', name: 'llava:7b', capabilities: { tools: false, vision: true, reasoning: false, contextWindow: 8192 }, price: { inputPerMTok: 0, outputPerMTok: 0 } },
    ])
  })

  it('knows common models by name when the server does not say', () => {
    expect(capabilityHints('llama3.2-vision:11b')).toMatchObject({ vision: true, tools: true })
    expect(capabilityHints('registry.ollama.ai/library/qwen2.5vl:7b').vision).toBe(true)
    expect(capabilityHints('claude-sonnet-4-5')).toEqual({ tools: true, vision: true, reasoning: true, contextWindow: 200_000 })
    expect(capabilityHints('models/gemini-2.5-flash')).toMatchObject({ reasoning: true, contextWindow: 1_048_576 })
    expect(capabilityHints('my-own-finetune')).toEqual({ tools: false, vision: false, reasoning: false, contextWindow: null })
  })

  it('probes every server of the pool and reports each', async () => {
    const down = await closedUrl()
    const pool = createOllamaProvider({ config: config({ baseUrl: fake.url, hosts: [down] }), fetch })
    const result = await pool.probe()
    expect(result.ok).toBe(true)
    expect(result.latencyMs).toBeGreaterThanOrEqual(0)
    expect(result.hosts).toEqual([
      { url: fake.url, up: true, latencyMs: expect.any(Number), inFlight: 0, models: 3 },
      { url: down, up: false, latencyMs: null, error: expect.stringContaining('refused'), inFlight: 0, models: null },
    ])
  })

  it('reports a down server from probe instead of throwing', async () => {
    const down = createOllamaProvider({ config: config({ baseUrl: await closedUrl() }), fetch })
    const result = await down.probe()
    expect(result).toMatchObject({ ok: false, latencyMs: null })
    expect(result.error?.code).toBe('E_NETWORK')
  })

  it('falls through to the next server when the first is down or lacks the model', async () => {
    // Timers frozen: the chat waits for the model lists however long they take, not at most INVENTORY_WAIT_MS.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const second = await another({ models: ['qwen3:8b'] })
    second.script({ text: ['from the GPU box'] })
    const pool = createOllamaProvider({ config: config({ baseUrl: await closedUrl(), hosts: [fake.url, second.url] }), fetch })
    const chunks = await collect(pool.chat(ask({ model: 'qwen3:8b' }), new AbortController().signal))
    expect(texts(chunks)).toEqual(['from the GPU box'])
    // Its model list says it lacks qwen3:8b, so the chat is not sent there at all.
    expect(fake.requests.filter((r) => r.path === '/api/chat')).toHaveLength(0)
  })

  it('says the model is missing when no reachable server has it', async () => {
    const pool = createOllamaProvider({ config: config({ baseUrl: await closedUrl(), hosts: [fake.url] }), fetch })
    expect((await failure(pool.chat(ask({ model: 'ghost:1b' }), new AbortController().signal))).code).toBe('E_MODEL_NOT_FOUND')
  })

  it('rejects a host that is not http(s) with a clear error', async () => {
    const bad = createOllamaProvider({ config: config({ baseUrl: 'ftp://box' }), fetch })
    expect((await failure(bad.chat(ask(), new AbortController().signal))).code).toBe('E_VALIDATION')
    expect((await bad.probe()).error?.code).toBe('E_VALIDATION')
    await expect(bad.listModels()).rejects.toMatchObject({ code: 'E_VALIDATION' })
  })
})
