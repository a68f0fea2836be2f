import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent, ChatSendInput, RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import type { TestCore } from '../../../test/support/core'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../../test/support/fakes/ollama-chat-server'
import { startOpenAiFake, type OpenAiFake } from '../../../test/support/fakes/openai-server'
import { createRecordingCore } from '../../../test/support/recording-core'

/** The whole chat path through the contract: real store, real SDKs, loopback fakes of the wire protocols. */

const PLANTED_KEY = 'sk-planted-0123456789abcdefghijklmnop'

let t: TestCore
let openai: OpenAiFake
let ollama: FakeOllamaChatServer
let delays: number[]

beforeEach(async () => {
  openai = await startOpenAiFake({ models: ['gpt-4o-mini'] })
  ollama = await startFakeOllamaChat({ models: ['llama3.2:latest'] })
  ;({ t, delays } = createRecordingCore())
  await t.core.settings.update({ ollama: { host: ollama.url } })
  await call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: PLANTED_KEY })
})

afterEach(async () => {
  await t.core.close()
  await openai.close()
  await ollama.close()
})

const words = (count: number): string[] => Array.from({ length: count }, (_, i) => `w${i} `)
const api = () => createLocalClient(t.core.dispatcher, 'test')

async function send(input: ChatSendInput) {
  const events: ChatEvent[] = []
  const result = await api().stream('chat.send', input, (event) => void events.push(event)).done
  return { events, result }
}

async function call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await api().call(route, input)
  if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
  return result.value
}

async function messagesOf(sessionId: string) {
  const store = await t.core.sessions()
  return (await store.getMessages(sessionId, { limit: 100 })).messages
}

describe('chat.send', () => {
  it('streams a reply in order, saves both turns, and counts tokens, cost and speed', async () => {
    openai.script({ text: ['Hel', 'lo ', 'there'], usage: { inputTokens: 12, outputTokens: 3 } })
    const { events, result } = await send({ text: 'Say hello please', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('')).toBe('Hello there')
    expect(events[0]).toMatchObject({ type: 'started', sessionId: result.value.sessionId })
    const usage = events.find((e) => e.type === 'usage')
    expect(usage).toMatchObject({ usage: { inputTokens: 12, outputTokens: 3, estimated: false } })
    const message = result.value.message
    expect(message).toMatchObject({ role: 'assistant', status: 'complete', text: 'Hello there', provider: 'openai', model: 'gpt-4o-mini' })
    // gpt-4o-mini is priced in the shipped table, so the cost is a real positive figure.
    expect(message.cost).toBeGreaterThan(0)
    expect(message.timings?.totalMs).toBeGreaterThanOrEqual(0)
    const stored = await messagesOf(result.value.sessionId)
    expect(stored.map((m) => [m.role, m.text])).toEqual([
      ['user', 'Say hello please'],
      ['assistant', 'Hello there'],
    ])
    const session = await (await t.core.sessions()).getSession(result.value.sessionId)
    expect(session.title).toBe('Say hello please')
  })

  it('retries a server error with backoff and answers from the same provider', async () => {
    openai.script({ text: ['ok'] })
    openai.fault({ kind: 'status', status: 500 }, { times: 1 })
    const { events, result } = await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(result.ok).toBe(true)
    expect(events.some((e) => e.type === 'retry')).toBe(true)
    expect(delays.length).toBe(1)
    expect(openai.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(2)
  })

  it('falls back to the local Ollama when the cloud provider keeps failing, and says so', async () => {
    openai.fault({ kind: 'status', status: 500 })
    ollama.script({ text: ['local ', 'answer'] })
    const { result, events } = await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.message).toMatchObject({ provider: 'ollama', model: 'llama3.2:latest', text: 'local answer', cost: 0 })
    expect(result.value.attempts.map((a) => [a.providerId, a.outcome])).toEqual([
      ['openai', 'failed'],
      ['ollama', 'answered'],
    ])
    expect(events.some((e) => e.type === 'answering' && e.providerId === 'ollama')).toBe(true)
  })

  it('tells turn listeners who answered, the tokens and whether it fell back; failed turns are not announced', async () => {
    const turns: unknown[] = []
    const stop = t.core.providers.chat.onTurn((turn) => void turns.push(turn))
    t.core.providers.chat.onTurn(() => {
      throw new Error('a broken listener')
    })
    openai.script({ text: ['ok'], usage: { inputTokens: 7, outputTokens: 3 } })
    expect((await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })).result.ok).toBe(true)
    openai.fault({ kind: 'status', status: 500 })
    ollama.script({ text: ['local'] })
    expect((await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })).result.ok).toBe(true)
    ollama.fault({ kind: 'status', status: 500 })
    await send({ text: 'hi', target: { providerId: 'ollama', model: 'llama3.2:latest' } })
    stop()
    expect(turns).toEqual([
      expect.objectContaining({ providerId: 'openai', providerKind: 'openai', tokens: 10, toolCalls: 0, rounds: 1, fellBack: false }),
      expect.objectContaining({ providerId: 'ollama', providerKind: 'ollama', fellBack: true }),
    ])
  })

  it('does not fall back on a refused key: the user must fix it, and no reply is stored', async () => {
    openai.fault({ kind: 'status', status: 401 })
    const { result, events } = await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_AUTH' } })
    expect(ollama.requests.some((r) => r.path === '/api/chat')).toBe(false)
    const started = events.find((e) => e.type === 'started') as Extract<ChatEvent, { type: 'started' }>
    const stored = await messagesOf(started.sessionId)
    const reply = stored.find((m) => m.role === 'assistant')!
    expect(reply).toMatchObject({ status: 'error', text: '' })
    expect(reply.error).toContain('refused the API key')
  })

  it('gives a friendly error with a next step when every provider fails, never a fake reply', async () => {
    openai.fault({ kind: 'status', status: 500 })
    ollama.fault({ kind: 'status', status: 500 })
    const { result, events } = await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('E_NO_PROVIDER')
    expect(result.error.hint).toBeTruthy()
    const started = events.find((e) => e.type === 'started') as Extract<ChatEvent, { type: 'started' }>
    const stored = await messagesOf(started.sessionId)
    expect(stored.filter((m) => m.role === 'assistant' && m.status === 'complete')).toEqual([])
  })

  it('never retries once text reached the user: a dropped stream keeps the partial text as failed', async () => {
    openai.script({ text: ['one ', 'two ', 'three'] })
    openai.fault({ kind: 'disconnect', afterChunks: 1 })
    const { result, events } = await send({ text: 'count', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_NETWORK' } })
    expect(openai.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1)
    const started = events.find((e) => e.type === 'started') as Extract<ChatEvent, { type: 'started' }>
    const reply = (await messagesOf(started.sessionId)).find((m) => m.role === 'assistant')!
    expect(reply).toMatchObject({ status: 'error', text: 'one ' })
  })

  it('stops at the provider when the user cancels, keeping what was already shown', async () => {
    // The next chunk would come seconds after the cancel (which follows the first chunk at once), so it is never part of the reply.
    openai.script({ text: ['first ', 'second ', 'third'], chunkDelayMs: 2_000 })
    const events: ChatEvent[] = []
    const stream = api().stream('chat.send', { text: 'go', target: { providerId: 'openai', model: 'gpt-4o-mini' } }, (event) => {
      events.push(event)
      if (event.type === 'text') stream.cancel()
    })
    const result = await stream.done
    expect(result.ok).toBe(false)
    await expect.poll(() => openai.aborted).toBeGreaterThan(0)
    const started = events.find((e) => e.type === 'started') as Extract<ChatEvent, { type: 'started' }>
    await expect.poll(async () => (await messagesOf(started.sessionId)).find((m) => m.role === 'assistant')?.status).toBe('complete')
    const reply = (await messagesOf(started.sessionId)).find((m) => m.role === 'assistant')!
    expect(reply.text).toBe('first ')
    expect(reply.timings?.stopped).toBe(1)
  })

  it('regenerates a reply beside the old one and resends an edited prompt as a new branch', async () => {
    openai.script({ text: ['first'] }, { text: ['second'] }, { text: ['third'] })
    const first = await send({ text: 'question', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    if (!first.result.ok) throw new Error('first send failed')
    const { sessionId, message } = first.result.value
    const again = await send({ sessionId, text: '', regenerate: message.id, target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    if (!again.result.ok) throw new Error('regenerate failed')
    expect(again.result.value.message.parentId).toBe(message.parentId)
    expect(again.result.value.message.text).toBe('second')
    const edited = await send({ sessionId, text: 'better question', editOf: message.parentId!, target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    if (!edited.result.ok) throw new Error('edit failed')
    const store = await t.core.sessions()
    const newUser = await store.getMessage(edited.result.value.message.parentId!)
    expect(newUser).toMatchObject({ role: 'user', text: 'better question', parentId: null })
    // The model saw only the edited branch.
    const lastBody = openai.requests.at(-1)!.body as { messages: { content: unknown }[] }
    expect(JSON.stringify(lastBody.messages)).not.toContain('"question"')
  })

  it('Auto with an empty chain answers from the first enabled provider’s first model', async () => {
    ollama.script({ text: ['auto answer'] })
    const { result } = await send({ text: 'hi', target: { auto: true } })
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'auto answer' } } })
    if (!result.ok) return
    // The built-in Ollama comes first in the list of providers.
    expect(result.value.message.provider).toBe('ollama')
  })

  it('the cheapest policy answers from the free local model, and from a vision model when a picture is attached', async () => {
    const routing = await call('routing.get', {})
    await call('routing.update', { ...routing, policy: 'cheapest' })
    ollama.script({ text: ['local and free'] })
    openai.script({ text: ['I see a pixel'] })
    const plain = await send({ text: 'hi', target: { auto: true } })
    expect(plain.result).toMatchObject({ ok: true, value: { message: { provider: 'ollama', cost: 0 } } })
    // A 1×1 PNG: llama3.2 here cannot see pictures, gpt-4o-mini can.
    const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
    const withPicture = await send({ text: 'what is this?', images: [{ name: 'p.png', mime: 'image/png', data: pixel }], target: { auto: true } })
    expect(withPicture.result).toMatchObject({ ok: true, value: { message: { provider: 'openai', model: 'gpt-4o-mini', text: 'I see a pixel' } } })
    const body = openai.requests.at(-1)!.body as { messages: { content: unknown }[] }
    expect(JSON.stringify(body.messages.at(-1)!.content)).toContain('data:image/png;base64,')
  })

  it('Auto follows the fallback chain in order', async () => {
    const routing = await call('routing.get', {})
    await call('routing.update', { ...routing, chain: [{ providerId: 'openai', model: 'gpt-4o-mini', enabled: true }] })
    openai.script({ text: ['from the chain'] })
    const { result } = await send({ text: 'hi', target: { auto: true } })
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'from the chain', provider: 'openai' } } })
  })

  it('adds up tokens and cost per session, and compacts a long session with a summary written by a model', async () => {
    openai.script({ text: ['a'], usage: { inputTokens: 100, outputTokens: 10 } }, { text: ['b'], usage: { inputTokens: 200, outputTokens: 20 } })
    const first = await send({ text: 'one '.repeat(500), target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    if (!first.result.ok) throw new Error('first send failed')
    const { sessionId } = first.result.value
    const second = await send({ sessionId, text: 'two '.repeat(500), target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    if (!second.result.ok) throw new Error('second send failed')
    const spend = await call('sessions.spend', { id: sessionId })
    expect(spend).toMatchObject({ inputTokens: 300, outputTokens: 30, replies: 2, estimated: false, unpriced: 0 })
    expect(spend.costUsd).toBeCloseTo((first.result.value.message.cost ?? 0) + (second.result.value.message.cost ?? 0), 12)
    // Compaction keeps the 8 newest messages as they are: a few more turns so there is something older to summarise.
    openai.script({ text: ['more'], usage: { inputTokens: 1, outputTokens: 1 } })
    for (let i = 0; i < 4; i++) await send({ sessionId, text: `turn ${i} `.repeat(200), target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    // The summary is written by the chat's own model (gpt-4o-mini here), not by Auto's first choice.
    openai.script({ text: ['Summary: ', 'the user counted.'] })
    const ollamaChats = ollama.requests.filter((r) => r.path === '/api/chat').length
    const compacted = await call('sessions.compact', { sessionId, force: true, contextWindow: 1000 })
    expect(compacted).toMatchObject({ compacted: true })
    const summaryBody = openai.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body as { model: string; messages: { role: string; content: string }[] }
    expect(summaryBody.model).toBe('gpt-4o-mini')
    expect(summaryBody.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Summarise the conversation') })
    expect(ollama.requests.filter((r) => r.path === '/api/chat')).toHaveLength(ollamaChats)
  })

  it('stops the provider request when the prompt cannot be saved', async () => {
    // Serving it all would take 10 s: far longer than the stop needs, however busy the machine.
    openai.script({ text: words(50), chunkDelayMs: 200 })
    await (await t.core.sessions()).close()
    const { result } = await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(result.ok).toBe(false)
    // Either the request was stopped before it left, or the fake saw it cancelled: never served to the end.
    const chats = () => openai.requests.filter((r) => r.path.endsWith('/chat/completions')).length
    await expect.poll(() => openai.aborted - chats()).toBe(0)
  })

  it('refuses bad input with a specific error and stores nothing', async () => {
    const empty = await send({ text: '   ', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(empty.result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const unknown = await send({ text: 'hi', target: { providerId: 'nobody', model: 'x' } })
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: 'There is no provider "nobody".' } })
    const tooBig = await send({ text: 'look', images: [{ name: 'a.png', mime: 'image/png', data: 'A'.repeat(900_004) }], target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(tooBig.result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    expect(JSON.stringify(tooBig.result)).toContain('650 KB')
    const page = await (await t.core.sessions()).listSessions({})
    expect(page.total).toBe(0)
  })

  it('blocks paid models over the budget cap but still lets a local model answer', async () => {
    const routing = await call('routing.get', {})
    await call('routing.update', { ...routing, budget: { dailyUsd: 0, monthlyUsd: null, warnAt: 0.8 }, localLastResort: false })
    const blocked = await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(blocked.result).toMatchObject({ ok: false, error: { code: 'E_BUDGET' } })
    ollama.script({ text: ['free'] })
    const local = await send({ text: 'hi', target: { providerId: 'ollama', model: 'llama3.2:latest' } })
    expect(local.result).toMatchObject({ ok: true, value: { message: { text: 'free', cost: 0 } } })
  })

  it('opens the circuit after repeated failures, shows it on the dashboard and skips the provider', async () => {
    const routing = await call('routing.get', {})
    await call('routing.update', { ...routing, breaker: { failureThreshold: 2, cooldownMs: 60_000 }, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } })
    openai.fault({ kind: 'status', status: 500 })
    ollama.script({ text: ['fine'] })
    await send({ text: 'one', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    await send({ text: 'two', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    const health = await call('health.snapshot', {})
    const card = health.providers.find((p) => p.providerId === 'openai')!
    expect(card.breakers).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', state: 'open' })])
    const before = openai.requests.length
    const third = await send({ text: 'three', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    expect(openai.requests.length).toBe(before)
    if (!third.result.ok) throw new Error('third failed')
    expect(third.result.value.attempts[0]).toMatchObject({ providerId: 'openai', outcome: 'skipped' })
    expect(third.result.value.attempts[0]!.reason).toMatch(/circuit open/)
  })

  it('never lets a key reach the logs, the renderer or the settings files', async () => {
    openai.script({ text: ['ok'] })
    openai.fault({ kind: 'status', status: 401 }, { times: 1 })
    await send({ text: 'hi', target: { providerId: 'openai', model: 'gpt-4o-mini' } })
    const listed = await call('providers.list', {})
    expect(JSON.stringify(listed)).not.toContain(PLANTED_KEY)
    expect(JSON.stringify(listed)).toContain('mnop') // last four, and only those
    expect(t.lines.join('\n')).not.toContain(PLANTED_KEY)
    for (const file of ['settings.json', 'providers.json']) {
      const full = path.join(t.dir, file)
      if (fs.existsSync(full)) expect(fs.readFileSync(full, 'utf8')).not.toContain(PLANTED_KEY)
    }
    // It did reach the provider, where it belongs.
    expect(openai.requests[0]!.headers.authorization).toBe(`Bearer ${PLANTED_KEY}`)
  })
})
