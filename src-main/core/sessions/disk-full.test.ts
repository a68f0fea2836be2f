import { describe, expect, it } from 'vitest'
import { toAppError } from '../errors'
import type { SessionEngine } from './engine'
import { useEngines, useTempDirs } from './testdata/helpers'

/** SQLite's own "database or disk is full", for real: the database may not grow past its current pages. */
function fillUp(engine: SessionEngine): void {
  const raw = (engine as unknown as { ctx: { db: { raw: { exec(sql: string): void; prepare(sql: string): { get(): unknown } } } } }).ctx.db.raw
  const { page_count: pages } = raw.prepare('PRAGMA page_count').get() as { page_count: number }
  raw.exec(`PRAGMA max_page_count = ${pages}`)
}

describe('a full disk (issue 19.1)', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('is a typed E_DISK_FULL saying how much room is left, and every message saved before is kept', () => {
    const engine = openEngine()
    const session = engine.createSession({ title: 'Before the disk filled' })
    engine.appendMessage(session.id, { role: 'user', text: 'saved before' })
    fillUp(engine)
    let thrown: unknown
    try {
      for (let i = 0; i < 200; i++) engine.appendMessage(session.id, { role: 'user', text: 'x'.repeat(4000) })
    } catch (error) {
      thrown = error
    }
    const appError = toAppError(thrown)
    expect(appError).toMatchObject({ code: 'E_DISK_FULL', retryable: true, hint: expect.stringMatching(/Free some space|move the data folder/) })
    expect(appError.message).toMatch(/^The disk holding your data is full/)
    expect(engine.getMessages(session.id).messages[0]).toMatchObject({ text: 'saved before' })
    // Reading still works on the full disk.
    expect(engine.search('saved').map((hit) => hit.sessionId)).toContain(session.id)
  })
})
