import type { StoreContext } from './context'
import type { SqlParam } from './database'
import { buildMatchExpression } from './search-query'
import type { MessageRole, SearchFilters, SearchHit } from './types'
import { pageLimit, pageOffset, requireRole } from './validate'

// Title hits count double: a word in the title says more about a session than one in a reply.
const TITLE_WEIGHT = 2

/**
 * Without narrowing filters, only the most recent matches of a message search are ranked. A
 * common word can match hundreds of thousands of messages; bm25 over all of them costs ~80 ms at
 * 1M messages, over the newest few thousand a few ms, and people look for recent things first.
 */
export const RECENT_MATCHES = 2000

/**
 * Full-text search over message text and session titles, best first. Any string is accepted
 * (see buildMatchExpression); one that has nothing searchable in it finds nothing.
 */
export function search(ctx: StoreContext, query: string, filters: SearchFilters = {}): SearchHit[] {
  const match = buildMatchExpression(String(query ?? ''))
  if (match === null) return []
  const limit = pageLimit(filters.limit, 50, 200)
  const offset = pageOffset(filters.offset)

  const sessionWhere: string[] = []
  const sessionParams: SqlParam[] = []
  if (!filters.includeDeleted) sessionWhere.push('s.deleted_at IS NULL')
  if (filters.includeArchived === false) sessionWhere.push('s.archived = 0')
  if (filters.sessionId !== undefined) {
    sessionWhere.push('s.id = ?')
    sessionParams.push(String(filters.sessionId))
  }
  if (filters.tag !== undefined) {
    sessionWhere.push('EXISTS (SELECT 1 FROM session_tags t WHERE t.session_id = s.id AND t.tag = ?)')
    sessionParams.push(String(filters.tag))
  }

  const messageWhere = ['messages_fts MATCH ?', ...sessionWhere]
  const messageParams: SqlParam[] = [match, ...sessionParams]
  const titleWhere = ['sessions_fts MATCH ?', ...sessionWhere]
  const titleParams: SqlParam[] = [match, ...sessionParams]
  for (const column of ['provider', 'model'] as const) {
    const value = filters[column]
    if (value === undefined) continue
    messageWhere.push(`m.${column} = ?`)
    messageParams.push(String(value))
    titleWhere.push(`EXISTS (SELECT 1 FROM messages x WHERE x.session_id = s.id AND x.${column} = ?)`)
    titleParams.push(String(value))
  }
  // Messages must fall in the range; a title matches when the session's life overlaps it.
  if (filters.from !== undefined) {
    messageWhere.push('m.created_at >= ?')
    messageParams.push(Number(filters.from))
    titleWhere.push('s.updated_at >= ?')
    titleParams.push(Number(filters.from))
  }
  if (filters.to !== undefined) {
    messageWhere.push('m.created_at < ?')
    messageParams.push(Number(filters.to))
    titleWhere.push('s.created_at < ?')
    titleParams.push(Number(filters.to))
  }
  // A role filter asks for messages, so title hits drop out.
  if (filters.role !== undefined) {
    messageWhere.push('m.role = ?')
    messageParams.push(requireRole(filters.role))
    titleWhere.push('0')
  }

  // Two phases: rank every match cheaply (bm25 only), then build snippets for the one page
  // shown. Snippets for all matches of a common word cost ten times more than the ranking.
  // CROSS JOIN pins the FTS index as the outer loop; otherwise the planner may walk a session's
  // rows and run the full-text match once per row.
  const window = offset + limit
  type Ranked = { seq: number; session_id: string; title: string; message_id: string | null; role: string | null; rank: number; created_at: number }
  const narrowed = messageWhere.length > (filters.includeDeleted ? 1 : 2) || filters.includeArchived === false
  // FTS5 walks its index newest-first and stops at the cap; only the best few are then joined to
  // their rows, so the cost no longer grows with the history.
  const recentHits = (joined: number): Ranked[] =>
    ctx.db.all<Ranked>(
      `SELECT m.seq AS seq, m.session_id AS session_id, s.title AS title, m.id AS message_id, m.role AS role, m.created_at AS created_at,
              recent.rank AS rank
       FROM (SELECT seq, rank FROM (SELECT rowid AS seq, bm25(messages_fts) AS rank FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
             ORDER BY rank, seq DESC LIMIT ?) AS recent
       CROSS JOIN messages m ON m.seq = recent.seq CROSS JOIN sessions s ON s.id = m.session_id
       WHERE ${sessionWhere.length ? sessionWhere.join(' AND ') : '1'} ORDER BY rank, created_at DESC, seq LIMIT ?`,
      match, cap, joined, ...sessionParams, window,
    )
  const cap = Math.max(RECENT_MATCHES, window * 4)
  const everyMatch = (): Ranked[] =>
    ctx.db.all<Ranked>(
      `SELECT m.seq AS seq, m.session_id AS session_id, s.title AS title, m.id AS message_id, m.role AS role, m.created_at AS created_at,
              bm25(messages_fts) AS rank
       FROM messages_fts CROSS JOIN messages m ON m.seq = messages_fts.rowid CROSS JOIN sessions s ON s.id = m.session_id
       WHERE ${messageWhere.join(' AND ')} ORDER BY rank, created_at DESC, seq LIMIT ?`,
      ...messageParams, window,
    )
  let messageHits = narrowed ? everyMatch() : recentHits(window * 4)
  // The page did not fill (few matches, or trashed sessions hold the recent ones): rank them all.
  if (!narrowed && messageHits.length < window) messageHits = everyMatch()
  const titleHits = ctx.db.all<Ranked>(
    `SELECT s.seq AS seq, s.id AS session_id, s.title AS title, NULL AS message_id, NULL AS role, s.updated_at AS created_at,
            bm25(sessions_fts) * ${TITLE_WEIGHT} AS rank
     FROM sessions_fts CROSS JOIN sessions s ON s.seq = sessions_fts.rowid
     WHERE ${titleWhere.join(' AND ')} ORDER BY rank, created_at DESC, seq LIMIT ?`,
    ...titleParams, window,
  )
  // Same total order as the SQL above (titles after messages on a tie), so pages never overlap.
  const order = (a: Ranked, b: Ranked) =>
    a.rank - b.rank || b.created_at - a.created_at || Number(a.message_id === null) - Number(b.message_id === null) || a.seq - b.seq
  const page = [...messageHits, ...titleHits].sort(order).slice(offset, window)
  // `+rowid` keeps the rowid test out of the FTS index: seeking rows one by one re-runs a prefix
  // query per row (seconds on 100k messages); one pass over the matches takes milliseconds.
  const snippets = (table: 'messages_fts' | 'sessions_fts', rows: Ranked[]): Map<number, string> => {
    if (rows.length === 0) return new Map()
    // The rowid range lets FTS5 skip every match outside the page's span instead of walking all of them.
    const seqs = rows.map((row) => row.seq)
    const found = ctx.db.all<{ seq: number; snippet: string }>(
      `SELECT rowid AS seq, snippet(${table}, 0, char(2), char(3), '…', 16) AS snippet FROM ${table}
       WHERE ${table} MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))`,
      match, Math.min(...seqs), Math.max(...seqs), JSON.stringify(seqs),
    )
    return new Map(found.map((row) => [row.seq, row.snippet]))
  }
  const messageSnippets = snippets('messages_fts', page.filter((row) => row.message_id !== null))
  const titleSnippets = snippets('sessions_fts', page.filter((row) => row.message_id === null))
  return page.map((row) => ({
    sessionId: row.session_id,
    sessionTitle: row.title,
    messageId: row.message_id,
    role: row.role as MessageRole | null,
    snippet: (row.message_id === null ? titleSnippets : messageSnippets).get(row.seq) ?? '',
    rank: row.rank,
    createdAt: row.created_at,
  }))
}
