import { describe, expect, it } from 'vitest'
import { ProviderConfigSchema, type ProviderConfigInput } from '../../../src-shared/contract'
import { closedPort } from '../../../test/support/fake-ollama'
import { startOpenAiFake } from '../../../test/support/fakes/openai-server'
import { abortWhen, abortWhileWaiting, appFailure, closedAfterEach, collect, signal, texts } from '../../../test/support/provider-harness'
import { AppError } from '../errors'
import type { RateLimitedError } from './errors'
import { baseUrlFor, createOpenAiCompatibleProvider, createOpenAiProvider } from './openai-family'
import { createProviderFetch } from './proxy'
import type { ChatChunk, ChatProvider, ChatRequest, ProviderFactory } from './types'

const fake = closedAfterEach(startOpenAiFake)

function provider(baseUrl: string, config: Partial<ProviderConfigInput> = {}, apiKey: string | null = 'sk-test-1234', factory: ProviderFactory = createOpenAiCompatibleProvider): ChatProvider {
  const parsed = ProviderConfigSchema.parse({ id: 'p1', kind: 'openai-compatible', name: 'Test server', baseUrl, ...config })
  return factory({ config: parsed, ...(apiKey === null ? {} : { apiKey }), fetch: createProviderFetch(parsed.proxy, baseUrl, {}) })
}

const ask = (text = 'Hi', extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], ...extra })

describe('Chat Completions through the openai SDK', () => {
  it('streams text in order, then usage (with cached tokens) and done', async () => {
    const server = await fake()
    server.script({ text: ['One', ' two', ' three'], usage: { inputTokens: 12, outputTokens: 3, cachedTokens: 8 } })
    const chunks = await collect(provider(server.url).chat(ask(), signal()))
    expect(chunks).toEqual([
      { type: 'text', text: 'One' },
      { type: 'text', text: ' two' },
      { type: 'text', text: ' three' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 3, cachedTokens: 8 } },
      { type: 'done', finishReason: 'stop' },
    ])
    const [request] = server.requests
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } } })
    expect(request!.headers.authorization).toBe('Bearer sk-test-1234')
    expect(request!.headers.traceparent).toBeUndefined()
  })

  it('reads reasoning from reasoning_content (llama.cpp, vLLM, DeepSeek)', async () => {
    const server = await fake()
    server.script({ reasoning: ['Let me', ' think.'], text: ['42'] })
    const chunks = await collect(provider(server.url).chat(ask(), signal()))
    expect(chunks.slice(0, 3)).toEqual([
      { type: 'reasoning', text: 'Let me' },
      { type: 'reasoning', text: ' think.' },
      { type: 'text', text: '42' },
    ])
  })

  it('reads reasoning from `reasoning` (OpenRouter, served under /api/v1)', async () => {
    const server = await fake({ basePath: '/api/v1', reasoningField: 'reasoning', models: ['deepseek/deepseek-r1'] })
    server.script({ reasoning: ['Hmm.'], text: ['Yes.'] })
    const chunks = await collect(provider(server.url, { preset: 'openrouter' }).chat(ask('Hi', { model: 'deepseek/deepseek-r1' }), signal()))
    expect(chunks.slice(0, 2)).toEqual([
      { type: 'reasoning', text: 'Hmm.' },
      { type: 'text', text: 'Yes.' },
    ])
    expect(server.requests[0]!.path).toBe('/api/v1/chat/completions')
  })

  it('accumulates tool-call deltas into one tool_call with parsed arguments', async () => {
    const server = await fake()
    server.script({ text: [], toolCall: { id: 'call_7', name: 'get_weather', arguments: { city: 'Oslo', days: 3 } } })
    const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]
    const chunks = await collect(provider(server.url).chat(ask('Weather?', { tools }), signal()))
    expect(chunks.filter((c) => c.type === 'tool_call')).toEqual([{ type: 'tool_call', call: { id: 'call_7', name: 'get_weather', arguments: { city: 'Oslo', days: 3 } } }])
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'tool_calls' })
    expect(server.requests[0]!.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: tools[0]!.parameters } }] })
  })

  it('refuses tool-call arguments that are not JSON', async () => {
    const server = await fake()
    server.script({ text: [], toolCall: { id: 'c', name: 'f', arguments: {} }, rawArguments: '{"city": "Os' })
    const error = await appFailure(provider(server.url).chat(ask(), signal()))
    expect(error.code).toBe('E_BAD_RESPONSE')
    expect(error.message).toMatch(/arguments of tool call f are not JSON/)
  })

  it('sends pictures as image_url data URLs and history with tool calls and results', async () => {
    const server = await fake()
    await collect(
      provider(server.url).chat(
        {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'What is this?', images: [{ mime: 'image/png', data: 'iVBORw0KGgo=' }] },
            { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'look', arguments: { zoom: 2 } }] },
            { role: 'tool', content: 'a cat', toolCallId: 'call_1', toolName: 'look' },
          ],
          temperature: 0.2,
          maxTokens: 100,
        },
        signal(),
      ),
    )
    expect(server.requests[0]!.body).toMatchObject({
      temperature: 0.2,
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
        { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"zoom":2}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
    })
  })

  it('asks OpenAI for max_completion_tokens (its reasoning models refuse max_tokens)', async () => {
    const server = await fake()
    await collect(provider(server.url, { kind: 'openai' }, 'sk-test-1234', createOpenAiProvider).chat(ask('Hi', { maxTokens: 50 }), signal()))
    expect(server.requests[0]!.body).toMatchObject({ max_completion_tokens: 50 })
    expect(server.requests[0]!.body).not.toHaveProperty('max_tokens')
  })

  it('refuses a tool result without a call id before sending anything', async () => {
    const server = await fake()
    const error = await appFailure(provider(server.url).chat({ model: 'gpt-4o-mini', messages: [{ role: 'tool', content: 'x', toolName: 'look' }] }, signal()))
    expect(error.code).toBe('E_VALIDATION')
    expect(error.message).toMatch(/tool result for look has no call id/)
    expect(server.requests).toHaveLength(0)
  })

  it('sends no Authorization header at all when no key is configured', async () => {
    const server = await fake()
    await collect(provider(server.url, { preset: 'llamacpp' }, null).chat(ask(), signal()))
    await provider(server.url, { preset: 'llamacpp' }, null).listModels()
    expect(server.requests).toHaveLength(2)
    for (const request of server.requests) expect(request.headers.authorization).toBeUndefined()
  })

  it('throws ContentFilteredError when the reply is filtered', async () => {
    const server = await fake()
    server.script({ text: ['I'], finishReason: 'content_filter' })
    expect((await appFailure(provider(server.url).chat(ask(), signal()))).code).toBe('E_CONTENT_FILTERED')
  })

  it('maps length to a done with finishReason length', async () => {
    const server = await fake()
    server.script({ text: ['cut'], finishReason: 'length' })
    expect((await collect(provider(server.url).chat(ask(), signal()))).at(-1)).toEqual({ type: 'done', finishReason: 'length' })
  })
})

describe('Chat Completions faults', () => {
  it.each([
    [{ kind: 'status', status: 500 } as const, 'E_PROVIDER_SERVER'],
    [{ kind: 'status', status: 401 } as const, 'E_AUTH'],
    [{ kind: 'status', status: 403 } as const, 'E_AUTH'],
    [{ kind: 'status', status: 404 } as const, 'E_MODEL_NOT_FOUND'],
    [{ kind: 'status', status: 400, message: "This model's maximum context length is 8192 tokens." } as const, 'E_CONTEXT_LENGTH'],
    [{ kind: 'malformed', afterChunks: 1 } as const, 'E_BAD_RESPONSE'],
  ])('%j → %s', async (fault, code) => {
    const server = await fake()
    server.fault(fault, { times: 1 })
    expect((await appFailure(provider(server.url).chat(ask(), signal()))).code).toBe(code)
    // The fault was for one request only: the next one answers.
    expect(texts(await collect(provider(server.url).chat(ask(), signal()))).join('')).toBe('Hello from the fake.')
  })

  it('429 → E_RATE_LIMITED with retryAfterMs from Retry-After', async () => {
    const server = await fake()
    server.fault({ kind: 'rate-limit', retryAfterSeconds: 7 })
    const error = (await appFailure(provider(server.url).chat(ask(), signal()))) as RateLimitedError
    expect(error.code).toBe('E_RATE_LIMITED')
    expect(error.retryAfterMs).toBe(7000)
    expect(error.retryable).toBe(true)
  })

  it('an unknown model → E_MODEL_NOT_FOUND naming it', async () => {
    const server = await fake()
    const error = await appFailure(provider(server.url).chat(ask('Hi', { model: 'gpt-nope' }), signal()))
    expect(error.code).toBe('E_MODEL_NOT_FOUND')
    expect(error.message).toMatch(/gpt-nope/)
  })

  it('a dropped connection mid-stream → E_NETWORK after the text that arrived', async () => {
    const server = await fake()
    server.fault({ kind: 'disconnect', afterChunks: 2 })
    const seen: ChatChunk[] = []
    const error = await appFailure(provider(server.url).chat(ask(), signal()), seen)
    expect(error.code).toBe('E_NETWORK')
    expect(texts(seen)).toEqual(['Hello', ' from'])
  })

  it('an error event inside the stream is mapped by its code', async () => {
    const server = await fake()
    server.script({ text: ['Hi'], streamError: { code: 'server_error', message: 'The model crashed.' } })
    expect((await appFailure(provider(server.url).chat(ask(), signal()))).code).toBe('E_PROVIDER_SERVER')
    server.script({ text: ['Hi'], streamError: { code: 'rate_limit_exceeded', message: 'Slow down.' } })
    expect((await appFailure(provider(server.url).chat(ask(), signal()))).code).toBe('E_RATE_LIMITED')
  })

  it('stopping a hung request → E_CANCELLED, and the server saw the connection close', async () => {
    const server = await fake()
    server.fault({ kind: 'hang' })
    const error = await abortWhileWaiting((stop) => provider(server.url).chat(ask(), stop), () => expect.poll(() => server.requests.length).toBe(1))
    expect(error).toBeInstanceOf(AppError)
    expect(error.code).toBe('E_CANCELLED')
    await expect.poll(() => server.aborted).toBe(1)
  })

  it('stopping mid-stream → E_CANCELLED, not a quiet end', async () => {
    const server = await fake()
    server.script({ text: ['a', 'b', 'c', 'd', 'e', 'f'], chunkDelayMs: 30 })
    const seen: ChatChunk[] = []
    const error = await abortWhen((stop) => provider(server.url).chat(ask(), stop), (_chunk, soFar) => soFar.length === 2, seen)
    expect(error.code).toBe('E_CANCELLED')
    expect(texts(seen)).toEqual(['a', 'b'])
    await expect.poll(() => server.aborted).toBe(1)
  })

  it('a server that never answers within timeoutMs → E_TIMEOUT', async () => {
    const server = await fake()
    server.fault({ kind: 'hang' })
    const error = await appFailure(provider(server.url, { timeoutMs: 1000 }).chat(ask(), signal()))
    expect(error.code).toBe('E_TIMEOUT')
  })

  it('a closed port → E_NETWORK', async () => {
    const port = await closedPort()
    expect((await appFailure(provider(`http://127.0.0.1:${port}/v1`).chat(ask(), signal()))).code).toBe('E_NETWORK')
  })
})

describe('models and probe', () => {
  it('lists chat models with capabilities from their names, skipping embeddings and speech', async () => {
    const server = await fake({ models: ['gpt-4o-mini', 'o4-mini', 'gpt-4.1', 'text-embedding-3-small', 'whisper-1'] })
    const models = await provider(server.url, { kind: 'openai' }, 'sk-test-1234', createOpenAiProvider).listModels()
    expect(models.map((m) => m.id)).toEqual(['gpt-4o-mini', 'o4-mini', 'gpt-4.1'])
    expect(models[0]!.capabilities).toEqual({ tools: true, vision: true, reasoning: false, contextWindow: 128_000 })
    expect(models[1]!.capabilities).toEqual({ tools: true, vision: true, reasoning: true, contextWindow: 200_000 })
    expect(models[2]!.capabilities.contextWindow).toBe(1_047_576)
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' })
  })

  it('reads OpenRouter’s pricing, context length and supported parameters', async () => {
    const server = await fake({
      basePath: '/api/v1',
      models: ['anthropic/claude-sonnet-4'],
      modelDetails: {
        'anthropic/claude-sonnet-4': {
          name: 'Anthropic: Claude Sonnet 4',
          context_length: 200000,
          pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003' },
          supported_parameters: ['tools', 'reasoning', 'temperature'],
          architecture: { input_modalities: ['text', 'image'] },
        },
      },
    })
    const [model] = await provider(server.url, { preset: 'openrouter' }).listModels()
    expect(model).toEqual({
      id: 'anthropic/claude-sonnet-4',
      name: 'Anthropic: Claude Sonnet 4',
      capabilities: { tools: true, vision: true, reasoning: true, contextWindow: 200000 },
      price: { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
    })
  })

  it('offers config.models when the server lists nothing, or cannot list', async () => {
    const empty = await fake({ models: [] })
    expect((await provider(empty.url, { models: ['my-model'] }).listModels()).map((m) => m.id)).toEqual(['my-model'])
    const broken = await fake()
    broken.fault({ kind: 'status', status: 500 }, { everything: true })
    expect((await provider(broken.url, { models: ['my-model'] }).listModels()).map((m) => m.id)).toEqual(['my-model'])
    const listed = await provider(broken.url).listModels().catch((error: AppError) => error)
    expect((listed as AppError).code).toBe('E_PROVIDER_SERVER')
  })

  it('probe: ok with a latency when /models answers', async () => {
    const server = await fake()
    const result = await provider(server.url).probe()
    expect(result.ok).toBe(true)
    expect(result.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('probe: down with E_NETWORK on a closed port, E_AUTH on a refused key', async () => {
    const port = await closedPort()
    const down = await provider(`http://127.0.0.1:${port}/v1`).probe()
    expect(down).toMatchObject({ ok: false, latencyMs: null })
    expect(down.error?.code).toBe('E_NETWORK')
    const server = await fake()
    server.fault({ kind: 'status', status: 401 }, { everything: true })
    expect((await provider(server.url).probe()).error?.code).toBe('E_AUTH')
  })
})

describe('baseUrlFor', () => {
  const config = (input: Partial<ProviderConfigInput>) => ProviderConfigSchema.parse({ id: 'p1', kind: 'openai-compatible', name: 'X', ...input })
  it('uses the kind’s or preset’s default when no address is set, and normalises a typed one', () => {
    expect(baseUrlFor(config({ kind: 'openai' }))).toBe('https://api.openai.com/v1')
    expect(baseUrlFor(config({ kind: 'huggingface' }))).toBe('https://router.huggingface.co/v1')
    expect(baseUrlFor(config({ preset: 'lmstudio' }))).toBe('http://127.0.0.1:1234/v1')
    expect(baseUrlFor(config({ preset: 'openrouter' }))).toBe('https://openrouter.ai/api/v1')
    expect(baseUrlFor(config({ preset: 'llamacpp', baseUrl: 'gpu-box.local' }))).toBe('http://gpu-box.local:8080/v1')
  })
  it('a custom server without an address is a ValidationError', () => {
    expect(() => baseUrlFor(config({ preset: 'custom' }))).toThrow(/needs an address/)
  })
})
