import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent, ChatSendInput, Result, RouteInput, RouteName, RouteOutput, StreamResult } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import type { TestCore } from '../../../test/support/core'
import { startOpenAiFake, type OpenAiFake } from '../../../test/support/fakes/openai-server'
import { createRecordingCore } from '../../../test/support/recording-core'
import { removeTempDirs } from '../../../test/support/tmp'
import { shouldCompact } from './context-window'

/**
 * The context meter's figures and compaction before a send, through a real core: the OpenAI
 * loopback fake lists a model with a 1,000-token window and writes both the summaries and the replies.
 */

const MODEL = 'tiny-window'
const WINDOW = 1000
const target = { providerId: 'openai', model: MODEL }

let t: TestCore
let openai: OpenAiFake

beforeEach(async () => {
  openai = await startOpenAiFake({ models: [MODEL], modelDetails: { [MODEL]: { context_length: WINDOW } } })
  ;({ t } = createRecordingCore({ ownsHistory: true }))
  await t.core.settings.update({ ollama: { host: '127.0.0.1:9' } })
  await call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: 'sk-context-0123456789abcdef' })
  const routing = await call('routing.get', {})
  await call('routing.update', { ...routing, localLastResort: false })
})

afterEach(async () => {
  await t.core.close()
  await openai.close()
  removeTempDirs()
})

const api = () => createLocalClient(t.core.dispatcher, 'test')

async function call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await api().call(route, input)
  if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
  return result.value
}

async function send(input: ChatSendInput): Promise<{ events: ChatEvent[]; result: Result<StreamResult<'chat.send'>> }> {
  const events: ChatEvent[] = []
  const result = await api().stream('chat.send', input, (event) => events.push(event)).done
  return { events, result }
}

/**
 * A chat of 12 messages whose last reply reports `tokens` of context (prompt + completion, as a
 * provider counts them), so the next request holds exactly `tokens` + the new prompt's estimate.
 */
async function chatAt(tokens: number): Promise<string> {
  const store = await t.core.sessions()
  const session = await store.createSession({ title: 'Long chat' })
  for (let i = 0; i < 11; i++) await store.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text: `message ${i}`, ...(i % 2 ? { provider: 'openai', model: MODEL } : {}) })
  await store.appendMessage(session.id, { role: 'assistant', text: 'last reply', provider: 'openai', model: MODEL, usage: { inputTokens: tokens - 10, outputTokens: 10 } })
  return session.id
}

const chatRequests = () => openai.requests.filter((r) => r.path.endsWith('/chat/completions'))
const hook = (command: string) => [{ hooks: [{ type: 'command' as const, command, timeout: 60 }] }]

/** A PreCompact hook that appends its JSON payload to a file, one line each. */
async function recordPreCompact(): Promise<() => Record<string, unknown>[]> {
  const log = path.join(t.dir, 'precompact.log')
  const record = `node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').appendFileSync(process.argv[1],s.trim()+'\\n'))" ${JSON.stringify(log)}`
  await call('hooks.save', { source: 'user', hooks: { PreCompact: hook(record) } })
  return () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) : [])
}

describe('shouldCompact', () => {
  const on = { auto: true, threshold: 0.85 }
  // The prompt 'abcd' is estimated at one token.
  it('compacts from threshold × window, counting the new prompt', () => {
    expect(shouldCompact(848, 'abcd', 1000, on)).toBe(false)
    expect(shouldCompact(849, 'abcd', 1000, on)).toBe(true)
    expect(shouldCompact(900, 'abcd', 1000, on)).toBe(true)
  })
  it('never compacts when automatic compaction is off', () => {
    expect(shouldCompact(999, 'abcd', 1000, { auto: false, threshold: 0.85 })).toBe(false)
  })
  it('follows the threshold setting', () => {
    expect(shouldCompact(599, 'abcd', 1000, { auto: true, threshold: 0.6 })).toBe(true)
    expect(shouldCompact(598, 'abcd', 1000, { auto: true, threshold: 0.6 })).toBe(false)
  })
})

describe('chat.context', () => {
  it('reports tokens used of the model’s own window, the thresholds and no compactions yet', async () => {
    const sessionId = await chatAt(700)
    expect(await call('chat.context', { sessionId })).toEqual({
      tokens: 700, estimated: false, messages: 12, contextWindow: WINDOW, windowSource: 'model', model: target, warnAt: 0.8, compactAt: 0.85, compactions: [],
    })
  })

  it('assumes the default window, and says so, for a model whose window is unknown', async () => {
    const sessionId = await chatAt(700)
    expect(await call('chat.context', { sessionId, providerId: 'openai', model: 'not-listed' })).toMatchObject({ contextWindow: 8192, windowSource: 'default', model: { providerId: 'openai', model: 'not-listed' } })
  })

  it('says when automatic compaction is off', async () => {
    await call('settings.update', { compaction: { auto: false } })
    expect(await call('chat.context', { sessionId: await chatAt(10) })).toMatchObject({ compactAt: null })
  })

  it('refuses bad input specifically', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /sessionId/],
      [{ sessionId: '' }, /a session id is needed/],
      [{ sessionId: 'x', providerId: 'openai' }, /give both providerId and model, or neither/],
      [{ sessionId: 'x', extra: 1 }, /extra/],
    ]
    for (const [input, message] of cases) {
      const result = await api().call('chat.context', input as RouteInput<'chat.context'>)
      expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
      if (!result.ok) expect(JSON.stringify(result.error)).toMatch(message)
    }
  })

  it('refuses a compaction threshold out of range and keeps the old one', async () => {
    for (const threshold of [0.2, 1.5]) {
      const result = await api().call('settings.update', { compaction: { threshold } })
      expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    }
    expect((await call('settings.get', {})).compaction).toEqual({ auto: true, threshold: 0.85 })
  })
})

describe('automatic compaction before a send', () => {
  it('below the threshold, sends without compacting', async () => {
    const sessionId = await chatAt(848)
    openai.script({ text: ['answer'] })
    const { events, result } = await send({ sessionId, text: 'abcd', target })
    expect(result.ok).toBe(true)
    expect(chatRequests()).toHaveLength(1)
    expect(events.filter((e) => e.type === 'hook')).toEqual([])
    expect((await call('chat.context', { sessionId })).compactions).toEqual([])
  })

  it('at the threshold, summarises the older messages first (PreCompact told trigger auto), then sends the summary and the recent ones', async () => {
    const payloads = await recordPreCompact()
    const sessionId = await chatAt(849)
    openai.script({ text: ['SUMMARY of the early turns'] }, { text: ['answer'] })
    const { events, result } = await send({ sessionId, text: 'abcd', target })
    expect(result.ok).toBe(true)
    expect(events.find((e) => e.type === 'hook')).toMatchObject({ event: 'Compaction', blocked: false, message: expect.stringContaining('Earlier messages were summarised') })
    expect(payloads()).toMatchObject([{ hook_event_name: 'PreCompact', trigger: 'auto', custom_instructions: '' }])
    const [summaryRequest, chatRequest] = chatRequests().map((r) => r.body as { messages: { role: string; content: string }[] })
    expect(summaryRequest!.messages.at(-1)?.content).toBe('Write the summary now.')
    // The reply's request starts with the summary in place of the four older messages, then the eight kept and the prompt.
    expect(chatRequest!.messages[0]).toMatchObject({ role: 'system', content: 'SUMMARY of the early turns' })
    expect(chatRequest!.messages.map((m) => m.content).slice(1)).toEqual(['message 4', 'message 5', 'message 6', 'message 7', 'message 8', 'message 9', 'message 10', 'last reply', 'abcd'])
    const context = await call('chat.context', { sessionId })
    expect(context.compactions).toHaveLength(1)
    expect(context.compactions[0]).toMatchObject({ tokensBefore: 849, summary: 'SUMMARY of the early turns' })
    // The originals are all still stored.
    const stored = (await call('sessions.messages', { sessionId, limit: 100 })).messages.map((m) => m.text)
    expect(stored).toEqual(expect.arrayContaining(['message 0', 'message 1', 'message 2', 'message 3', 'SUMMARY of the early turns', 'answer']))
  })

  it('above the threshold compacts too; turned off, it never does', async () => {
    const sessionId = await chatAt(950)
    await call('settings.update', { compaction: { auto: false } })
    openai.script({ text: ['answer'] })
    await send({ sessionId, text: 'abcd', target })
    expect(chatRequests()).toHaveLength(1)
    expect((await call('chat.context', { sessionId })).compactions).toEqual([])
    await call('settings.update', { compaction: { auto: true } })
    // The fake's reply reported a small context; a second chat as full as the first.
    const full = await chatAt(950)
    openai.script({ text: ['SUMMARY'] }, { text: ['answer'] })
    const { events } = await send({ sessionId: full, text: 'abcd', target })
    expect(events.find((e) => e.type === 'hook')).toMatchObject({ event: 'Compaction' })
    expect((await call('chat.context', { sessionId: full })).compactions).toHaveLength(1)
  })

  it('a blocking PreCompact hook stops the compaction with its reason, and the message is still sent', async () => {
    await call('hooks.save', { source: 'user', hooks: { PreCompact: hook('echo "keep every word" >&2; exit 2') } })
    const sessionId = await chatAt(900)
    openai.script({ text: ['answer'] })
    const { events, result } = await send({ sessionId, text: 'abcd', target })
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'answer' } } })
    expect(events.find((e) => e.type === 'hook')).toMatchObject({ event: 'PreCompact', blocked: true, message: expect.stringContaining('keep every word') })
    expect(chatRequests()).toHaveLength(1)
    expect((await call('chat.context', { sessionId })).compactions).toEqual([])
  })
})

describe('Compact now (sessions.compact)', () => {
  it('compacts below the threshold when asked, telling PreCompact the trigger was manual', async () => {
    const payloads = await recordPreCompact()
    const sessionId = await chatAt(100)
    openai.script({ text: ['SUMMARY'] })
    const result = await call('sessions.compact', { sessionId, contextWindow: WINDOW, force: true })
    expect(result).toMatchObject({ compacted: true, messagesSummarized: 4, tokensBefore: 100 })
    expect(payloads()).toMatchObject([{ hook_event_name: 'PreCompact', trigger: 'manual' }])
  })

  it('a blocking PreCompact hook refuses it with the hook’s reason, and nothing changes', async () => {
    await call('hooks.save', { source: 'user', hooks: { PreCompact: hook('echo "not today" >&2; exit 2') } })
    const sessionId = await chatAt(100)
    const result = await api().call('sessions.compact', { sessionId, contextWindow: WINDOW, force: true })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_BLOCKED', message: expect.stringContaining('not today') } })
    expect(chatRequests()).toHaveLength(0)
    expect((await call('chat.context', { sessionId })).compactions).toEqual([])
  })
})
