import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent, RouteInput, RouteName } from '../../../src-shared/contract'
import { startChatCore, type ChatCore } from '../../../test/support/chat-core'
import { createLocalClient } from '../rpc'

/** Per-chat settings through the contract: stored with the session, used by every turn, bad values never lose a message. */

let c: ChatCore

beforeEach(async () => {
  c = await startChatCore()
})

afterEach(async () => {
  await c.close()
})

const chatBodies = () => c.openai.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as Record<string, unknown>)
const notices = (events: ChatEvent[]) => events.flatMap((e) => (e.type === 'notice' ? [e.message] : []))

async function refused<K extends RouteName>(route: K, input: unknown): Promise<{ code: string; message: string }> {
  const result = await createLocalClient(c.t.core.dispatcher, 'test').call(route, input as RouteInput<K>)
  if (result.ok) throw new Error(`${route} accepted ${JSON.stringify(input)}`)
  return { code: result.error.code, message: result.error.message }
}

async function newChat(): Promise<string> {
  const { result } = await c.send({ text: 'First', target: c.target })
  if (!result.ok) throw new Error(result.error.message)
  return result.value.sessionId
}

describe('per-chat settings', () => {
  it('every turn runs with the chat’s stored system prompt and parameters', async () => {
    const sessionId = await newChat()
    await c.call('chat.settings.set', { sessionId, settings: { target: c.target, system: 'Answer in French.', params: { temperature: 0.3, topP: 0.5, seed: 7, stop: ['###'], maxTokens: 99 } } })
    const { result } = await c.send({ sessionId, text: 'Second', target: c.target })
    expect(result.ok).toBe(true)
    const body = chatBodies().at(-1)!
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.5, seed: 7, stop: ['###'], max_completion_tokens: 99 })
    expect((body.messages as { role: string; content: string }[])[0]).toEqual({ role: 'system', content: 'Answer in French.' })
  })

  it('what a send sets wins over the stored value and is stored', async () => {
    const sessionId = await newChat()
    await c.call('chat.settings.set', { sessionId, settings: { params: { temperature: 0.3, seed: 7 } } })
    await c.send({ sessionId, text: 'Again', target: c.target, params: { temperature: 1.1 } })
    expect(chatBodies().at(-1)).toMatchObject({ temperature: 1.1, seed: 7 })
    const { settings } = await c.call('chat.settings.get', { sessionId })
    expect(settings).toEqual({ target: c.target, params: { temperature: 1.1, seed: 7 } })
  })

  it('a new chat takes the system prompt from Settings → Chat and keeps its model', async () => {
    await c.t.core.settings.update({ chat: { defaultSystem: 'Be brief.' } })
    const sessionId = await newChat()
    expect((chatBodies().at(-1)!.messages as { role: string; content: string }[])[0]).toEqual({ role: 'system', content: 'Be brief.' })
    expect((await c.call('chat.settings.get', { sessionId })).settings).toEqual({ target: c.target, system: 'Be brief.', params: {} })
  })

  it('a parameter the provider does not take is reported, not sent', async () => {
    const sessionId = await newChat()
    const { events } = await c.send({ sessionId, text: 'Hi', target: c.target, params: { topK: 5, contextLength: 8192 } })
    expect(notices(events)).toEqual([
      'OpenAI does not take top_k (the OpenAI API has no top_k), context length (the context window is fixed by the model); they were not sent.',
    ])
    expect(chatBodies().at(-1)).not.toHaveProperty('top_k')
  })

  it('unreadable stored settings give the defaults and a notice, and lose no message', async () => {
    const sessionId = await newChat()
    const store = await c.t.core.sessions()
    for (const bad of ['{not json', JSON.stringify({ params: { temperature: 'hot' } }), JSON.stringify({ params: {}, futureField: 1 })]) {
      await store.writeChatSettings(sessionId, bad)
      const read = await c.call('chat.settings.get', { sessionId })
      expect(read.settings).toEqual({ params: {} })
      expect(read.notice).toMatch(/defaults are in use/)
    }
    const { events, result } = await c.send({ sessionId, text: 'Still here?', target: c.target })
    expect(result.ok).toBe(true)
    expect(notices(events)[0]).toMatch(/defaults are in use. Your messages are untouched/)
    const texts = (await store.getMessages(sessionId, { limit: 10 })).messages.map((m) => m.text)
    expect(texts).toEqual(['First', 'Hello from the fake.', 'Still here?', 'Hello from the fake.'])
    // The turn wrote readable settings back.
    expect((await c.call('chat.settings.get', { sessionId })).notice).toBeNull()
  })

  it('refuses bad settings with the reason, and keeps what was stored', async () => {
    const sessionId = await newChat()
    await c.call('chat.settings.set', { sessionId, settings: { params: { seed: 1 } } })
    const cases: [unknown, RegExp][] = [
      [{ sessionId, settings: { params: { temperature: 5 } } }, /temperature is 0 to 2/],
      [{ sessionId, settings: { params: { topK: 2.5 } } }, /top_k is a whole number/],
      [{ sessionId, settings: { params: { stop: ['a', 'b', 'c', 'd', 'e'] } } }, /at most 4 stop sequences/],
      [{ sessionId, settings: { params: { stop: [''] } } }, /a stop sequence cannot be empty/],
      [{ sessionId, settings: { params: { reasoningEffort: 'max' } } }, /reasoningEffort/],
      [{ sessionId, settings: { params: { nucleus: 1 } } }, /nucleus/],
      [{ sessionId: '../etc', settings: { params: {} } }, /not a session id/],
    ]
    for (const [input, message] of cases) {
      const error = await refused('chat.settings.set', input)
      expect(error.code).toBe('E_VALIDATION')
      expect(error.message).toMatch(message)
    }
    expect((await c.call('chat.settings.get', { sessionId })).settings.params).toEqual({ seed: 1 })
    expect((await refused('chat.settings.get', { sessionId: '0190b0a0-0000-7000-8000-000000000000' })).code).toBe('E_NOT_FOUND')
  })

  it('says how the chat’s provider takes each parameter', async () => {
    const table = await c.call('chat.parameters', { providerId: 'openai', model: 'gpt-4o-mini' })
    expect(table.dialect).toBe('openai-chat')
    expect(table.params.topK.support).toBe('no')
    expect(table.params.seed).toEqual({ support: 'yes', field: 'seed' })
    expect((await c.call('chat.parameters', { providerId: 'openai', model: 'o4-mini' })).dialect).toBe('openai-responses')
  })

  it('a model that is gone is said so, with the same family and provider first, then the default', async () => {
    expect(await c.call('chat.model.check', { target: c.target })).toEqual({ available: true, alternatives: [] })
    await c.t.core.settings.update({ chat: { defaultTarget: { providerId: 'ollama', model: 'llama3.2:latest' } } })
    const gone = await c.call('chat.model.check', { target: { providerId: 'openai', model: 'gpt-4o' } })
    expect(gone).toEqual({
      available: false,
      alternatives: [
        { providerId: 'openai', model: 'gpt-4o-mini', reason: 'family' },
        { providerId: 'ollama', model: 'llama3.2:latest', reason: 'default' },
      ],
    })
  })
})

describe('drafts', () => {
  it('are kept per chat (or for a new chat), replaced, and cleared', async () => {
    expect(await c.call('chat.drafts.get', { key: 'new' })).toBeNull()
    await c.call('chat.drafts.set', { key: 'new', body: 'half a thought' })
    await c.call('chat.drafts.set', { key: 'abc-1', body: 'other chat' })
    expect(await c.call('chat.drafts.get', { key: 'new' })).toMatchObject({ key: 'new', body: 'half a thought' })
    await c.call('chat.drafts.set', { key: 'new', body: 'a whole thought' })
    expect((await c.call('chat.drafts.get', { key: 'new' }))?.body).toBe('a whole thought')
    await c.call('chat.drafts.clear', { key: 'new' })
    expect(await c.call('chat.drafts.get', { key: 'new' })).toBeNull()
    expect((await c.call('chat.drafts.get', { key: 'abc-1' }))?.body).toBe('other chat')
    await c.call('chat.drafts.set', { key: 'abc-1', body: '' })
    expect(await c.call('chat.drafts.get', { key: 'abc-1' })).toBeNull()
  })

  it('refuses bad keys and oversized drafts, keeping the saved one', async () => {
    await c.call('chat.drafts.set', { key: 'new', body: 'keep me' })
    expect((await refused('chat.drafts.set', { key: 'a b', body: 'x' })).message).toMatch(/not a session id/)
    expect((await refused('chat.drafts.set', { key: 'new', body: 'x'.repeat(200_001) })).message).toMatch(/at most 200,000 characters/)
    expect((await refused('chat.drafts.set', { key: 'new' })).code).toBe('E_VALIDATION')
    expect((await refused('chat.drafts.get', { key: '' })).code).toBe('E_VALIDATION')
    expect((await c.call('chat.drafts.get', { key: 'new' }))?.body).toBe('keep me')
  })
})
