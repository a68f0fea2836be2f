import { afterEach, describe, expect, it } from 'vitest'
import { createLocalClient } from '../rpc'
import { createTestCore, type TestCore } from '../../../test/support/core'
import { removeTempDirs } from '../../../test/support/tmp'
import { FIND_MESSAGES_MAX } from './branches'
import type { SessionEngine } from './engine'
import { useEngines, useTempDirs } from './testdata/helpers'

/** Find in chat (Ctrl/Cmd+F) over the whole branch being read, not only the pages the window loaded. */

function chat(engine: SessionEngine, texts: string[]) {
  const session = engine.createSession({ title: 'Find' })
  const messages = texts.map((text, i) => engine.appendMessage(session.id, { role: i % 2 === 0 ? 'user' : 'assistant', text }))
  return { session, messages }
}

describe('findInBranch', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('lists every message that holds the text, oldest first, with its count, however far back', () => {
    const engine = openEngine()
    const texts = Array.from({ length: 600 }, (_, i) => (i === 3 ? 'the Wombat and the wombat' : i === 598 ? 'a WOMBAT again' : `message ${i}`))
    const { session, messages } = chat(engine, texts)
    expect(engine.findInBranch(session.id, 'wombat')).toEqual({
      matches: [
        { messageId: messages[3]!.id, count: 2 },
        { messageId: messages[598]!.id, count: 1 },
      ],
      total: 3,
      truncated: false,
    })
  })

  it('counts as the find bar does: case-insensitive beyond ASCII, non-overlapping, spaces as typed', () => {
    const engine = openEngine()
    const { session, messages } = chat(engine, ['Ärger über ÄRGER', 'aaaa', 'two  spaces', 'two spaces'])
    expect(engine.findInBranch(session.id, 'ärger').matches).toEqual([{ messageId: messages[0]!.id, count: 2 }])
    expect(engine.findInBranch(session.id, 'aa').matches).toEqual([{ messageId: messages[1]!.id, count: 2 }])
    expect(engine.findInBranch(session.id, 'two  spaces').matches).toEqual([{ messageId: messages[2]!.id, count: 1 }])
    // LIKE's wildcards are only text here.
    expect(engine.findInBranch(session.id, '%').total).toBe(0)
  })

  it('reads only the branch being read, and never a compaction summary', () => {
    const engine = openEngine()
    const { session, messages } = chat(engine, ['question about otters', 'first otter answer'])
    const regenerated = engine.appendMessage(session.id, { role: 'assistant', text: 'second otter answer', parentId: messages[0]!.id })
    expect(engine.findInBranch(session.id, 'otter').matches.map((m) => m.messageId)).toEqual([messages[0]!.id, regenerated.id])
    engine.setActiveBranch(session.id, messages[1]!.id)
    expect(engine.findInBranch(session.id, 'answer').matches.map((m) => m.messageId)).toEqual([messages[1]!.id])
    for (let i = 0; i < 4; i++) engine.appendMessage(session.id, { role: i % 2 === 0 ? 'user' : 'assistant', text: `more ${i}` })
    const plan = engine.planCompaction(session.id, { contextWindow: 8192, keepRecent: 2, force: true })!
    engine.recordCompaction(session.id, { uptoMessageId: plan.upto, summary: 'Summary: otters were discussed.', tokensBefore: plan.tokensBefore })
    expect(engine.findInBranch(session.id, 'Summary:').total).toBe(0)
    // The summarised originals are still there to find (the window shows them behind the marker).
    expect(engine.findInBranch(session.id, 'first otter').total).toBe(1)
  })

  it('lists at most FIND_MESSAGES_MAX messages and says so, still counting every occurrence', () => {
    const engine = openEngine()
    const { session } = chat(engine, Array.from({ length: FIND_MESSAGES_MAX + 2 }, () => 'lemur'))
    const found = engine.findInBranch(session.id, 'lemur')
    expect(found.matches).toHaveLength(FIND_MESSAGES_MAX)
    expect(found).toMatchObject({ total: FIND_MESSAGES_MAX + 2, truncated: true })
  })

  it('finds nothing in an empty chat', () => {
    const engine = openEngine()
    const session = engine.createSession({ title: 'Empty' })
    expect(engine.findInBranch(session.id, 'x')).toEqual({ matches: [], total: 0, truncated: false })
  })
})

describe('sessions.find', () => {
  let t: TestCore | undefined
  afterEach(async () => {
    await t?.core.close()
    t = undefined
    removeTempDirs()
  })
  const api = () => createLocalClient(t!.core.dispatcher, 'test')

  it('answers through the contract', async () => {
    t = createTestCore()
    const created = await api().call('sessions.create', { title: 'Find' })
    if (!created.ok) throw new Error(created.error.message)
    const store = await t.core.sessions()
    const message = await store.appendMessage(created.value.id, { role: 'user', text: 'Where do quokkas live?' })
    expect(await api().call('sessions.find', { sessionId: created.value.id, query: 'QUOKKA' })).toEqual({ ok: true, value: { matches: [{ messageId: message.id, count: 1 }], total: 1, truncated: false } })
  })

  it.each([
    ['an empty query', { sessionId: 's1', query: '' }, 'query is empty: type the text to find'],
    ['a query over 500 characters', { sessionId: 's1', query: 'x'.repeat(501) }, 'query is too long: find at most 500 characters'],
    ['a query that is not text', { sessionId: 's1', query: 42 }, 'query must be the text to find'],
    ['no session', { query: 'x' }, 'sessionId'],
    ['an unknown field', { sessionId: 's1', query: 'x', regex: true }, 'regex'],
  ])('refuses %s with a specific message', async (_name, input, says) => {
    t = createTestCore()
    const result = await api().call('sessions.find', input as never)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('E_VALIDATION')
    expect(JSON.stringify(result.error)).toContain(says)
  })

  it('says which session it does not know', async () => {
    t = createTestCore()
    const result = await api().call('sessions.find', { sessionId: 'no-such-session', query: 'x' })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
  })
})
