import type { StoreContext } from './context'
import type { SqlParam } from './database'
import type { MessageRole, SearchFilters, SearchHit } from './types'
import { requireRole } from './validate'

/** WHERE clauses (without the MATCH) of a search's three parts: the session, a message hit, a title hit. */
export interface SearchClauses {
  sessionWhere: string[]
  sessionParams: SqlParam[]
  messageWhere: string[]
  messageParams: SqlParam[]
  titleWhere: string[]
  titleParams: SqlParam[]
  /** A filter beyond "not in the trash" narrows the messages searched. */
  narrowed: boolean
}

export function searchClauses(filters: SearchFilters): SearchClauses {
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
  const messageWhere = [...sessionWhere]
  const messageParams = [...sessionParams]
  const titleWhere = [...sessionWhere]
  const titleParams = [...sessionParams]
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
  const narrowed = messageWhere.length > (filters.includeDeleted ? 0 : 1) || filters.includeArchived === false
  return { sessionWhere, sessionParams, messageWhere, messageParams, titleWhere, titleParams, narrowed }
}

export const whereSql = (clauses: readonly string[]): string => (clauses.length > 0 ? clauses.join(' AND ') : '1')

/** A hit before its snippet is built: `seq` is the row in messages or sessions. */
export interface FoundRow {
  seq: number
  session_id: string
  title: string
  message_id: string | null
  role: string | null
  rank: number
  created_at: number
}

/**
 * Snippets for the rows shown only (a snippet for every match of a common word costs ten times
 * more than finding them). `+rowid` keeps the rowid test out of the FTS index: seeking rows one
 * by one re-runs a prefix query per row; the rowid range lets FTS5 skip every match outside the
 * page's span instead.
 */
function snippets(ctx: StoreContext, table: 'messages_fts' | 'sessions_fts', match: string, rows: FoundRow[]): Map<number, string> {
  if (rows.length === 0) return new Map()
  const seqs = rows.map((row) => row.seq)
  const found = ctx.db.all<{ seq: number; snippet: string }>(
    `SELECT rowid AS seq, snippet(${table}, 0, char(2), char(3), '…', 16) AS snippet FROM ${table}
     WHERE ${table} MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))`,
    match, Math.min(...seqs), Math.max(...seqs), JSON.stringify(seqs),
  )
  return new Map(found.map((row) => [row.seq, row.snippet]))
}

/** The page as hits, with snippets: `messageMatch`/`titleMatch` are the expressions that found them. */
export function toHits(ctx: StoreContext, page: FoundRow[], messageMatch: string, titleMatch: string): SearchHit[] {
  const messageSnippets = snippets(ctx, 'messages_fts', messageMatch, page.filter((row) => row.message_id !== null))
  const titleSnippets = snippets(ctx, 'sessions_fts', titleMatch, page.filter((row) => row.message_id === null))
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
