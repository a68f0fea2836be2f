import { ValidationError } from '../errors'
import type { StoreContext } from './context'
import type { SqlParam } from './database'
import { SessionNotFoundError } from './errors'
import { SESSION_COLUMNS, toSession, type SessionRow } from './rows'
import type { ListSessionsQuery, NewSession, Session, SessionPage } from './types'
import { UUID_RE } from './uuid'
import { cleanTags, cleanTitle, optionalNumber, optionalText, pageLimit, pageOffset } from './validate'

export function findSession(ctx: StoreContext, id: string): Session | undefined {
  const row = ctx.db.get<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.id = ?`, String(id))
  return row ? toSession(row) : undefined
}

export function requireSession(ctx: StoreContext, id: string): Session {
  const session = findSession(ctx, id)
  if (!session) throw new SessionNotFoundError('session', String(id))
  return session
}

export function createSession(ctx: StoreContext, input: NewSession = {}, provenance?: { source: string | null; sourceId: string | null }): Session {
  const createdAt = Math.round(optionalNumber(input.createdAt, 'createdAt') ?? ctx.now())
  const id = input.id ?? ctx.newId(createdAt)
  if (!UUID_RE.test(id)) throw new ValidationError('A session id must be a lowercase UUID.', [{ path: 'id', message: 'invalid' }])
  const title = cleanTitle(input.title ?? '')
  const workspace = optionalText(input.workspace, 'workspace', 1_000)
  const tags = cleanTags(input.tags ?? [])
  return ctx.db.tx(() => {
    if (findSession(ctx, id)) throw new ValidationError(`A session with id ${id} already exists.`, [{ path: 'id', message: 'duplicate' }])
    ctx.db.run(
      'INSERT INTO sessions (id, title, created_at, updated_at, workspace, source, source_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      id, title, createdAt, createdAt, workspace, provenance?.source ?? null, provenance?.sourceId ?? null,
    )
    for (const tag of tags) ctx.db.run('INSERT INTO session_tags (session_id, tag) VALUES (?, ?)', id, tag)
    return requireSession(ctx, id)
  })
}

/** True when a session imported from `source` with that id is already here (re-imports skip it). */
export function hasImported(ctx: StoreContext, source: string, sourceId: string): boolean {
  return ctx.db.get('SELECT 1 AS found FROM sessions WHERE source = ? AND source_id = ?', source, sourceId) !== undefined
}

const SORT_COLUMNS = { updated: 's.updated_at', created: 's.created_at', title: 's.title COLLATE NOCASE' } as const

export function listSessions(ctx: StoreContext, query: ListSessionsQuery = {}): SessionPage {
  const where: string[] = []
  const params: SqlParam[] = []
  const add = (clause: string, ...values: SqlParam[]) => {
    where.push(clause)
    params.push(...values)
  }
  if (query.onlyDeleted) add('s.deleted_at IS NOT NULL')
  else if (!query.includeDeleted) add('s.deleted_at IS NULL')
  if (query.pinned !== undefined) add('s.pinned = ?', query.pinned ? 1 : 0)
  if (query.archived !== undefined) add('s.archived = ?', query.archived ? 1 : 0)
  if (query.workspace !== undefined) add('s.workspace = ?', String(query.workspace))
  if (query.tag !== undefined) add('EXISTS (SELECT 1 FROM session_tags t WHERE t.session_id = s.id AND t.tag = ?)', String(query.tag))
  if (query.provider !== undefined) add('EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id AND m.provider = ?)', String(query.provider))
  if (query.model !== undefined) add('EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id AND m.model = ?)', String(query.model))
  if (query.hasAttachments !== undefined) {
    const exists = 'EXISTS (SELECT 1 FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.session_id = s.id)'
    add(query.hasAttachments ? exists : `NOT ${exists}`)
  }
  const dateColumn = query.dateField === 'created' ? 's.created_at' : 's.updated_at'
  if (query.from !== undefined) add(`${dateColumn} >= ?`, Number(query.from))
  if (query.to !== undefined) add(`${dateColumn} < ?`, Number(query.to))

  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
  const sortKey = query.sort ?? 'updated'
  if (!Object.hasOwn(SORT_COLUMNS, sortKey)) throw new ValidationError('"sort" must be updated, created or title.', [{ path: 'sort', message: 'invalid' }])
  const sort = SORT_COLUMNS[sortKey]
  const direction = query.order === 'asc' ? 'ASC' : 'DESC'
  const pinnedFirst = query.pinnedFirst === false ? '' : 's.pinned DESC, '
  const limit = pageLimit(query.limit, 50, 500)
  const offset = pageOffset(query.offset)

  // The page's rows first (an index walk for the default order, see schema v6), then tags and
  // message counts for those rows only: computed in the outer query, never for skipped rows.
  const order = `${pinnedFirst}${sort} ${direction}, s.seq ${direction}`
  const rows = ctx.db.all<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM (SELECT s.seq FROM sessions s ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?) AS page
     CROSS JOIN sessions s ON s.seq = page.seq ORDER BY ${order}`,
    ...params, limit, offset,
  )
  const total = Number(ctx.db.get<{ n: number }>(`SELECT count(*) AS n FROM sessions s ${whereSql}`, ...params)?.n ?? 0)
  return { sessions: rows.map(toSession), total, nextOffset: offset + rows.length < total ? offset + rows.length : null }
}

function updateSession(ctx: StoreContext, id: string, assignments: string, ...values: SqlParam[]): Session {
  return ctx.db.tx(() => {
    requireSession(ctx, id)
    ctx.db.run(`UPDATE sessions SET ${assignments} WHERE id = ?`, ...values, id)
    return requireSession(ctx, id)
  })
}

export const renameSession = (ctx: StoreContext, id: string, title: string): Session =>
  updateSession(ctx, id, "title = ?, title_source = 'user', updated_at = ?", cleanTitle(title), ctx.now())

export const setPinned = (ctx: StoreContext, id: string, pinned: boolean): Session => updateSession(ctx, id, 'pinned = ?', pinned ? 1 : 0)

export const setArchived = (ctx: StoreContext, id: string, archived: boolean): Session => updateSession(ctx, id, 'archived = ?', archived ? 1 : 0)

export const setWorkspace = (ctx: StoreContext, id: string, workspace: string | null): Session =>
  updateSession(ctx, id, 'workspace = ?', optionalText(workspace, 'workspace', 1_000))

/** Bumps the session's activity time (new messages move it to the top of "recent"). */
export function touchSession(ctx: StoreContext, id: string, at: number): void {
  ctx.db.run('UPDATE sessions SET updated_at = max(updated_at, ?) WHERE id = ?', at, id)
}

export function tagSession(ctx: StoreContext, id: string, tags: string[]): Session {
  const clean = cleanTags(tags)
  return ctx.db.tx(() => {
    requireSession(ctx, id)
    for (const tag of clean) ctx.db.run('INSERT OR IGNORE INTO session_tags (session_id, tag) VALUES (?, ?)', id, tag)
    return requireSession(ctx, id)
  })
}

export function untagSession(ctx: StoreContext, id: string, tags: string[]): Session {
  const clean = cleanTags(tags)
  return ctx.db.tx(() => {
    requireSession(ctx, id)
    for (const tag of clean) ctx.db.run('DELETE FROM session_tags WHERE session_id = ? AND tag = ?', id, tag)
    return requireSession(ctx, id)
  })
}

export function listTags(ctx: StoreContext): { tag: string; count: number }[] {
  return ctx.db.all<{ tag: string; count: number }>(
    `SELECT t.tag AS tag, count(*) AS count FROM session_tags t JOIN sessions s ON s.id = t.session_id
     WHERE s.deleted_at IS NULL GROUP BY t.tag ORDER BY count DESC, t.tag`,
  ).map((row) => ({ tag: row.tag, count: Number(row.count) }))
}

/** Moves a session to the trash; `restoreSession` undoes it. Nothing is removed. */
export const softDeleteSession = (ctx: StoreContext, id: string): Session =>
  updateSession(ctx, id, 'deleted_at = coalesce(deleted_at, ?)', ctx.now())

export const restoreSession = (ctx: StoreContext, id: string): Session => updateSession(ctx, id, 'deleted_at = NULL')

/** Removes a session from the trash for good, with its messages and now-unused attachment files. */
export function purgeSession(ctx: StoreContext, id: string): void {
  const session = requireSession(ctx, id)
  if (session.deletedAt === null) {
    throw new ValidationError('Only sessions in the trash can be deleted permanently.', [{ path: 'id', message: 'not in trash' }], 'Move it to the trash first.')
  }
  purgeSessions(ctx, [id])
}

/** Empties the trash of sessions deleted before `olderThan` (all of it when omitted). */
export function purgeDeleted(ctx: StoreContext, olderThan?: number): number {
  const ids = ctx.db
    .all<{ id: string }>('SELECT id FROM sessions WHERE deleted_at IS NOT NULL AND deleted_at < ?', olderThan ?? Number.MAX_SAFE_INTEGER)
    .map((row) => row.id)
  purgeSessions(ctx, ids)
  return ids.length
}

function purgeSessions(ctx: StoreContext, ids: string[]): void {
  if (ids.length === 0) return
  const hashes = new Set<string>()
  ctx.db.tx(() => {
    for (const id of ids) {
      for (const row of ctx.db.all<{ sha256: string }>(
        'SELECT DISTINCT a.sha256 AS sha256 FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.session_id = ?',
        id,
      )) {
        hashes.add(row.sha256)
      }
      ctx.db.run('DELETE FROM sessions WHERE id = ?', id)
    }
  })
  // Files go only after the rows are gone for good, and only if nothing else points at them.
  for (const sha256 of hashes) {
    if (!ctx.db.get('SELECT 1 AS used FROM attachments WHERE sha256 = ?', sha256)) ctx.files.remove(sha256)
  }
}
