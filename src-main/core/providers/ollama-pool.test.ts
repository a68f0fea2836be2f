import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ProviderConfig } from '../../../src-shared/contract'
import { FakeOllamaChatServer, type OllamaFakeOptions } from '../../../test/support/fakes/ollama-chat-server'
import { writeJson } from '../../../test/support/fakes/sse'
import { closedAfterEach, collect, failure, texts } from '../../../test/support/provider-harness'
import { createOllamaProvider } from './ollama'
import { modelKey, OllamaPool } from './ollama-pool'
import type { ChatProvider, ChatRequest } from './types'

/** The chat fake plus /api/ps, the models a server holds in memory. */
class FakeOllamaWithPs extends FakeOllamaChatServer {
  loaded: string[] = []
  protected override async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (req.method === 'GET' && req.url === '/api/ps') return writeJson(res, 200, { models: this.loaded.map((name) => ({ name, model: name, size: 1, digest: 'd', expires_at: '2030-01-01T00:00:00Z', size_vram: 1 })) })
    return super.handle(req, res, body)
  }
}

const config = (urls: string[]): ProviderConfig => ({ id: 'pool', kind: 'ollama', name: 'Ollama pool', enabled: true, proxy: { mode: 'auto' }, timeoutMs: 120_000, baseUrl: urls[0], hosts: urls.slice(1) })
const ask = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'llama3.2:latest', messages: [{ role: 'user', content: 'Hi' }], ...over })
const chats = (fake: FakeOllamaChatServer): number => fake.requests.filter((r) => r.path === '/api/chat').length
const inFlight = async (provider: ChatProvider): Promise<number[]> => ((await provider.probe()).hosts ?? []).map((h) => h.inFlight ?? -1)

describe('OllamaPool order', () => {
  it('puts servers with the model first, least busy first, then unknown, then without it, then down', () => {
    const pool = new OllamaPool(['a', 'b', 'c', 'd', 'e'])
    pool.setModels('a', ['qwen3:8b'])
    pool.setModels('b', ['llama3.2'])
    pool.setModels('c', ['llama3.2:latest'])
    pool.setModels('e', ['llama3.2:latest'])
    pool.markDown('e')
    expect(pool.order('llama3.2:latest')).toEqual(['b', 'c', 'd', 'a', 'e'])
    const release = pool.begin('b')
    expect(pool.order('llama3.2')).toEqual(['c', 'b', 'd', 'a', 'e'])
    release()
    release()
    expect(pool.view().map((h) => h.inFlight)).toEqual([0, 0, 0, 0, 0])
  })

  it('breaks ties by the model being loaded in memory, then by the user’s order', () => {
    const pool = new OllamaPool(['a', 'b', 'c'])
    for (const host of ['a', 'b', 'c']) pool.setModels(host, ['m:1'])
    pool.setLoaded('c', ['m:1'])
    expect(pool.order('m:1')).toEqual(['c', 'a', 'b'])
    pool.begin('c')
    expect(pool.order('m:1')).toEqual(['a', 'b', 'c'])
  })

  it('a "not found" moves the server behind unknown ones until its next list; serving the model puts it back', () => {
    const pool = new OllamaPool(['a', 'b'])
    pool.setModels('a', ['m:1'])
    pool.forgetModel('a', 'm:1')
    expect(pool.order('m:1')).toEqual(['b', 'a'])
    pool.served('a', 'm:1')
    expect(pool.order('m:1')).toEqual(['a', 'b'])
  })

  it('asks for a list again only after the TTL, and for a down server not before either', () => {
    let now = 1_000
    const pool = new OllamaPool(['a', 'b'], { now: () => now, modelListTtlMs: 30_000 })
    expect(pool.stale()).toEqual(['a', 'b'])
    pool.setModels('a', [])
    pool.markDown('b')
    expect(pool.stale()).toEqual([])
    now += 30_000
    expect(pool.stale()).toEqual(['a', 'b'])
  })

  it('treats a name without a tag as :latest', () => {
    expect(modelKey('llama3.2')).toBe('llama3.2:latest')
    expect(modelKey('registry.local:5000/me/model')).toBe('registry.local:5000/me/model:latest')
    expect(modelKey('qwen3:8b')).toBe('qwen3:8b')
  })
})

describe('Ollama provider over a pool of servers', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Timers frozen: a chat waits for the model lists however long they take, not at most INVENTORY_WAIT_MS. */
  const patientForLists = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })

  const start = closedAfterEach(async (options: OllamaFakeOptions & { reply?: string } = {}) => {
    const fake = await new FakeOllamaWithPs(options).listen()
    if (options.reply) fake.script({ text: [options.reply] })
    return fake
  })

  it('spreads concurrent chats over the servers that have the model', async () => {
    const fakes = await Promise.all(['A', 'B', 'C'].map((name) => start({ reply: name })))
    for (const fake of fakes) fake.script({ text: [fake === fakes[0] ? 'A' : fake === fakes[1] ? 'B' : 'C', '.'], chunkDelayMs: 30 })
    const provider = createOllamaProvider({ config: config(fakes.map((f) => f.url)), fetch })
    const answers = await Promise.all([1, 2, 3].map(async () => texts(await collect(provider.chat(ask(), new AbortController().signal)))[0]))
    expect(answers.sort()).toEqual(['A', 'B', 'C'])
    expect(fakes.map(chats)).toEqual([1, 1, 1])
    expect(await inFlight(provider)).toEqual([0, 0, 0])
  })

  it('skips a server whose list lacks the model without sending it the chat', async () => {
    patientForLists()
    const without = await start({ models: ['qwen3:8b'], reply: 'wrong' })
    const withModel = await start({ reply: 'right' })
    const provider = createOllamaProvider({ config: config([without.url, withModel.url]), fetch })
    expect(texts(await collect(provider.chat(ask(), new AbortController().signal)))).toEqual(['right'])
    expect(texts(await collect(provider.chat(ask(), new AbortController().signal)))).toEqual(['right'])
    expect(chats(without)).toBe(0)
    expect(without.requests.some((r) => r.path === '/api/tags')).toBe(true)
    // The model it has still goes there.
    expect(texts(await collect(provider.chat(ask({ model: 'qwen3:8b' }), new AbortController().signal)))).toEqual(['wrong'])
  })

  it('prefers the server that has the model loaded in memory', async () => {
    patientForLists()
    const cold = await start({ reply: 'cold' })
    const warm = await start({ reply: 'warm' })
    warm.loaded = ['llama3.2:latest']
    const provider = createOllamaProvider({ config: config([cold.url, warm.url]), fetch })
    expect(texts(await collect(provider.chat(ask(), new AbortController().signal)))).toEqual(['warm'])
  })

  it('moves traffic off a server that goes down mid-session', async () => {
    patientForLists()
    const first = await start({ reply: 'first' })
    const second = await start({ reply: 'second' })
    // A clock that stands still: the lists never go stale during the test, however long it takes.
    const provider = createOllamaProvider({ config: config([first.url, second.url]), fetch, now: () => 0 })
    expect(texts(await collect(provider.chat(ask(), new AbortController().signal)))).toEqual(['first'])
    await first.close()
    expect(texts(await collect(provider.chat(ask(), new AbortController().signal)))).toEqual(['second'])
    const before = second.requests.length
    expect(texts(await collect(provider.chat(ask(), new AbortController().signal)))).toEqual(['second'])
    // Known down: the next chat goes straight to the live server, one request.
    expect(second.requests.length - before).toBe(1)
    const probe = await provider.probe()
    expect(probe.hosts?.map((h) => h.up)).toEqual([false, true])
  })

  it('routes away from a server that answers "model not found" although its list had the model', async () => {
    const stale = await start({ reply: 'stale' })
    const fresh = await start({ reply: 'fresh' })
    const provider = createOllamaProvider({ config: config([stale.url, fresh.url]), fetch })
    await provider.listModels()
    stale.fault({ kind: 'status', status: 404, message: 'model "llama3.2:latest" not found, try pulling it first' }, { times: 1 })
    expect(texts(await collect(provider.chat(ask(), new AbortController().signal)))).toEqual(['fresh'])
    expect(texts(await collect(provider.chat(ask(), new AbortController().signal)))).toEqual(['fresh'])
    expect(chats(stale)).toBe(1)
  })

  it('counts in-flight chats per server and returns to zero after a cancel, an error and an early stop', async () => {
    const one = await start()
    const two = await start()
    // After 'a' a chat on `one` waits a minute: it is in flight for as long as the test needs it to be.
    one.script({ text: ['a', 'b', 'c', 'd'], chunkDelayMs: 60_000 })
    two.fault({ kind: 'status', status: 500 })
    const provider = createOllamaProvider({ config: config([one.url, two.url]), fetch })
    await provider.listModels()

    const controller = new AbortController()
    const running = failure(provider.chat(ask(), controller.signal))
    await vi.waitFor(() => expect(chats(one)).toBe(1))
    expect(await inFlight(provider)).toEqual([1, 0])
    controller.abort()
    expect((await running).code).toBe('E_CANCELLED')
    expect(await inFlight(provider)).toEqual([0, 0])

    // The busy-first order sends this one to `two`, whose 500 is not a reason to try another server.
    const stopBlocker = new AbortController()
    const blocker = failure(provider.chat(ask(), stopBlocker.signal))
    await vi.waitFor(() => expect(chats(one)).toBe(2))
    expect((await failure(provider.chat(ask(), new AbortController().signal))).code).toBe('E_PROVIDER_SERVER')
    stopBlocker.abort()
    expect((await blocker).code).toBe('E_CANCELLED')
    expect(await inFlight(provider)).toEqual([0, 0])

    for await (const chunk of provider.chat(ask(), new AbortController().signal)) if (chunk.type === 'text') break
    expect(await inFlight(provider)).toEqual([0, 0])
  })

  it('reports per server how many models it lists and how many of our chats it serves', async () => {
    const a = await start({ models: ['llama3.2:latest', 'qwen3:8b'] })
    const b = await start({ models: ['llama3.2:latest'] })
    const provider = createOllamaProvider({ config: config([a.url, b.url]), fetch })
    const probe = await provider.probe()
    expect(probe.hosts).toEqual([
      { url: a.url, up: true, latencyMs: expect.any(Number), inFlight: 0, models: 2 },
      { url: b.url, up: true, latencyMs: expect.any(Number), inFlight: 0, models: 1 },
    ])
  })
})
