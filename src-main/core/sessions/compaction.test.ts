import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import type { SessionEngine } from './engine'
import { testClock, useEngines, useTempDirs } from './testdata/helpers'
import type { Message } from './types'

/** Appends `count` messages of `chars` characters each (chars / 4 estimated tokens), user and assistant in turn. */
function chat(engine: SessionEngine, sessionId: string, count: number, chars = 400, from = 0): Message[] {
  return Array.from({ length: count }, (_, i) =>
    engine.appendMessage(sessionId, { role: (from + i) % 2 === 0 ? 'user' : 'assistant', text: `m${from + i} `.padEnd(chars, 'x') }),
  )
}

const ids = (messages: readonly Message[]) => messages.map((m) => m.id)
/** Everything about the originals a compaction must never change. */
const originals = (engine: SessionEngine, sessionId: string, summaries: string[]) =>
  engine.getMessages(sessionId, { limit: 1000 }).messages.filter((m) => !summaries.includes(m.id))

describe('compaction in the store', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('plans only at threshold × window, counting chars / 4 when the provider reported nothing', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const messages = chat(engine, session.id, 10) // 10 × 100 estimated tokens
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 1000, estimated: true, messages: 10 })
    expect(engine.planCompaction(session.id, { contextWindow: 1251 })).toBeNull() // 1000 < 0.8 × 1251
    const plan = engine.planCompaction(session.id, { contextWindow: 1250 })! // 1000 = 0.8 × 1250
    expect(plan).toEqual({ upto: messages[1]!.id, toSummarize: messages.slice(0, 2), tokensBefore: 1000 })
    expect(engine.planCompaction(session.id, { contextWindow: 2000, threshold: 0.5 })?.upto).toBe(messages[1]!.id)
    expect(engine.planCompaction(session.id, { contextWindow: 2000, threshold: 0.51 })).toBeNull()
  })

  it('uses the provider’s prompt + completion count where it has one', () => {
    const engine = openEngine()
    const session = engine.createSession()
    chat(engine, session.id, 9, 40)
    engine.appendMessage(session.id, { role: 'assistant', text: 'long answer', usage: { inputTokens: 6000, outputTokens: 500 } })
    engine.appendMessage(session.id, { role: 'user', text: 'y'.repeat(400) }) // + 100 estimated
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 6600, estimated: true, messages: 11 })
    expect(engine.planCompaction(session.id, { contextWindow: 8192 })).toMatchObject({ tokensBefore: 6600 }) // 6600 ≥ 6553.6
    expect(engine.planCompaction(session.id, { contextWindow: 8251 })).toBeNull() // 6600 < 6600.8
    // A count we estimated ourselves is no anchor.
    engine.appendMessage(session.id, { role: 'assistant', text: 'z'.repeat(40), usage: { inputTokens: 1, outputTokens: 1, estimated: true } })
    expect(engine.contextWindowUsage(session.id).tokens).toBe(6610)
  })

  it('keeps the last keepRecent messages, never a half-written reply, and never a tool result without its call', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const m = chat(engine, session.id, 6, 40)
    const plan = (keepRecent: number) => engine.planCompaction(session.id, { contextWindow: 1_000_000, keepRecent, force: true })
    expect(plan(3)?.toSummarize.map((x) => x.id)).toEqual(ids(m.slice(0, 3)))
    expect(plan(0)?.upto).toBe(m[5]!.id)
    expect(plan(6)).toBeNull()
    expect(plan(60)).toBeNull()

    const call = engine.appendMessage(session.id, { role: 'assistant', text: '', toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }] })
    engine.appendMessage(session.id, { role: 'tool', text: 'Oslo: 2 °C' })
    engine.appendMessage(session.id, { role: 'tool', text: 'Bergen: 5 °C' })
    engine.appendMessage(session.id, { role: 'assistant', text: 'Cold in both.' })
    // Keeping 2 would start the kept part at the second tool result: the call comes along.
    expect(plan(2)?.upto).toBe(m[5]!.id)
    expect(plan(4)?.upto).toBe(m[5]!.id)
    expect(plan(1)?.upto).toBe(engine.getMessages(session.id).messages.at(-2)!.id)
    expect(call.parentId).toBe(m[5]!.id)

    const live = engine.startStreamingMessage(session.id)
    expect(plan(0)?.toSummarize.map((x) => x.id)).not.toContain(live.id)
    expect(plan(0)?.upto).toBe(live.parentId)
  })

  it('stores the summary as a searchable system message beside the conversation, and sends it first', () => {
    const clock = testClock()
    const engine = openEngine({ now: clock.now })
    const session = engine.createSession()
    const m = chat(engine, session.id, 12)
    const before = originals(engine, session.id, [])
    const plan = engine.planCompaction(session.id, { contextWindow: 8192, keepRecent: 4, force: true })!
    expect(ids(plan.toSummarize)).toEqual(ids(m.slice(0, 8)))
    const c1 = engine.recordCompaction(session.id, { uptoMessageId: plan.upto, summary: 'Summary one: sourdough basics', provider: 'fake', model: 'fake-1', tokensBefore: plan.tokensBefore })
    expect(c1).toMatchObject({ sessionId: session.id, uptoMessageId: m[7]!.id, tokensBefore: 1200, tokensAfter: 8 + 400 })

    const summary = engine.getMessage(c1.summaryMessageId)
    expect(summary).toMatchObject({ role: 'system', text: 'Summary one: sourdough basics', provider: 'fake', model: 'fake-1', status: 'complete', parentId: null })
    expect(summary.createdAt).toBe(c1.createdAt)
    expect(engine.listCompactions(session.id)).toEqual([c1])
    expect(engine.contextMessages(session.id)).toEqual([summary, ...m.slice(8)])
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 408, estimated: true, messages: 5 })
    expect(engine.search('sourdough').map((h) => h.messageId)).toEqual([summary.id])
    expect(engine.exportSession(session.id, 'markdown')).toContain('Summary one: sourdough basics')
    expect(originals(engine, session.id, [summary.id])).toEqual(before)

    // New messages continue the conversation, not the summary.
    const next = engine.appendMessage(session.id, { role: 'user', text: 'and rye?' })
    expect(next.parentId).toBe(m[11]!.id)
    expect(engine.startStreamingMessage(session.id).parentId).toBe(next.id)
    expect(() => engine.appendMessage(session.id, { role: 'user', text: 'x', parentId: summary.id })).toThrow(
      expect.objectContaining({ code: 'E_VALIDATION', message: 'A compaction summary cannot be replied to.' }),
    )
  })

  it('compacts again over the previous summary, and sends only the latest', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const m = chat(engine, session.id, 12)
    const compact = (summary: string) => {
      const plan = engine.planCompaction(session.id, { contextWindow: 8192, keepRecent: 4, force: true })!
      return { plan, compaction: engine.recordCompaction(session.id, { uptoMessageId: plan.upto, summary, tokensBefore: plan.tokensBefore }) }
    }
    const first = compact('first summary')
    const more = chat(engine, session.id, 4, 400, 12)
    const second = compact('second summary')
    const s1 = engine.getMessage(first.compaction.summaryMessageId)
    const s2 = engine.getMessage(second.compaction.summaryMessageId)
    expect(ids(second.plan.toSummarize)).toEqual([s1.id, ...ids(m.slice(8, 12))])
    expect(second.compaction.uptoMessageId).toBe(m[11]!.id)
    expect(second.plan.tokensBefore).toBe(first.compaction.tokensAfter + 400)
    expect(engine.contextMessages(session.id)).toEqual([s2, ...more])
    expect(engine.listCompactions(session.id).map((c) => c.summaryMessageId)).toEqual([s1.id, s2.id])
    expect(originals(engine, session.id, [s1.id, s2.id]).map((x) => x.text)).toEqual([...m, ...more].map((x) => x.text))
    expect(engine.getSession(session.id).messageCount).toBe(18)

    // Another branch gets the compaction that covers its own history, or none.
    expect(engine.contextMessages(session.id, m[9]!.id)).toEqual([s1, m[8], m[9]])
    const fork = engine.appendMessage(session.id, { role: 'user', text: 'start over from here', parentId: m[3]!.id })
    expect(engine.contextMessages(session.id)).toEqual([...m.slice(0, 4), fork])
    expect(engine.contextMessages(session.id, more[3]!.id)).toEqual([s2, ...more])
  })

  it('after compacting, trusts only provider counts of replies written with the shorter context', () => {
    const engine = openEngine()
    const session = engine.createSession()
    for (let i = 0; i < 6; i++) {
      engine.appendMessage(session.id, { role: 'user', text: 'q'.repeat(40) })
      engine.appendMessage(session.id, { role: 'assistant', text: 'a'.repeat(40), usage: { inputTokens: 1000 * (i + 1), outputTokens: 50 } })
    }
    const plan = engine.planCompaction(session.id, { contextWindow: 7000, keepRecent: 2 })!
    expect(plan.tokensBefore).toBe(6050)
    const compaction = engine.recordCompaction(session.id, { uptoMessageId: plan.upto, summary: 's'.repeat(80), tokensBefore: plan.tokensBefore })
    // Summary 20 (estimated) + the kept user question 10 (estimated) + the kept reply's own 50.
    expect(compaction.tokensAfter).toBe(80)
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 80, estimated: true, messages: 3 })
    engine.appendMessage(session.id, { role: 'user', text: 'q'.repeat(40) })
    engine.appendMessage(session.id, { role: 'assistant', text: 'fresh', usage: { inputTokens: 90, outputTokens: 7 } })
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 97, estimated: false, messages: 5 })
  })

  it('refuses bad input and leaves the store as it was', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const other = engine.createSession()
    expect(engine.contextMessages(session.id)).toEqual([])
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 0, estimated: false, messages: 0 })
    expect(engine.planCompaction(session.id, { contextWindow: 100, force: true })).toBeNull()
    const m = chat(engine, session.id, 4)
    const elsewhere = chat(engine, other.id, 1)[0]!
    const valid = { uptoMessageId: m[1]!.id, summary: 'ok', tokensBefore: 10 }
    const invalid = expect.objectContaining({ code: 'E_VALIDATION' })
    const missing = expect.objectContaining({ code: 'E_NOT_FOUND' })

    for (const options of [{ contextWindow: 0 }, { contextWindow: 1.5 }, { contextWindow: 100, threshold: 0 }, { contextWindow: 100, threshold: 1.5 }, { contextWindow: 100, keepRecent: -1 }]) {
      expect(() => engine.planCompaction(session.id, options)).toThrow(invalid)
    }
    expect(() => engine.planCompaction(session.id, undefined as never)).toThrow(invalid)
    expect(() => engine.planCompaction(session.id, { contextWindow: 100, leafId: elsewhere.id })).toThrow(missing)
    expect(() => engine.planCompaction('018f2c1e-0000-7000-8000-00000000dead', { contextWindow: 100 })).toThrow(missing)
    for (const summary of ['', '  \n ', 42, 'x'.repeat(1_000_001)]) {
      expect(() => engine.recordCompaction(session.id, { ...valid, summary: summary as string })).toThrow(invalid)
    }
    for (const tokensBefore of [-1, 1.5, Number.NaN]) expect(() => engine.recordCompaction(session.id, { ...valid, tokensBefore })).toThrow(invalid)
    expect(() => engine.recordCompaction(session.id, { ...valid, uptoMessageId: elsewhere.id })).toThrow(missing)
    expect(() => engine.recordCompaction(session.id, { ...valid, leafId: m[0]!.id })).toThrow(expect.objectContaining({ message: 'The summarised messages are not on this branch.' }))
    expect(engine.listCompactions(session.id)).toEqual([])
    expect(engine.getSession(session.id).messageCount).toBe(4)

    const { summaryMessageId } = engine.recordCompaction(session.id, valid)
    expect(() => engine.recordCompaction(session.id, { ...valid, uptoMessageId: summaryMessageId })).toThrow(invalid)
    expect(() => engine.contextMessages(session.id, summaryMessageId)).toThrow(invalid)
    engine.softDeleteSession(session.id)
    expect(() => engine.recordCompaction(session.id, valid)).toThrow(expect.objectContaining({ hint: 'Restore it first.' }))
    expect(engine.listCompactions(session.id)).toHaveLength(1)
  })

  it('travels with JSON exports and backups, and goes when the session is purged', () => {
    const dataDir = tempDir()
    const engine = openEngine({ dataDir })
    const session = engine.createSession({ title: 'Long chat' })
    chat(engine, session.id, 6)
    const plan = engine.planCompaction(session.id, { contextWindow: 100, keepRecent: 2 })!
    const compaction = engine.recordCompaction(session.id, { uptoMessageId: plan.upto, summary: 'what happened so far', tokensBefore: plan.tokensBefore })
    const json = engine.exportSession(session.id, 'json')
    const { sessionId: _, ...exported } = compaction
    expect(JSON.parse(json).compactions).toEqual([exported])

    const file = path.join(tempDir(), 'long.json')
    const write = (doc: string) => {
      fs.writeFileSync(file, doc)
      return file
    }
    const imported = openEngine()
    expect(imported.importFiles([write(json)])).toMatchObject({ imported: 1 })
    expect(imported.listCompactions(session.id)).toEqual([compaction])
    expect(ids(imported.contextMessages(session.id))).toEqual(ids(engine.contextMessages(session.id)))

    // A hand-edited file cannot make a summary out of a message of the conversation.
    const doc = JSON.parse(json)
    doc.session.id = '018f2c1e-0000-7000-8000-0000000000aa'
    doc.compactions = [
      { ...doc.compactions[0], summaryMessageId: doc.messages[1].id },
      { ...doc.compactions[0], tokensBefore: -5 },
      { ...doc.compactions[0], id: 'nope' },
      'junk',
    ]
    const tampered = openEngine()
    expect(tampered.importFiles([write(JSON.stringify(doc))])).toMatchObject({ imported: 1 })
    expect(tampered.listCompactions(doc.session.id)).toEqual([])
    const unlisted = openEngine()
    expect(unlisted.importFiles([write(JSON.stringify({ ...doc, compactions: 'x' }))])).toMatchObject({ imported: 1 })
    expect(unlisted.listCompactions(doc.session.id)).toEqual([])

    const backup = engine.backup(path.join(tempDir(), 'b.db')).path
    const restored = openEngine()
    expect(restored.restore(backup)).toMatchObject({ sessionsAdded: 1, messagesAdded: 7 })
    expect(restored.listCompactions(session.id)).toEqual([compaction])

    engine.softDeleteSession(session.id)
    engine.purgeSession(session.id)
    const raw = new DatabaseSync(path.join(dataDir, 'sessions.db'), { readOnly: true })
    expect(raw.prepare('SELECT count(*) AS n FROM compactions').get()).toEqual({ n: 0 })
    raw.close()
  })
})
