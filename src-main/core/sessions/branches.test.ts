import { describe, expect, it } from 'vitest'
import { useEngines, useTempDirs } from './testdata/helpers'
import type { SessionEngine } from './engine'

/** A chat with a regenerated reply and an edited prompt: q1 → (a1, a1b), and q1' beside q1. */
function branchedChat(engine: SessionEngine) {
  const session = engine.createSession({ title: 'Branches' })
  const q1 = engine.appendMessage(session.id, { role: 'user', text: 'first question' })
  const a1 = engine.appendMessage(session.id, { role: 'assistant', text: 'first answer' })
  const q2 = engine.appendMessage(session.id, { role: 'user', text: 'follow up' })
  const a2 = engine.appendMessage(session.id, { role: 'assistant', text: 'second answer' })
  // Regenerate a1: a sibling under q1.
  const a1b = engine.appendMessage(session.id, { role: 'assistant', text: 'another first answer', parentId: q1.id })
  return { session, q1, a1, q2, a2, a1b }
}

const texts = (page: { messages: { text: string }[] }) => page.messages.map((m) => m.text)

describe('branches', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('reads the branch last written, with versions of the messages that have siblings', () => {
    const engine = openEngine()
    const { session, a1, a1b } = branchedChat(engine)
    const page = engine.getBranch(session.id)
    expect(texts(page)).toEqual(['first question', 'another first answer'])
    expect(page.leafId).toBe(a1b.id)
    expect(page.versions).toEqual({ [a1b.id]: { index: 2, count: 2, previous: a1.id, next: null } })
  })

  it('switches to another version, keeps it for the next open, and continues the branch being read', () => {
    const dir = tempDir()
    const engine = openEngine({ dataDir: dir })
    const { session, a1, a2, a1b } = branchedChat(engine)
    // Switching to a1 reads the newest message under it: a2, at the end of the first branch.
    expect(engine.setActiveBranch(session.id, a1.id)).toEqual({ leafId: a2.id })
    // A message already on the branch being read (a search hit there) moves nothing.
    engine.appendMessage(session.id, { role: 'assistant', text: 'newer side answer', parentId: a1.id })
    engine.setActiveBranch(session.id, a2.id)
    expect(engine.setActiveBranch(session.id, a1.id)).toEqual({ leafId: a2.id })
    const page = engine.getBranch(session.id)
    expect(texts(page)).toEqual(['first question', 'first answer', 'follow up', 'second answer'])
    expect(page.versions[a1.id]).toEqual({ index: 1, count: 2, previous: null, next: a1b.id })
    engine.close()

    const reopened = openEngine({ dataDir: dir })
    expect(reopened.getBranch(session.id).leafId).toBe(a2.id)
    // A new prompt continues the branch being read (not the latest message, a1b), and becomes its leaf.
    const q3 = reopened.appendMessage(session.id, { role: 'user', text: 'third question' })
    expect(q3.parentId).toBe(a2.id)
    expect(reopened.getBranch(session.id).leafId).toBe(q3.id)
    // What a model is sent follows the same branch.
    expect(reopened.contextMessages(session.id).map((m) => m.text)).toEqual(['first question', 'first answer', 'follow up', 'second answer', 'third question'])
  })

  it('gives an edited prompt its versions too, roots included', () => {
    const engine = openEngine()
    const { session, q1 } = branchedChat(engine)
    const edited = engine.appendMessage(session.id, { role: 'user', text: 'first question, better', parentId: null })
    const page = engine.getBranch(session.id)
    expect(texts(page)).toEqual(['first question, better'])
    expect(page.versions[edited.id]).toEqual({ index: 2, count: 2, previous: q1.id, next: null })
  })

  it('pages back along the branch only, never into other branches', () => {
    const engine = openEngine()
    const session = engine.createSession()
    let last = engine.appendMessage(session.id, { role: 'user', text: 'm0' })
    for (let i = 1; i < 250; i++) last = engine.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text: `m${i}` })
    // A side branch off m100 that is not being read.
    const m100 = engine.getBranch(session.id, { limit: 1000 }).messages[100]!
    engine.appendMessage(session.id, { role: 'assistant', text: 'side', parentId: m100.parentId })
    engine.setActiveBranch(session.id, last.id)

    const latest = engine.getBranch(session.id, { limit: 100 })
    expect(texts(latest)[0]).toBe('m150')
    expect(texts(latest).at(-1)).toBe('m249')
    const older = engine.getBranch(session.id, { limit: 100, before: latest.nextBefore! })
    expect(texts(older)[0]).toBe('m50')
    expect(older.versions[m100.id]).toMatchObject({ index: 1, count: 2 })
    const oldest = engine.getBranch(session.id, { limit: 100, before: older.nextBefore! })
    expect(texts(oldest)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`))
    expect(oldest.nextBefore).toBeNull()
  })

  it('deletes one message and moves its replies up to its parent, keeping every other version', () => {
    const engine = openEngine()
    const { session, q1, a1, q2, a2, a1b } = branchedChat(engine)
    engine.setActiveBranch(session.id, a1.id)
    const result = engine.deleteMessage(session.id, q2.id)
    expect(result).toEqual({ deletedId: q2.id, reparented: 1, leafId: a2.id })
    expect(engine.getMessage(a2.id).parentId).toBe(a1.id)
    expect(texts(engine.getBranch(session.id))).toEqual(['first question', 'first answer', 'second answer'])
    expect(engine.search('follow').length).toBe(0)
    // Deleting the leaf being read moves to the newest branch under its parent: the other version.
    expect(engine.deleteMessage(session.id, a2.id).leafId).toBe(a1.id)
    expect(engine.deleteMessage(session.id, a1.id).leafId).toBe(a1b.id)
    expect(engine.getBranch(session.id).versions).toEqual({})
    // A deleted root leaves its replies as roots.
    engine.deleteMessage(session.id, q1.id)
    expect(engine.getMessage(a1b.id).parentId).toBeNull()
    expect(engine.getSession(session.id).messageCount).toBe(1)
  })

  it('refuses to delete a reply still being written, or a message of another session', () => {
    const engine = openEngine()
    const { session, q1 } = branchedChat(engine)
    const streaming = engine.startStreamingMessage(session.id, { parentId: q1.id })
    expect(() => engine.deleteMessage(session.id, streaming.id)).toThrow(/still being written/)
    const other = engine.createSession()
    expect(() => engine.deleteMessage(other.id, q1.id)).toThrow(/another session/)
    expect(() => engine.setActiveBranch(other.id, q1.id)).toThrow(/another session/)
    expect(() => engine.deleteMessage(session.id, '0190a1b2-0000-7000-8000-000000000000')).toThrow()
    expect(engine.getMessage(q1.id).text).toBe('first question')
  })

  it('keeps a compaction whole when the last message it covers is deleted', () => {
    const engine = openEngine()
    const { session, a1, q2, a2 } = branchedChat(engine)
    engine.setActiveBranch(session.id, a2.id)
    const compaction = engine.recordCompaction(session.id, { uptoMessageId: q2.id, summary: 'They asked twice.', tokensBefore: 100 })
    // Recording a summary does not move the branch being read.
    expect(engine.getBranch(session.id).leafId).toBe(a2.id)
    engine.deleteMessage(session.id, q2.id)
    expect(engine.listCompactions(session.id)).toEqual([{ ...compaction, uptoMessageId: a1.id }])
    expect(engine.contextMessages(session.id).map((m) => m.text)).toEqual(['They asked twice.', 'second answer'])
  })

  it('continues a finished reply in place', () => {
    const engine = openEngine()
    const { session, a1, a1b } = branchedChat(engine)
    const resumed = engine.resumeStreamingMessage(session.id, a1.id)
    expect(resumed).toMatchObject({ id: a1.id, status: 'streaming', text: 'first answer' })
    expect(engine.getBranch(session.id).leafId).toBe(a1.id)
    const done = engine.completeStreamingMessage(a1.id, { text: ', continued' })
    expect(done).toMatchObject({ text: 'first answer, continued', status: 'complete' })
    expect(() => engine.resumeStreamingMessage(session.id, a1b.parentId!)).toThrow(/Only a reply/)
  })

  it('exports the branch being read by default, and every version as JSON on request', () => {
    const engine = openEngine()
    const { session } = branchedChat(engine)
    const markdown = engine.exportSession(session.id, 'markdown')
    expect(markdown).toContain('another first answer')
    expect(markdown).not.toContain('second answer')
    const active = JSON.parse(engine.exportSession(session.id, 'json')) as { messages: { text: string }[] }
    expect(active.messages.map((m) => m.text)).toEqual(['first question', 'another first answer'])
    const all = JSON.parse(engine.exportSession(session.id, 'json', 'all')) as { messages: { text: string; parentId: string | null }[] }
    expect(all.messages).toHaveLength(5)
    const byText = new Map(all.messages.map((m) => [m.text, m]))
    expect(byText.get('another first answer')!.parentId).toBe(byText.get('first answer')!.parentId)
    expect(() => engine.exportSession(session.id, 'json', 'some' as 'all')).toThrow(/active branch or all/)
  })
})
