import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent, ChatSendInput, RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import type { TestCore } from '../../../test/support/core'
import { startOpenAiFake, type OpenAiFake } from '../../../test/support/fakes/openai-server'
import { createRecordingCore } from '../../../test/support/recording-core'

/** Branches through the contract: Continue, Compare (replies to one prompt) and the Stopped state, over a loopback OpenAI fake. */

let t: TestCore
let openai: OpenAiFake
const target = { providerId: 'openai', model: 'gpt-4o-mini' } as const

beforeEach(async () => {
  openai = await startOpenAiFake({ models: ['gpt-4o-mini', 'gpt-4o'] })
  ;({ t } = createRecordingCore())
  await call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: 'sk-test-0123456789abcdefghijklmnop' })
})

afterEach(async () => {
  await t.core.close()
  await openai.close()
})

const api = () => createLocalClient(t.core.dispatcher, 'test')

async function send(input: ChatSendInput, onEvent?: (event: ChatEvent, cancel: () => void) => void) {
  const events: ChatEvent[] = []
  const stream = api().stream('chat.send', input, (event) => {
    events.push(event)
    onEvent?.(event, () => stream.cancel())
  })
  return { events, result: await stream.done }
}

async function call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await api().call(route, input)
  if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
  return result.value
}

const chatBodies = () => openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as { model: string; messages: { role: string; content: unknown }[] })

describe('branches in chat.send', () => {
  it('continues a stopped reply in the same message, sending the partial reply last', async () => {
    openai.script({ text: ['Once upon ', 'a time'], chunkDelayMs: 2_000 }, { text: ['a time, the end.'], usage: { inputTokens: 20, outputTokens: 5 } })
    const first = await send({ text: 'Tell a story', target }, (event, cancel) => event.type === 'text' && cancel())
    expect(first.result).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } })
    const started = first.events.find((e) => e.type === 'started') as Extract<ChatEvent, { type: 'started' }>
    const store = await t.core.sessions()
    await expect.poll(async () => (await store.getMessage(started.assistantMessageId)).status).toBe('complete')
    expect((await store.getMessage(started.assistantMessageId)).timings?.stopped).toBe(1)

    const more = await send({ sessionId: started.sessionId, text: '', continueOf: started.assistantMessageId, target })
    if (!more.result.ok) throw new Error(more.result.error.message)
    expect(more.events[0]).toMatchObject({ type: 'started', userMessageId: null, assistantMessageId: started.assistantMessageId })
    expect(more.result.value.message).toMatchObject({ id: started.assistantMessageId, text: 'Once upon a time, the end.', status: 'complete' })
    expect(more.result.value.message.timings?.stopped).toBeUndefined()
    expect(chatBodies().at(-1)!.messages.slice(-2)).toEqual([
      { role: 'user', content: 'Tell a story' },
      { role: 'assistant', content: 'Once upon ' },
    ])
    const page = await call('sessions.branch', { sessionId: started.sessionId })
    expect(page.messages.map((m) => m.text)).toEqual(['Tell a story', 'Once upon a time, the end.'])
  })

  it('keeps a reply stopped before its first word as a neutral Stopped reply, not an error', async () => {
    openai.fault({ kind: 'hang' })
    const stopped = await send({ text: 'hello', target }, (event, cancel) => event.type === 'started' && cancel())
    expect(stopped.result.ok).toBe(false)
    const started = stopped.events.find((e) => e.type === 'started') as Extract<ChatEvent, { type: 'started' }>
    const store = await t.core.sessions()
    await expect.poll(async () => (await store.getMessage(started.assistantMessageId)).status).toBe('complete')
    const reply = await store.getMessage(started.assistantMessageId)
    expect(reply).toMatchObject({ error: null, timings: { stopped: 1 } })
  })

  it('answers one prompt with several models as sibling versions (Compare), and picking one sets the branch', async () => {
    openai.script({ text: ['from mini'] }, { text: ['from 4o'] }, { text: ['next turn'] })
    const first = await send({ text: 'Which is best?', target })
    if (!first.result.ok) throw new Error('first send failed')
    const { sessionId, message: mini } = first.result.value
    const prompt = mini.parentId!
    const other = await send({ sessionId, text: '', replyTo: prompt, target: { providerId: 'openai', model: 'gpt-4o' } })
    if (!other.result.ok) throw new Error(other.result.error.message)
    const big = other.result.value.message
    expect(big).toMatchObject({ parentId: prompt, text: 'from 4o', model: 'gpt-4o' })
    expect(chatBodies().at(-1)!.messages).toEqual([{ role: 'user', content: 'Which is best?' }])
    // Only one prompt was stored; the two replies are its versions.
    let page = await call('sessions.branch', { sessionId })
    expect(page.messages.map((m) => m.role)).toEqual(['user', 'assistant'])
    expect(page.versions[big.id]).toEqual({ index: 2, count: 2, previous: mini.id, next: null })

    // Pick the first model's answer: the chat continues on it.
    await call('sessions.setBranch', { sessionId, messageId: mini.id })
    const next = await send({ sessionId, text: 'Go on', target })
    if (!next.result.ok) throw new Error('next send failed')
    page = await call('sessions.branch', { sessionId })
    expect(page.messages.map((m) => m.text)).toEqual(['Which is best?', 'from mini', 'Go on', 'next turn'])
    expect(page.versions[mini.id]).toMatchObject({ index: 1, count: 2 })
  })

  it('refuses a reply to something that is not a prompt, a continue of a prompt, and two ways at once', async () => {
    openai.script({ text: ['answer'] })
    const first = await send({ text: 'q', target })
    if (!first.result.ok) throw new Error('first send failed')
    const { sessionId, message } = first.result.value
    expect((await send({ sessionId, text: '', replyTo: message.id, target })).result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: 'Only a prompt can be answered again.' } })
    expect((await send({ sessionId, text: '', continueOf: message.parentId!, target })).result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: 'Only a reply to a prompt can be continued.' } })
    const both = await send({ sessionId, text: '', continueOf: message.id, regenerate: message.id, target })
    expect(both.result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    expect(JSON.stringify(both.result)).toContain('pick one')
    expect((await send({ text: '', replyTo: message.parentId!, target })).result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    // Nothing was written by the refused sends.
    const page = await call('sessions.branch', { sessionId })
    expect(page.messages.map((m) => m.text)).toEqual(['q', 'answer'])
  })

  it('parses the branch routes’ input and says what is wrong', async () => {
    const bad = await api().call('sessions.setBranch', { sessionId: 'x' } as never)
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const extra = await api().call('sessions.deleteMessage', { sessionId: 'x', messageId: 'y', cascade: true } as never)
    expect(extra).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const branches = await api().call('sessions.export', { id: 'x', format: 'json', branches: 'some' } as never)
    expect(branches).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const missing = await api().call('sessions.branch', { sessionId: '0190a1b2-0000-7000-8000-000000000000' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
  })
})
