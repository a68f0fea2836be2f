import { describe, expect, it } from 'vitest'
import { AttachmentFiles } from './attachments'
import { sessionPaths, type StoreContext } from './context'
import { openDatabase, type SqlParam } from './database'
import { insertMessage } from './messages-repo'
import { search } from './search'
import { createSession, listSessions } from './sessions-repo'
import { useTempDirs } from './testdata/helpers'
import { createUuidV7 } from './uuid'

/**
 * The indexes each query relies on, proved with EXPLAIN QUERY PLAN on the SQL the store really
 * runs (recorded as it runs), so a schema or query change that loses an index fails here.
 */
describe('query plans', () => {
  const tempDir = useTempDirs()

  function recordingStore() {
    const paths = sessionPaths(tempDir())
    const { db } = openDatabase(paths.database)
    const ran: { sql: string; params: SqlParam[] }[] = []
    const all = db.all.bind(db)
    db.all = <T,>(sql: string, ...params: SqlParam[]): T[] => {
      ran.push({ sql, params })
      return all<T>(sql, ...params)
    }
    const ctx: StoreContext = { db, paths, now: Date.now, files: new AttachmentFiles(paths.attachments), newId: createUuidV7() }
    const session = createSession(ctx, { title: 'Plans' })
    const first = insertMessage(ctx, session.id, { role: 'user', text: 'explain the plan' })
    insertMessage(ctx, session.id, { role: 'assistant', text: 'the plan explained', parentId: first.id, model: 'm', provider: 'p' })
    const plan = (sql: string, params: SqlParam[] = []): string =>
      db.raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((row) => String((row as { detail: string }).detail)).join('\n')
    const planOf = (run: () => unknown, pick: (sql: string) => boolean): string => {
      ran.length = 0
      run()
      const found = ran.find((r) => pick(r.sql))
      if (!found) throw new Error('the query did not run')
      return plan(found.sql, found.params)
    }
    return { ctx, db, plan, planOf, session, close: () => db.close() }
  }

  it('sessions.list walks sessions_by_list for a page and never sorts every session', () => {
    const { ctx, planOf, close } = recordingStore()
    const page = planOf(() => listSessions(ctx, { limit: 50, offset: 300 }), (sql) => sql.includes('AS page'))
    expect(page).toContain('sessions_by_list')
    // Only the outer re-sort of the page's own rows is left.
    expect(page.match(/TEMP B-TREE FOR ORDER BY/g) ?? []).toHaveLength(1)
    expect(page).not.toMatch(/SCAN s\b(?! USING)/)
    close()
  })

  it('search as you type lets FTS5 deliver rows newest first, with no sort of the matches', () => {
    const { ctx, planOf, close } = recordingStore()
    const messages = planOf(() => search(ctx, 'plan', { mode: 'recent' }), (sql) => sql.includes('FROM messages_fts CROSS JOIN'))
    expect(messages).toContain('VIRTUAL TABLE INDEX')
    expect(messages).not.toContain('TEMP B-TREE')
    close()
  })

  it('keeps the indexes the branch queries and foreign keys need, and the model/provider filters use the session index', () => {
    const { plan, db, session, close } = recordingStore()
    // Replies of a message (branch versions, reparenting on delete, the parent foreign key).
    expect(plan('SELECT id FROM messages WHERE parent_id = ?', ['x'])).toContain('messages_by_parent')
    expect(plan('UPDATE messages SET parent_id = ? WHERE parent_id = ?', ['a', 'b'])).toContain('messages_by_parent')
    // A session's messages (paging, cascades, the model and provider filters of sessions.list and search).
    expect(plan('SELECT 1 FROM messages m WHERE m.session_id = ? AND m.model = ?', [session.id, 'm'])).toContain('messages_by_session')
    expect(plan('SELECT 1 FROM messages m WHERE m.session_id = ? AND m.provider = ?', [session.id, 'p'])).toContain('messages_by_session')
    const indexes = db.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL ORDER BY name").map((r) => r.name)
    expect(indexes).toEqual(['messages_by_parent', 'messages_by_session', 'messages_by_status'])
    close()
  })
})
