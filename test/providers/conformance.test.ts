import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AppError } from '../../src-main/core/errors'
import type { ChatChunk, ChatProvider, ChatRequest } from '../../src-main/core/providers/types'
import { closedUrl } from '../support/fakes/sse'
import type { FakeProviderServer } from '../support/fakes/types'
import { buildProvider, cases, chatRequests, type ProviderCase } from './cases'

/**
 * One set of promises every provider keeps, whatever its SDK and wire protocol: the same
 * assertions run against each case of ./cases.ts, through the real factory and SDK.
 */

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
}

const ask = (providerCase: ProviderCase, over: Partial<ChatRequest> = {}): ChatRequest => ({ model: providerCase.model, messages: [{ role: 'user', content: 'Hello there' }], ...over })

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return chunks
}

async function failureOf(stream: AsyncIterable<ChatChunk>): Promise<AppError> {
  try {
    for await (const chunk of stream) void chunk
  } catch (error) {
    return error as AppError
  }
  throw new Error('the stream ended without the expected failure')
}

const of = <T extends ChatChunk['type']>(chunks: ChatChunk[], type: T) => chunks.filter((c): c is Extract<ChatChunk, { type: T }> => c.type === type)

describe.each(cases)('$name provider', (providerCase) => {
  let fake: FakeProviderServer
  let provider: ChatProvider
  let printed: ReturnType<typeof vi.spyOn>[]

  beforeEach(async () => {
    fake = await providerCase.start()
    provider = buildProvider(providerCase, fake)
    // An SDK that warns or logs on its own would print into the user's terminal (CLI) and logs.
    printed = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method))
  })

  afterEach(async () => {
    for (const spy of printed) {
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
    await fake.close()
  })

  it('streams the scripted text in order and ends with a done chunk', async () => {
    fake.script({ text: ['The ', 'quick ', 'brown ', 'fox'] })
    const chunks = await collect(provider.chat(ask(providerCase), new AbortController().signal))
    expect(of(chunks, 'text').map((c) => c.text)).toEqual(['The ', 'quick ', 'brown ', 'fox'])
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'stop' })
    expect(chunks.filter((c) => c.type === 'done')).toHaveLength(1)
    // The request went to the protocol's chat endpoint (for o4-mini: the Responses API).
    expect(chatRequests(providerCase, fake)).toHaveLength(1)
  })

  it('reports usage with the numbers the server sent', async () => {
    fake.script({ text: ['counted'], usage: { inputTokens: 321, outputTokens: 54 } })
    const chunks = await collect(provider.chat(ask(providerCase), new AbortController().signal))
    expect(of(chunks, 'usage')).toEqual([{ type: 'usage', usage: expect.objectContaining({ inputTokens: 321, outputTokens: 54 }) as unknown }])
    expect(of(chunks, 'usage')[0]!.usage.estimated).not.toBe(true)
  })

  it('round-trips a tool call: the tool is offered, and its name and parsed arguments come back', async () => {
    fake.script({ text: [], toolCall: { id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } } })
    const chunks = await collect(provider.chat(ask(providerCase, { tools: [WEATHER_TOOL] }), new AbortController().signal))
    const calls = of(chunks, 'tool_call')
    expect(calls).toHaveLength(1)
    expect(calls[0]!.call).toMatchObject({ name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } })
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'tool_calls' })
    expect(JSON.stringify(chatRequests(providerCase, fake)[0]!.body)).toContain('get_weather')
  })

  // Every fake here can stream reasoning (thinking, thoughts, reasoning summaries or reasoning deltas) when asked.
  it('streams reasoning before the answer when asked for it', async () => {
    fake.script({ text: ['4'], reasoning: ['Two plus two', ' makes four'] })
    const chunks = await collect(provider.chat(ask(providerCase, { reasoning: true }), new AbortController().signal))
    expect(of(chunks, 'reasoning').map((c) => c.text).join('')).toBe('Two plus two makes four')
    const firstText = chunks.findIndex((c) => c.type === 'text')
    expect(chunks.findIndex((c) => c.type === 'reasoning')).toBeLessThan(firstText)
    expect(of(chunks, 'text').map((c) => c.text)).toEqual(['4'])
  })

  it('lists the fake’s model with a capabilities object', async () => {
    const models = await provider.listModels()
    const listed = models.find((m) => m.id === providerCase.model)
    expect(listed).toBeDefined()
    expect(listed!.capabilities).toEqual({ tools: expect.any(Boolean) as unknown, vision: expect.any(Boolean) as unknown, reasoning: expect.any(Boolean) as unknown, contextWindow: expect.toSatisfy((v: unknown) => v === null || (typeof v === 'number' && v > 0)) as unknown })
  })

  it('probes ok against the fake and not ok against a closed port', async () => {
    const up = await provider.probe()
    expect(up).toMatchObject({ ok: true, latencyMs: expect.any(Number) as unknown })
    const down = await buildProvider(providerCase, fake, { baseUrl: await closedUrl() }).probe()
    expect(down.ok).toBe(false)
    expect(down.error?.code).toBe('E_NETWORK')
  })

  it('cancels a hung request at the server when the user aborts, with E_CANCELLED', async () => {
    fake.fault({ kind: 'hang' })
    const controller = new AbortController()
    const failed = failureOf(provider.chat(ask(providerCase), controller.signal))
    await vi.waitFor(() => expect(chatRequests(providerCase, fake)).toHaveLength(1))
    controller.abort()
    expect((await failed).code).toBe('E_CANCELLED')
    await vi.waitFor(() => expect(fake.aborted).toBeGreaterThan(0))
  })

  it('sends the key in the protocol’s header (or none when there is no key) and never a traceparent', async () => {
    fake.script({ text: ['ok'] })
    await collect(provider.chat(ask(providerCase), new AbortController().signal))
    await provider.listModels()
    expect(fake.requests.length).toBeGreaterThan(1)
    for (const request of fake.requests) {
      expect(request.headers).not.toHaveProperty('traceparent')
      if (providerCase.key) expect(request.path).not.toContain(providerCase.key)
      if (providerCase.keyHeaders) expect(providerCase.keyHeaders.filter(({ name, value }) => request.headers[name] === value)).not.toEqual([])
      else expect(request.headers).not.toHaveProperty('authorization')
    }
  })
})
