import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent, ChatSendInput, RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import type { TestCore } from '../../../test/support/core'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../../test/support/fakes/ollama-chat-server'
import { startOpenAiFake, type OpenAiFake } from '../../../test/support/fakes/openai-server'
import { createRecordingCore } from '../../../test/support/recording-core'

/**
 * The context meter and automatic compaction measure against the chat's own context length
 * (Ollama's num_ctx in the chat's parameters) when it sets one, through a real core with the
 * Ollama wire fake (a model with a 32k window) and the OpenAI fake (which takes no num_ctx).
 */

const MODEL_WINDOW = 32_768
const ollamaTarget = { providerId: 'ollama', model: 'llama3.2:latest' }
let t: TestCore
let ollama: FakeOllamaChatServer
let openai: OpenAiFake

beforeEach(async () => {
  ollama = await startFakeOllamaChat({ models: ['llama3.2:latest'], contextLength: MODEL_WINDOW })
  openai = await startOpenAiFake({ models: ['gpt-4o-mini'], modelDetails: { 'gpt-4o-mini': { context_length: 128_000 } } })
  ;({ t } = createRecordingCore({ ownsHistory: true }))
  await t.core.settings.update({ ollama: { host: ollama.url } })
  await call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: 'sk-context-0123456789abcdef' })
})

afterEach(async () => {
  await t.core.close()
  await ollama.close()
  await openai.close()
})

const api = () => createLocalClient(t.core.dispatcher, 'test')

async function call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await api().call(route, input)
  if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
  return result.value
}

async function send(input: ChatSendInput): Promise<ChatEvent[]> {
  const events: ChatEvent[] = []
  const result = await api().stream('chat.send', input, (event) => events.push(event)).done
  if (!result.ok) throw new Error(`chat.send: ${result.error.message}`)
  return events
}

/** A 12-message chat on `target` whose last reply reports `tokens` of context. */
async function chatAt(tokens: number, target: { providerId: string; model: string }, contextLength?: number): Promise<string> {
  const store = await t.core.sessions()
  const session = await store.createSession({ title: 'Long chat' })
  for (let i = 0; i < 11; i++) await store.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text: `message ${i}`, ...(i % 2 ? { provider: target.providerId, model: target.model } : {}) })
  await store.appendMessage(session.id, { role: 'assistant', text: 'last reply', provider: target.providerId, model: target.model, usage: { inputTokens: tokens - 10, outputTokens: 10 } })
  await call('chat.settings.set', { sessionId: session.id, settings: { target, params: contextLength === undefined ? {} : { contextLength } } })
  return session.id
}

const chatCalls = () => ollama.requests.filter((r) => r.path === '/api/chat')

describe('the window a chat is measured against', () => {
  it('is the chat’s own num_ctx when it sets one, else the model’s', async () => {
    const own = await chatAt(1000, ollamaTarget, 2048)
    expect(await call('chat.context', { sessionId: own })).toMatchObject({ tokens: 1000, contextWindow: 2048, windowSource: 'chat', model: ollamaTarget })
    const plain = await chatAt(1000, ollamaTarget)
    expect(await call('chat.context', { sessionId: plain })).toMatchObject({ contextWindow: MODEL_WINDOW, windowSource: 'model' })
  })

  it('follows a change of the chat’s settings', async () => {
    const sessionId = await chatAt(1000, ollamaTarget)
    await call('chat.settings.set', { sessionId, settings: { target: ollamaTarget, params: { contextLength: 4096 } } })
    expect(await call('chat.context', { sessionId })).toMatchObject({ contextWindow: 4096, windowSource: 'chat' })
    await call('chat.settings.set', { sessionId, settings: { target: ollamaTarget, params: {} } })
    expect(await call('chat.context', { sessionId })).toMatchObject({ contextWindow: MODEL_WINDOW, windowSource: 'model' })
  })

  it('ignores a context length the provider does not take (OpenAI fixes the window)', async () => {
    const target = { providerId: 'openai', model: 'gpt-4o-mini' }
    const sessionId = await chatAt(1000, target, 2048)
    expect(await call('chat.context', { sessionId })).toMatchObject({ contextWindow: 128_000, windowSource: 'model' })
  })
})

describe('automatic compaction with the chat’s own num_ctx', () => {
  it('compacts at 85 % of num_ctx, far below the model’s own window', async () => {
    // 1,800 of 2,048 is 88 %; of the model's 32k it would be 5 %.
    const sessionId = await chatAt(1800, ollamaTarget, 2048)
    ollama.script({ text: ['SUMMARY of the early turns'] }, { text: ['answer'] })
    const events = await send({ sessionId, text: 'abcd', target: ollamaTarget })
    expect(events.find((e) => e.type === 'hook')).toMatchObject({ event: 'Compaction', message: expect.stringContaining('Earlier messages were summarised') })
    expect(chatCalls()).toHaveLength(2)
    expect((await call('chat.context', { sessionId })).compactions).toHaveLength(1)
  })

  it('measures against the turn’s own num_ctx when the send sets one', async () => {
    const sessionId = await chatAt(1800, ollamaTarget, 2048)
    ollama.script({ text: ['answer'] })
    const events = await send({ sessionId, text: 'abcd', target: ollamaTarget, params: { contextLength: 8192 } })
    expect(events.filter((e) => e.type === 'hook')).toEqual([])
    expect(chatCalls()).toHaveLength(1)
    expect((chatCalls()[0]!.body as { options?: { num_ctx?: number } }).options?.num_ctx).toBe(8192)
  })

  it('without num_ctx, the same chat is far from the model’s window and is sent as it is', async () => {
    const sessionId = await chatAt(1800, ollamaTarget)
    ollama.script({ text: ['answer'] })
    const events = await send({ sessionId, text: 'abcd', target: ollamaTarget })
    expect(events.filter((e) => e.type === 'hook')).toEqual([])
    expect(chatCalls()).toHaveLength(1)
  })
})
