import type { StoreContext } from './context'
import { searchClauses, whereSql, type FoundRow } from './search-clauses'
import { matchExpression, searchTerms } from './search-query'
import type { MessageRole, SearchFilters, SearchHit } from './types'
import { pageLimit, pageOffset } from './validate'

/** A hit with its snippet, made by the query that found it. */
type Found = FoundRow & { snippet: string | null }

/**
 * A last term shorter than this (one or two characters) is matched as a whole word in messages,
 * never as a prefix; after other words, the words before it stand in when that does not fill the
 * page (typing "kubectl l" keeps showing "kubectl"). Titles still match it as a prefix.
 */
export const MIN_PREFIX = 3

/**
 * Search as you type: newest first (the order messages were written), no ranking, so FTS5 stops
 * after the first page instead of scoring every match. All terms but the last are whole words;
 * the last is first matched as a whole word, and only when that does not fill the page as a
 * prefix too (never for one or two characters, see MIN_PREFIX). Session titles always match
 * the last term as a prefix. Hits come newest first (a title hit dates from the chat's last
 * activity); `rank` is 0. Snippets are made in the same query, for the rows it returns only: a
 * second query restricted to the page's rowids would read the whole index entry of a common word
 * again (4–8 ms at 200k messages, against 0.2 ms newest-first).
 */
export function searchRecent(ctx: StoreContext, query: string, filters: SearchFilters): SearchHit[] {
  const terms = searchTerms(query)
  const exact = matchExpression(terms, false)
  const prefix = matchExpression(terms, true)
  if (exact === null || prefix === null) return []
  const limit = pageLimit(filters.limit, 50, 200)
  const offset = pageOffset(filters.offset)
  const window = offset + limit
  const { messageWhere, messageParams, titleWhere, titleParams } = searchClauses(filters)
  const last = terms.at(-1)!

  // FTS5 hands rows over newest first (rowid DESC) and stops at the LIMIT; the joins only drop
  // rows of filtered sessions, so no step reads more than a page plus the filtered-out rows.
  const newest = (match: string): Found[] =>
    ctx.db.all<Found>(
      `SELECT m.seq AS seq, m.session_id AS session_id, s.title AS title, m.id AS message_id, m.role AS role, m.created_at AS created_at, 0 AS rank,
              snippet(messages_fts, 0, char(2), char(3), '…', 16) AS snippet
       FROM messages_fts CROSS JOIN messages m ON m.seq = messages_fts.rowid CROSS JOIN sessions s ON s.id = m.session_id
       WHERE messages_fts MATCH ? AND ${whereSql(messageWhere)} ORDER BY messages_fts.rowid DESC LIMIT ?`,
      match, ...messageParams, window,
    )
  let messageHits = newest(exact)
  const short = !last.phrase && [...last.text].length < MIN_PREFIX
  // Whole words did not fill the page: the last word as a prefix, or, when it is a one- or
  // two-character start of a next word ("kubectl l"), the words before it.
  const fallback = last.phrase ? null : short ? matchExpression(terms.slice(0, -1), false) : prefix
  if (messageHits.length < window && fallback !== null) {
    const found = new Map(messageHits.map((row) => [row.seq, row]))
    for (const row of newest(fallback)) if (!found.has(row.seq)) found.set(row.seq, row)
    messageHits = [...found.values()].sort((a, b) => b.seq - a.seq).slice(0, window)
  }
  const titleHits = ctx.db.all<Found>(
    `SELECT s.seq AS seq, s.id AS session_id, s.title AS title, NULL AS message_id, NULL AS role, s.updated_at AS created_at, 0 AS rank,
            snippet(sessions_fts, 0, char(2), char(3), '…', 16) AS snippet
     FROM sessions_fts CROSS JOIN sessions s ON s.seq = sessions_fts.rowid
     WHERE sessions_fts MATCH ? AND ${whereSql(titleWhere)} ORDER BY sessions_fts.rowid DESC LIMIT ?`,
    prefix, ...titleParams, window,
  )
  const order = (a: Found, b: Found) =>
    b.created_at - a.created_at || Number(a.message_id === null) - Number(b.message_id === null) || b.seq - a.seq
  return [...messageHits, ...titleHits].sort(order).slice(offset, window).map((row) => ({
    sessionId: row.session_id,
    sessionTitle: row.title,
    messageId: row.message_id,
    role: row.role as MessageRole | null,
    snippet: row.snippet ?? '',
    rank: 0,
    createdAt: row.created_at,
  }))
}
