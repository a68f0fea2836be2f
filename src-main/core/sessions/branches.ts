import { ValidationError } from '../errors'
import type { StoreContext } from './context'
import { SessionNotFoundError } from './errors'
import { activeLeafId, getMessage, isSummaryMessage, toMessages } from './messages-repo'
import { MESSAGE_COLUMNS, type MessageRow } from './rows'
import { requireSession, touchSession } from './sessions-repo'
import type { BranchFind, BranchPage, BranchPageQuery, DeletedMessage, Message, MessageVersion } from './types'
import { pageLimit } from './validate'

// Branches (README, "Branches"). Messages form a tree through parent_id: a regenerated reply is a
// sibling of the old one (same prompt), an edited prompt a sibling of the original (same parent).
// The branch being read ends at sessions.active_leaf; every message written continues it (and
// becomes the leaf), so reopening a chat shows the same branch. Versions are the siblings of a
// message, oldest first; compaction summaries stand apart and are never anyone's version.

const NOT_SUMMARY = 'NOT EXISTS (SELECT 1 FROM compactions c WHERE c.summary_message_id = m.id)'

/** The newest message at or under `messageId` (the end of the branch it was last continued on). */
function newestDescendant(ctx: StoreContext, messageId: string): string {
  return ctx.db.get<{ id: string }>(
    `WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT m.id FROM messages m JOIN tree t ON m.parent_id = t.id)
     SELECT m.id AS id FROM tree JOIN messages m ON m.id = tree.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1`,
    messageId,
  )!.id
}

/** Whether `messageId` is `leafId` or one of its ancestors. */
function onBranch(ctx: StoreContext, leafId: string, messageId: string): boolean {
  return ctx.db.get(
    `WITH RECURSIVE chain(id, parent_id) AS (SELECT id, parent_id FROM messages WHERE id = ?
       UNION ALL SELECT p.id, p.parent_id FROM messages p JOIN chain c ON p.id = c.parent_id)
     SELECT 1 AS found FROM chain WHERE id = ?`,
    leafId, messageId,
  ) !== undefined
}

function requireMessageIn(ctx: StoreContext, sessionId: string, messageId: unknown, field: string): { id: string; parent_id: string | null; status: string } {
  if (typeof messageId !== 'string' || messageId.length === 0) throw new ValidationError(`"${field}" must be a message id.`, [{ path: field, message: 'invalid' }])
  const row = ctx.db.get<{ id: string; session_id: string; parent_id: string | null; status: string }>('SELECT id, session_id, parent_id, status FROM messages WHERE id = ?', messageId)
  if (!row) throw new SessionNotFoundError('message', messageId)
  if (row.session_id !== sessionId) throw new ValidationError('That message belongs to another session.', [{ path: field, message: 'wrong session' }])
  return row
}

/**
 * Reads the branch through `messageId` from now on (a version switcher, a search hit on another
 * branch): the newest message under it becomes the active leaf, unless the branch being read
 * already goes through it. Returns the leaf.
 */
export function setActiveBranch(ctx: StoreContext, sessionId: string, messageId: string): { leafId: string } {
  return ctx.db.tx(() => {
    requireSession(ctx, sessionId)
    requireMessageIn(ctx, sessionId, messageId, 'messageId')
    if (isSummaryMessage(ctx, messageId)) {
      throw new ValidationError('A compaction summary is not part of a conversation branch.', [{ path: 'messageId', message: 'summary' }], 'Pick a message of the conversation.')
    }
    // Already on the branch being read (a search hit there): nothing moves.
    const current = activeLeafId(ctx, sessionId)
    if (current !== null && onBranch(ctx, current, messageId)) return { leafId: current }
    const leafId = newestDescendant(ctx, messageId)
    ctx.db.run('UPDATE sessions SET active_leaf = ? WHERE id = ?', leafId, sessionId)
    return { leafId }
  })
}

/** Siblings of the page's messages (same parent, summaries left out), as 1-based versions. */
function versionsOf(ctx: StoreContext, sessionId: string, page: Message[]): Record<string, MessageVersion> {
  const parents = [...new Set(page.flatMap((m) => (m.parentId === null ? [] : [m.parentId])))]
  const roots = page.some((m) => m.parentId === null) ? 1 : 0
  const rows = ctx.db.all<{ id: string; parent_id: string | null }>(
    `SELECT m.id AS id, m.parent_id AS parent_id FROM messages m
      WHERE m.session_id = ? AND (m.parent_id IN (SELECT value FROM json_each(?)) OR (? = 1 AND m.parent_id IS NULL)) AND ${NOT_SUMMARY}
      ORDER BY m.created_at, m.id`,
    sessionId, JSON.stringify(parents), roots,
  )
  const byParent = new Map<string | null, string[]>()
  for (const row of rows) byParent.set(row.parent_id, [...(byParent.get(row.parent_id) ?? []), row.id])
  const versions: Record<string, MessageVersion> = {}
  for (const message of page) {
    const siblings = byParent.get(message.parentId) ?? []
    const at = siblings.indexOf(message.id)
    if (siblings.length < 2 || at < 0) continue
    versions[message.id] = { index: at + 1, count: siblings.length, previous: siblings[at - 1] ?? null, next: siblings[at + 1] ?? null }
  }
  return versions
}

/**
 * One page of the branch being read, oldest first, with the versions of its messages; walk back
 * with `before: page.nextBefore`. Each page reads only its own messages and their siblings, so a
 * 1,000-message chat with many branches costs what one page costs.
 */
export function getBranch(ctx: StoreContext, sessionId: string, query: BranchPageQuery = {}): BranchPage {
  requireSession(ctx, sessionId)
  const limit = pageLimit(query.limit, 100, 1_000)
  const leafId = activeLeafId(ctx, sessionId)
  let start = leafId
  if (query.before !== undefined) start = requireMessageIn(ctx, sessionId, query.before, 'before').parent_id
  if (start === null) return { messages: [], nextBefore: null, leafId, versions: {} }
  const rows = ctx.db.all<MessageRow>(
    `WITH RECURSIVE chain(id, parent_id, depth) AS (
       SELECT id, parent_id, 0 FROM messages WHERE id = ?
       UNION ALL SELECT p.id, p.parent_id, c.depth + 1 FROM messages p JOIN chain c ON p.id = c.parent_id WHERE c.depth < ?
     ) SELECT ${MESSAGE_COLUMNS} FROM chain JOIN messages m ON m.id = chain.id ORDER BY chain.depth DESC`,
    start, limit,
  )
  const more = rows.length > limit
  const page = toMessages(ctx, more ? rows.slice(1) : rows)
  return { messages: page, nextBefore: more && page.length > 0 ? page[0]!.id : null, leafId, versions: versionsOf(ctx, sessionId, page) }
}

/** How many messages with a match find-in-chat lists at most (the total still counts every one). */
export const FIND_MESSAGES_MAX = 5_000

/** Non-overlapping, case-insensitive occurrences of `needle` (already lower-cased) in `text`, as the window's find bar counts them. */
export function occurrences(text: string, needle: string): number {
  const hay = text.toLocaleLowerCase()
  let count = 0
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + needle.length)) count++
  return count
}

/**
 * Find in chat: every message of the branch being read (compaction summaries aside) that holds
 * `query`, oldest first, with its count. SQLite narrows the rows when the text is plain ASCII
 * (its lower() knows only ASCII); the counting is JavaScript's, the same as the window's.
 */
export function findInBranch(ctx: StoreContext, sessionId: string, query: string): BranchFind {
  requireSession(ctx, sessionId)
  const needle = query.toLocaleLowerCase()
  const leafId = activeLeafId(ctx, sessionId)
  if (!needle || leafId === null) return { matches: [], total: 0, truncated: false }
  const ascii = /^[\x20-\x7e]*$/.test(query)
  const rows = ctx.db.all<{ id: string; text: string }>(
    `WITH RECURSIVE chain(id, parent_id, depth) AS (
       SELECT id, parent_id, 0 FROM messages WHERE id = ?
       UNION ALL SELECT p.id, p.parent_id, c.depth + 1 FROM messages p JOIN chain c ON p.id = c.parent_id
     ) SELECT m.id AS id, m.text AS text FROM chain JOIN messages m ON m.id = chain.id
       WHERE ${NOT_SUMMARY} AND (? = 0 OR instr(lower(m.text), ?) > 0) ORDER BY chain.depth DESC`,
    leafId, ascii ? 1 : 0, needle,
  )
  const matches: BranchFind['matches'] = []
  let total = 0
  for (const row of rows) {
    const count = occurrences(row.text, needle)
    if (count === 0) continue
    total += count
    if (matches.length < FIND_MESSAGES_MAX) matches.push({ messageId: row.id, count })
  }
  const listed = matches.reduce((n, m) => n + m.count, 0)
  return { matches, total, truncated: listed < total }
}

/** The messages of the branch being read, oldest first, with the summaries of compactions on it. */
export function activeBranchMessages(ctx: StoreContext, sessionId: string, all: Message[]): Message[] {
  const leaf = activeLeafId(ctx, sessionId)
  const byId = new Map(all.map((m) => [m.id, m]))
  const onPath = new Set<string>()
  for (let id: string | null = leaf; id !== null && !onPath.has(id); id = byId.get(id)?.parentId ?? null) onPath.add(id)
  const summaries = ctx.db.all<{ id: string }>('SELECT summary_message_id AS id FROM compactions WHERE session_id = ? AND upto_message_id IN (SELECT value FROM json_each(?))', sessionId, JSON.stringify([...onPath]))
  for (const { id } of summaries) onPath.add(id)
  return all.filter((m) => onPath.has(m.id))
}

/**
 * Deletes one message. Its replies stay: they are re-parented to the deleted message's parent
 * (a deleted root makes them roots), so the tree stays whole and every other version is kept.
 * A compaction that ended at it now ends at its parent (or goes, with its summary, when it had
 * none). When it was the leaf being read, the branch through its parent is read instead.
 */
export function deleteMessage(ctx: StoreContext, sessionId: string, messageId: string): DeletedMessage {
  const hashes: string[] = []
  const result = ctx.db.tx((): DeletedMessage => {
    requireSession(ctx, sessionId)
    const row = requireMessageIn(ctx, sessionId, messageId, 'messageId')
    if (row.status === 'streaming') throw new ValidationError('This reply is still being written.', [{ path: 'messageId', message: 'streaming' }], 'Stop it first, then delete it.')
    const wasLeaf = activeLeafId(ctx, sessionId) === messageId
    const parent = row.parent_id
    const reparented = ctx.db.run('UPDATE messages SET parent_id = ? WHERE parent_id = ?', parent, messageId)
    if (parent !== null) ctx.db.run('UPDATE compactions SET upto_message_id = ? WHERE upto_message_id = ?', parent, messageId)
    else {
      for (const { id } of ctx.db.all<{ id: string }>('SELECT summary_message_id AS id FROM compactions WHERE upto_message_id = ?', messageId)) {
        ctx.db.run('DELETE FROM messages WHERE id = ?', id)
      }
    }
    hashes.push(...ctx.db.all<{ sha256: string }>('SELECT sha256 FROM attachments WHERE message_id = ?', messageId).map((a) => a.sha256))
    ctx.db.run('DELETE FROM messages WHERE id = ?', messageId)
    if (wasLeaf) ctx.db.run('UPDATE sessions SET active_leaf = ? WHERE id = ?', parent === null ? null : newestDescendant(ctx, parent), sessionId)
    touchSession(ctx, sessionId, ctx.now())
    return { deletedId: messageId, reparented, leafId: activeLeafId(ctx, sessionId) }
  })
  for (const sha256 of hashes) if (!ctx.db.get('SELECT 1 AS used FROM attachments WHERE sha256 = ?', sha256)) ctx.files.remove(sha256)
  return result
}

/**
 * Opens a finished reply again so more text can be streamed onto its end (Continue): only an
 * assistant reply, and only one not being written already.
 */
export function resumeStreamingMessage(ctx: StoreContext, sessionId: string, messageId: string): Message {
  return ctx.db.tx(() => {
    const row = requireMessageIn(ctx, sessionId, messageId, 'continueOf')
    const message = getMessage(ctx, row.id)
    if (message.role !== 'assistant') throw new ValidationError('Only a reply can be continued.', [{ path: 'continueOf', message: `a ${message.role} message` }])
    if (message.status === 'streaming') throw new ValidationError('This reply is still being written.', [{ path: 'continueOf', message: 'streaming' }])
    ctx.db.run(`UPDATE messages SET status = 'streaming', error = NULL, updated_at = ? WHERE id = ?`, ctx.now(), messageId)
    ctx.db.run('UPDATE sessions SET active_leaf = ? WHERE id = ?', messageId, sessionId)
    return getMessage(ctx, messageId)
  })
}
