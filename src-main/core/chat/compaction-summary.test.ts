import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import type { TestCore } from '../../../test/support/core'
import { startOpenAiFake, type OpenAiFake } from '../../../test/support/fakes/openai-server'
import { createRecordingCore } from '../../../test/support/recording-core'
import { removeTempDirs } from '../../../test/support/tmp'

/**
 * Who writes a compaction summary and what it is told: the chat's own model (Auto only for a chat
 * without one), and the user's instructions from "Compact now", which PreCompact hooks receive as
 * `custom_instructions`. A real core with the OpenAI loopback fake serving two models; the
 * fallback chain (what Auto picks) starts with the other one.
 */

const CHAT_MODEL = 'chat-model'
const CHAIN_MODEL = 'chain-model'
let t: TestCore
let openai: OpenAiFake

beforeEach(async () => {
  openai = await startOpenAiFake({ models: [CHAT_MODEL, CHAIN_MODEL], modelDetails: { [CHAT_MODEL]: { context_length: 1000 }, [CHAIN_MODEL]: { context_length: 1000 } } })
  ;({ t } = createRecordingCore({ ownsHistory: true }))
  await t.core.settings.update({ ollama: { host: '127.0.0.1:9' } })
  await call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: 'sk-summary-0123456789abcdef' })
  const routing = await call('routing.get', {})
  await call('routing.update', { ...routing, chain: [{ providerId: 'openai', model: CHAIN_MODEL, enabled: true }], localLastResort: false })
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

/** A 12-message chat; its replies (if any) by `replies`; its stored settings name `target` if given. */
async function chat(options: { replies?: string; target?: string } = {}): Promise<string> {
  const store = await t.core.sessions()
  const session = await store.createSession({ title: 'Long chat' })
  for (let i = 0; i < 12; i++) {
    const assistant = i % 2 === 1
    await store.appendMessage(session.id, { role: assistant ? 'assistant' : 'user', text: `message ${i}`, ...(assistant && options.replies ? { provider: 'openai', model: options.replies } : {}) })
  }
  if (options.target) await call('chat.settings.set', { sessionId: session.id, settings: { target: { providerId: 'openai', model: options.target }, params: {} } })
  return session.id
}

type SummaryBody = { model: string; messages: { role: string; content: string }[] }
const summaryRequests = () => openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as SummaryBody)
const compactNow = (sessionId: string, instructions?: string) => call('sessions.compact', { sessionId, contextWindow: 1000, force: true, ...(instructions === undefined ? {} : { instructions }) })

async function recordPreCompact(): Promise<() => Record<string, unknown>[]> {
  const log = path.join(t.dir, 'precompact.log')
  const command = `node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').appendFileSync(process.argv[1],s.trim()+'\\n'))" ${JSON.stringify(log)}`
  await call('hooks.save', { source: 'user', hooks: { PreCompact: [{ hooks: [{ type: 'command', command, timeout: 60 }] }] } })
  return () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) : [])
}

describe('the model that writes a summary', () => {
  it('is the chat’s own model from its settings, not the fallback chain’s', async () => {
    const sessionId = await chat({ replies: CHAIN_MODEL, target: CHAT_MODEL })
    openai.script({ text: ['SUMMARY'] })
    expect(await compactNow(sessionId)).toMatchObject({ compacted: true })
    expect(summaryRequests().map((b) => b.model)).toEqual([CHAT_MODEL])
    const summary = (await call('sessions.messages', { sessionId, limit: 100 })).messages.find((m) => m.text === 'SUMMARY')
    expect(summary).toMatchObject({ provider: 'openai', model: CHAT_MODEL })
  })

  it('is the model of the chat’s latest reply when its settings name none', async () => {
    const sessionId = await chat({ replies: CHAT_MODEL })
    openai.script({ text: ['SUMMARY'] })
    await compactNow(sessionId)
    expect(summaryRequests().map((b) => b.model)).toEqual([CHAT_MODEL])
  })

  it('is Auto (the fallback chain) only for a chat with no model of its own', async () => {
    const sessionId = await chat()
    openai.script({ text: ['SUMMARY'] })
    await compactNow(sessionId)
    expect(summaryRequests().map((b) => b.model)).toEqual([CHAIN_MODEL])
  })

  it('is Auto when the chat’s provider was removed', async () => {
    const sessionId = await chat()
    await call('chat.settings.set', { sessionId, settings: { target: { providerId: 'gone', model: 'x' }, params: {} } })
    openai.script({ text: ['SUMMARY'] })
    await compactNow(sessionId)
    expect(summaryRequests().map((b) => b.model)).toEqual([CHAIN_MODEL])
  })
})

describe('Compact now with instructions', () => {
  it('tells PreCompact hooks the instructions as custom_instructions, and the summary focuses on them', async () => {
    const payloads = await recordPreCompact()
    const sessionId = await chat({ target: CHAT_MODEL })
    openai.script({ text: ['SUMMARY'] })
    await compactNow(sessionId, '  Keep the SQL schema word for word  ')
    expect(payloads()).toMatchObject([{ hook_event_name: 'PreCompact', trigger: 'manual', custom_instructions: 'Keep the SQL schema word for word' }])
    const system = summaryRequests()[0]!.messages[0]!
    expect(system.role).toBe('system')
    expect(system.content).toContain('The user asked the summary to: Keep the SQL schema word for word')
  })

  it('without instructions, hooks get an empty custom_instructions and the summary the usual prompt', async () => {
    const payloads = await recordPreCompact()
    const sessionId = await chat({ target: CHAT_MODEL })
    openai.script({ text: ['SUMMARY'] }, { text: ['SUMMARY'] })
    await compactNow(sessionId, '   ')
    expect(payloads()).toMatchObject([{ custom_instructions: '' }])
    expect(summaryRequests()[0]!.messages[0]!.content).not.toContain('The user asked')
  })

  it('refuses instructions that are not text or too long, and changes nothing', async () => {
    const sessionId = await chat({ target: CHAT_MODEL })
    const cases: [unknown, RegExp][] = [
      [42, /the instructions must be text/],
      ['x'.repeat(2001), /keep the instructions for the summary under 2,000 characters/],
    ]
    for (const [instructions, message] of cases) {
      const result = await api().call('sessions.compact', { sessionId, force: true, instructions } as RouteInput<'sessions.compact'>)
      expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
      if (!result.ok) expect(JSON.stringify(result.error)).toMatch(message)
    }
    expect(summaryRequests()).toEqual([])
    expect((await call('chat.context', { sessionId })).compactions).toEqual([])
  })
})
