import { ValidationError } from '../errors'
import type { StoreContext } from './context'
import { searchClauses, toHits, whereSql, type FoundRow } from './search-clauses'
import { buildMatchExpression } from './search-query'
import { searchRecent } from './search-recent'
import type { SearchFilters, SearchHit } from './types'
import { pageLimit, pageOffset } from './validate'

// Title hits count double: a word in the title says more about a session than one in a reply.
const TITLE_WEIGHT = 2

/**
 * Without narrowing filters, only the most recent matches of a message search are ranked. A
 * common word can match hundreds of thousands of messages; bm25 over all of them costs ~80 ms at
 * 1M messages, over the newest few thousand a few ms, and people look for recent things first.
 */
export const RECENT_MATCHES = 2000

export const SEARCH_MODES = ['recent', 'ranked'] as const

/**
 * Full-text search over message text and session titles. `mode: 'ranked'` (the default here) is
 * best first (bm25); `mode: 'recent'` is newest first without ranking, for search as you type
 * (see search-recent.ts and the README). Any query string is accepted (see searchTerms); one that
 * has nothing searchable in it finds nothing.
 */
export function search(ctx: StoreContext, query: string, filters: SearchFilters = {}): SearchHit[] {
  const mode = filters.mode ?? 'ranked'
  if (!(SEARCH_MODES as readonly string[]).includes(mode)) {
    throw new ValidationError('"mode" must be recent or ranked.', [{ path: 'mode', message: 'invalid' }])
  }
  return mode === 'recent' ? searchRecent(ctx, String(query ?? ''), filters) : searchRanked(ctx, String(query ?? ''), filters)
}

function searchRanked(ctx: StoreContext, query: string, filters: SearchFilters): SearchHit[] {
  const match = buildMatchExpression(query)
  if (match === null) return []
  const limit = pageLimit(filters.limit, 50, 200)
  const offset = pageOffset(filters.offset)
  const { sessionWhere, sessionParams, messageWhere, messageParams, titleWhere, titleParams, narrowed } = searchClauses(filters)

  // Two phases: rank every match cheaply (bm25 only), then build snippets for the one page
  // shown. CROSS JOIN pins the FTS index as the outer loop; otherwise the planner may walk a
  // session's rows and run the full-text match once per row.
  const window = offset + limit
  // FTS5 walks its index newest-first and stops at the cap; only the best few are then joined to
  // their rows, so the cost no longer grows with the history.
  const recentHits = (joined: number): FoundRow[] =>
    ctx.db.all<FoundRow>(
      `SELECT m.seq AS seq, m.session_id AS session_id, s.title AS title, m.id AS message_id, m.role AS role, m.created_at AS created_at,
              recent.rank AS rank
       FROM (SELECT seq, rank FROM (SELECT rowid AS seq, bm25(messages_fts) AS rank FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
             ORDER BY rank, seq DESC LIMIT ?) AS recent
       CROSS JOIN messages m ON m.seq = recent.seq CROSS JOIN sessions s ON s.id = m.session_id
       WHERE ${whereSql(sessionWhere)} ORDER BY rank, created_at DESC, seq LIMIT ?`,
      match, cap, joined, ...sessionParams, window,
    )
  const cap = Math.max(RECENT_MATCHES, window * 4)
  const everyMatch = (): FoundRow[] =>
    ctx.db.all<FoundRow>(
      `SELECT m.seq AS seq, m.session_id AS session_id, s.title AS title, m.id AS message_id, m.role AS role, m.created_at AS created_at,
              bm25(messages_fts) AS rank
       FROM messages_fts CROSS JOIN messages m ON m.seq = messages_fts.rowid CROSS JOIN sessions s ON s.id = m.session_id
       WHERE messages_fts MATCH ? AND ${whereSql(messageWhere)} ORDER BY rank, created_at DESC, seq LIMIT ?`,
      match, ...messageParams, window,
    )
  let messageHits = narrowed ? everyMatch() : recentHits(window * 4)
  // The page did not fill (few matches, or trashed sessions hold the recent ones): rank them all.
  if (!narrowed && messageHits.length < window) messageHits = everyMatch()
  const titleHits = ctx.db.all<FoundRow>(
    `SELECT s.seq AS seq, s.id AS session_id, s.title AS title, NULL AS message_id, NULL AS role, s.updated_at AS created_at,
            bm25(sessions_fts) * ${TITLE_WEIGHT} AS rank
     FROM sessions_fts CROSS JOIN sessions s ON s.seq = sessions_fts.rowid
     WHERE sessions_fts MATCH ? AND ${whereSql(titleWhere)} ORDER BY rank, created_at DESC, seq LIMIT ?`,
    match, ...titleParams, window,
  )
  // Same total order as the SQL above (titles after messages on a tie), so pages never overlap.
  const order = (a: FoundRow, b: FoundRow) =>
    a.rank - b.rank || b.created_at - a.created_at || Number(a.message_id === null) - Number(b.message_id === null) || a.seq - b.seq
  return toHits(ctx, [...messageHits, ...titleHits].sort(order).slice(offset, window), match, match)
}
