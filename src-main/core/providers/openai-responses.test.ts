import { describe, expect, it } from 'vitest'
import { ProviderConfigSchema, type ProviderConfigInput } from '../../../src-shared/contract'
import { startOpenAiFake } from '../../../test/support/fakes/openai-server'
import { abortWhileWaiting, appFailure, closedAfterEach, collect, signal } from '../../../test/support/provider-harness'
import { AppError } from '../errors'
import { createHuggingFaceProvider, createOpenAiProvider } from './openai-family'
import { chooseOpenAiApi } from './openai-responses'
import { createProviderFetch } from './proxy'
import type { ChatChunk, ChatProvider, ChatRequest, ProviderFactory } from './types'

const fake = closedAfterEach(startOpenAiFake)

function provider(baseUrl: string, config: Partial<ProviderConfigInput> = {}, factory: ProviderFactory = createOpenAiProvider, apiKey = 'sk-test-1234'): ChatProvider {
  const parsed = ProviderConfigSchema.parse({ id: 'p1', kind: 'openai', name: 'OpenAI', baseUrl, ...config })
  return factory({ config: parsed, apiKey, fetch: createProviderFetch(parsed.proxy, baseUrl, {}) })
}

const ask = (model = 'o4-mini', extra: Partial<ChatRequest> = {}): ChatRequest => ({ model, messages: [{ role: 'user', content: 'Hi' }], ...extra })

describe('chooseOpenAiApi', () => {
  it.each([
    ['o1', 'responses'],
    ['o3-mini', 'responses'],
    ['o4-mini', 'responses'],
    ['codex-mini-latest', 'responses'],
    ['gpt-5-codex', 'responses'],
    ['gpt-5.1-codex-max', 'responses'],
    ['computer-use-preview', 'responses'],
    ['gpt-4o-mini', 'chat'],
    ['gpt-5', 'chat'],
    ['llama-3.1-8b', 'chat'],
    ['openai/o3', 'chat'],
  ])('auto: %s → %s', (model, api) => {
    expect(chooseOpenAiApi('auto', model)).toBe(api)
    expect(chooseOpenAiApi(undefined, model)).toBe(api)
  })

  it('an explicit choice wins over the name', () => {
    expect(chooseOpenAiApi('chat', 'o4-mini')).toBe('chat')
    expect(chooseOpenAiApi('responses', 'gpt-4o-mini')).toBe('responses')
  })

  it('the provider sends each model to the API auto picks, or the configured one', async () => {
    const server = await fake()
    await collect(provider(server.url).chat(ask('o4-mini'), signal()))
    await collect(provider(server.url).chat(ask('gpt-4o-mini'), signal()))
    await collect(provider(server.url, { api: 'responses' }).chat(ask('gpt-4o-mini'), signal()))
    await collect(provider(server.url, { api: 'chat' }).chat(ask('o4-mini'), signal()))
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/responses', '/v1/chat/completions', '/v1/responses', '/v1/chat/completions'])
  })
})

describe('the Responses API through the openai SDK', () => {
  it('streams reasoning summary, text in order, usage with cached tokens, done', async () => {
    const server = await fake()
    server.script({ reasoning: ['Thinking', ' hard.'], text: ['The', ' answer', '.'], usage: { inputTokens: 30, outputTokens: 9, cachedTokens: 16 } })
    const chunks = await collect(provider(server.url).chat(ask('o4-mini', { reasoning: true }), signal()))
    expect(chunks).toEqual([
      { type: 'reasoning', text: 'Thinking' },
      { type: 'reasoning', text: ' hard.' },
      { type: 'text', text: 'The' },
      { type: 'text', text: ' answer' },
      { type: 'text', text: '.' },
      { type: 'usage', usage: { inputTokens: 30, outputTokens: 9, cachedTokens: 16 } },
      { type: 'done', finishReason: 'stop' },
    ])
    expect(server.requests[0]!.body).toMatchObject({ model: 'o4-mini', stream: true, store: false, reasoning: { summary: 'auto' } })
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test-1234')
    expect(server.requests[0]!.headers.traceparent).toBeUndefined()
  })

  it('turns a function_call item into one tool_call with parsed arguments', async () => {
    const server = await fake()
    server.script({ text: [], toolCall: { id: 'call_9', name: 'search', arguments: { q: 'otters', limit: 2 } } })
    const tools = [{ name: 'search', description: 'Search the web', parameters: { type: 'object' } }]
    const chunks = await collect(provider(server.url).chat(ask('o4-mini', { tools }), signal()))
    expect(chunks.filter((c) => c.type === 'tool_call')).toEqual([{ type: 'tool_call', call: { id: 'call_9', name: 'search', arguments: { q: 'otters', limit: 2 } } }])
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'tool_calls' })
    expect(server.requests[0]!.body).toMatchObject({ tools: [{ type: 'function', name: 'search', description: 'Search the web', parameters: { type: 'object' }, strict: false }] })
  })

  it('refuses function-call arguments that are not JSON', async () => {
    const server = await fake()
    server.script({ text: [], toolCall: { id: 'c', name: 'search', arguments: {} }, rawArguments: '{"q": ' })
    expect((await appFailure(provider(server.url).chat(ask(), signal()))).code).toBe('E_BAD_RESPONSE')
  })

  it('sends system text as instructions and the rest as input items', async () => {
    const server = await fake()
    await collect(
      provider(server.url).chat(
        {
          model: 'o4-mini',
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'What is this?', images: [{ mime: 'image/jpeg', data: '/9j/4AAQ' }] },
            { role: 'assistant', content: 'Let me look.', toolCalls: [{ id: 'call_1', name: 'zoom', arguments: { x: 1 } }] },
            { role: 'tool', content: 'a heron', toolCallId: 'call_1', toolName: 'zoom' },
          ],
          maxTokens: 64,
        },
        signal(),
      ),
    )
    expect(server.requests[0]!.body).toMatchObject({
      instructions: 'Be brief.',
      max_output_tokens: 64,
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'data:image/jpeg;base64,/9j/4AAQ', detail: 'auto' }] },
        { role: 'assistant', content: 'Let me look.' },
        { type: 'function_call', call_id: 'call_1', name: 'zoom', arguments: '{"x":1}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a heron' },
      ],
    })
  })

  it('response.incomplete: content filter → E_CONTENT_FILTERED, max_output_tokens → done length', async () => {
    const server = await fake()
    server.script({ text: ['No'], finishReason: 'content_filter' })
    expect((await appFailure(provider(server.url).chat(ask(), signal()))).code).toBe('E_CONTENT_FILTERED')
    server.script({ text: ['Cut'], finishReason: 'length' })
    expect((await collect(provider(server.url).chat(ask(), signal()))).at(-1)).toEqual({ type: 'done', finishReason: 'length' })
  })

  it.each([
    [{ code: 'server_error', message: 'Something broke.' }, 'E_PROVIDER_SERVER'],
    [{ code: 'rate_limit_exceeded', message: 'Too many requests.' }, 'E_RATE_LIMITED'],
    [{ code: 'server_error', message: 'Overloaded.', as: 'error' as const }, 'E_PROVIDER_SERVER'],
    [{ code: 'rate_limit_exceeded', message: 'Slow down.', as: 'error' as const }, 'E_RATE_LIMITED'],
  ])('failure in the stream %j → %s', async (streamError, code) => {
    const server = await fake()
    server.script({ text: ['Partial'], streamError })
    const seen: ChatChunk[] = []
    expect((await appFailure(provider(server.url).chat(ask(), signal()), seen)).code).toBe(code)
    expect(seen).toEqual([{ type: 'text', text: 'Partial' }])
  })

  it.each([
    [{ kind: 'status', status: 500 } as const, 'E_PROVIDER_SERVER'],
    [{ kind: 'status', status: 401 } as const, 'E_AUTH'],
    [{ kind: 'rate-limit', retryAfterSeconds: 3 } as const, 'E_RATE_LIMITED'],
    [{ kind: 'disconnect', afterChunks: 1 } as const, 'E_NETWORK'],
    [{ kind: 'malformed', afterChunks: 1 } as const, 'E_BAD_RESPONSE'],
  ])('fault %j → %s', async (fault, code) => {
    const server = await fake()
    server.fault(fault)
    expect((await appFailure(provider(server.url).chat(ask(), signal()))).code).toBe(code)
  })

  it('stopping a hung Responses request → E_CANCELLED, and the server saw it', async () => {
    const server = await fake()
    server.fault({ kind: 'hang' })
    const error = await abortWhileWaiting((stop) => provider(server.url).chat(ask(), stop), () => expect.poll(() => server.requests.length).toBe(1))
    expect(error).toBeInstanceOf(AppError)
    expect(error.code).toBe('E_CANCELLED')
    await expect.poll(() => server.aborted).toBe(1)
  })
})

describe('Hugging Face router', () => {
  it('speaks Chat Completions under /v1 with the HF token as the bearer key', async () => {
    const server = await fake({ models: ['meta-llama/Llama-3.1-8B-Instruct'] })
    const hf = provider(server.url, { kind: 'huggingface', name: 'Hugging Face' }, createHuggingFaceProvider, 'hf_abcdefgh1234')
    const chunks = await collect(hf.chat(ask('meta-llama/Llama-3.1-8B-Instruct'), signal()))
    expect(chunks.filter((c) => c.type === 'text').length).toBeGreaterThan(0)
    expect(server.requests[0]).toMatchObject({ path: '/v1/chat/completions', headers: { authorization: 'Bearer hf_abcdefgh1234' } })
    expect((await hf.listModels()).map((m) => m.id)).toEqual(['meta-llama/Llama-3.1-8B-Instruct'])
  })
})
