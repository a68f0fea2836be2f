import { ValidationError } from '../errors'
import type { StoreContext } from './context'
import type { SqlParam } from './database'
import { SessionNotFoundError } from './errors'
import { jsonOrNull, MESSAGE_COLUMNS, toMessage, type MessageRow } from './rows'
import { stripMarkers } from './search-query'
import { requireSession, touchSession } from './sessions-repo'
import { usageOrEstimate } from './tokens'
import type {
  AttachmentInfo, ContentPart, Message, MessagePage, MessagePageQuery, NewMessage, StreamingFinal, StreamingMeta, ToolCall,
} from './types'
import { UUID_RE } from './uuid'
import { optionalNumber, optionalText, pageLimit, requireRole, requireText } from './validate'

const MAX_TEXT = 10_000_000
const INTERRUPTED = 'Interrupted: Ollama Desk stopped before the reply finished.'

function attachmentsOf(ctx: StoreContext, ids: string[]): Map<string, AttachmentInfo[]> {
  const map = new Map<string, AttachmentInfo[]>()
  if (ids.length === 0) return map
  const rows = ctx.db.all<AttachmentInfo & { message_id: string }>(
    'SELECT message_id, sha256, name, mime, size FROM attachments WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY seq',
    JSON.stringify(ids),
  )
  for (const { message_id: id, ...info } of rows) map.set(id, [...(map.get(id) ?? []), { ...info, size: Number(info.size) }])
  return map
}

export function toMessages(ctx: StoreContext, rows: MessageRow[]): Message[] {
  const attachments = attachmentsOf(ctx, rows.map((row) => row.id))
  return rows.map((row) => toMessage(row, attachments.get(row.id) ?? []))
}

export function getMessage(ctx: StoreContext, id: string): Message {
  const row = ctx.db.get<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?`, String(id))
  if (!row) throw new SessionNotFoundError('message', String(id))
  return toMessages(ctx, [row])[0]!
}

/** One page of a session's messages, oldest first; walk back with `before: page.nextBefore`. */
export function getMessages(ctx: StoreContext, sessionId: string, query: MessagePageQuery = {}): MessagePage {
  requireSession(ctx, sessionId)
  const limit = pageLimit(query.limit, 100, 1_000)
  let rows: MessageRow[]
  if (query.before === undefined) {
    rows = ctx.db.all<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.session_id = ? ORDER BY m.created_at DESC, m.id DESC LIMIT ?`,
      sessionId, limit + 1,
    )
  } else {
    const anchor = ctx.db.get<{ created_at: number; id: string }>('SELECT created_at, id FROM messages WHERE id = ? AND session_id = ?', String(query.before), sessionId)
    if (!anchor) throw new SessionNotFoundError('message', String(query.before))
    rows = ctx.db.all<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.session_id = ? AND (m.created_at, m.id) < (?, ?)
       ORDER BY m.created_at DESC, m.id DESC LIMIT ?`,
      sessionId, anchor.created_at, anchor.id, limit + 1,
    )
  }
  const more = rows.length > limit
  const page = toMessages(ctx, rows.slice(0, limit).reverse())
  return { messages: page, nextBefore: more && page.length > 0 ? page[0]!.id : null }
}

/** The branch ending at `leafId`, root first (what would be sent to a model). */
export function getThread(ctx: StoreContext, leafId: string): Message[] {
  const rows = ctx.db.all<MessageRow>(
    `WITH RECURSIVE chain(id, parent_id, depth) AS (
       SELECT id, parent_id, 0 FROM messages WHERE id = ?
       UNION ALL SELECT p.id, p.parent_id, c.depth + 1 FROM messages p JOIN chain c ON p.id = c.parent_id WHERE c.depth < 1000000
     ) SELECT ${MESSAGE_COLUMNS} FROM chain JOIN messages m ON m.id = chain.id ORDER BY chain.depth DESC`,
    String(leafId),
  )
  if (rows.length === 0) throw new SessionNotFoundError('message', String(leafId))
  return toMessages(ctx, rows)
}

/**
 * The message a new one continues from by default: the latest, skipping compaction summaries,
 * which stand beside the conversation and are never replied to (see compactions-repo.ts).
 */
export function latestMessageId(ctx: StoreContext, sessionId: string): string | null {
  return ctx.db.get<{ id: string }>(
    `SELECT id FROM messages m WHERE m.session_id = ? AND NOT EXISTS (SELECT 1 FROM compactions c WHERE c.summary_message_id = m.id)
     ORDER BY m.created_at DESC, m.id DESC LIMIT 1`,
    sessionId,
  )?.id ?? null
}

/** The newest message of the branch being read: the stored leaf while it exists, else the latest message. */
export function activeLeafId(ctx: StoreContext, sessionId: string): string | null {
  const stored = ctx.db.get<{ id: string }>(
    'SELECT m.id AS id FROM sessions s JOIN messages m ON m.id = s.active_leaf AND m.session_id = s.id WHERE s.id = ?',
    sessionId,
  )
  return stored?.id ?? latestMessageId(ctx, sessionId)
}

export const isSummaryMessage = (ctx: StoreContext, id: string): boolean =>
  ctx.db.get('SELECT 1 AS found FROM compactions WHERE summary_message_id = ?', id) !== undefined

function checkParts(parts: unknown): ContentPart[] {
  if (!Array.isArray(parts)) throw new ValidationError('"content" must be a list of parts.', [{ path: 'content', message: 'invalid' }])
  return parts.map((part: Partial<ContentPart> | null, i) => {
    if (part?.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text }
    if (part?.type === 'attachment' && typeof part.sha256 === 'string' && typeof part.name === 'string' && typeof part.mime === 'string') {
      return { type: 'attachment', sha256: part.sha256, name: part.name, mime: part.mime }
    }
    throw new ValidationError(`Content part ${i} is neither text nor an attachment.`, [{ path: `content.${i}`, message: 'invalid' }])
  })
}

function checkToolCalls(value: unknown): ToolCall[] | null {
  if (value === undefined || value === null) return null
  if (!Array.isArray(value) || value.some((call) => typeof (call as ToolCall | null)?.name !== 'string')) {
    throw new ValidationError('"toolCalls" must be a list of { name, arguments }.', [{ path: 'toolCalls', message: 'invalid' }])
  }
  return value as ToolCall[]
}

/** Rejects messages for a session in the trash: restore first, so nothing lands where nobody looks. */
function requireLiveSession(ctx: StoreContext, sessionId: string): void {
  if (requireSession(ctx, sessionId).deletedAt !== null) {
    throw new ValidationError('This session is in the trash.', [{ path: 'sessionId', message: 'deleted' }], 'Restore it first.')
  }
}

/** A validated message row, ready to insert (its attachment files already stored). */
export interface PreparedMessage {
  id: string
  role: Message['role']
  values: SqlParam[]
  createdAt: number
  attachments: { name: string; mime: string; sha256: string; size: number }[]
}

/**
 * Validates a new message and stores its attachment files. Content that is exactly one text part
 * equal to `text` is not stored twice: the content column stays '[]' and reads derive it from `text`.
 */
export function prepareMessage(ctx: StoreContext, input: NewMessage, status: 'streaming' | 'complete' | 'error'): PreparedMessage {
  const role = requireRole(input.role)
  const parts = input.content === undefined ? null : checkParts(input.content)
  const text = stripMarkers(
    input.text !== undefined ? (optionalText(input.text, 'text', MAX_TEXT) ?? '') : (parts ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n\n'),
  )
  const createdAt = Math.round(optionalNumber(input.createdAt, 'createdAt') ?? ctx.now())
  const id = input.id ?? ctx.newId(createdAt)
  if (!UUID_RE.test(id)) throw new ValidationError('A message id must be a lowercase UUID.', [{ path: 'id', message: 'invalid' }])
  const attachments = (input.attachments ?? []).map((a, i) => {
    if (!(a?.data instanceof Uint8Array)) throw new ValidationError(`Attachment ${i} has no data.`, [{ path: `attachments.${i}`, message: 'invalid' }])
    return { name: requireText(a.name, 'attachment name'), mime: requireText(a.mime, 'attachment mime', 200), ...ctx.files.put(a.data) }
  })
  const content: ContentPart[] = [
    ...(parts ?? (text.length > 0 ? [{ type: 'text' as const, text }] : [])),
    ...attachments.map((a): ContentPart => ({ type: 'attachment', sha256: a.sha256, name: a.name, mime: a.mime })),
  ]
  const storedContent = content.length === 0 || (content.length === 1 && content[0]!.type === 'text' && content[0]!.text === text) ? '[]' : JSON.stringify(content)
  const reasoning = optionalText(input.reasoning, 'reasoning', MAX_TEXT)
  const usage = status === 'streaming' ? null : usageOrEstimate(input.usage, role, text)
  const values: SqlParam[] = [
    role, storedContent, text, reasoning, jsonOrNull(checkToolCalls(input.toolCalls)), optionalText(input.provider, 'provider', 200),
    optionalText(input.model, 'model', 500), jsonOrNull(usage), optionalNumber(input.cost, 'cost'), jsonOrNull(input.timings), status,
    optionalText(input.error, 'error', 10_000), createdAt, createdAt,
  ]
  return { id, role, values, createdAt, attachments }
}

/** Inserts a prepared message and its attachment rows; no checks, no read-back (callers check first). */
export function writeMessage(ctx: StoreContext, sessionId: string, parentId: string | null, message: PreparedMessage): void {
  ctx.db.run(
    `INSERT INTO messages (id, session_id, parent_id, role, content, text, reasoning, tool_calls, provider, model, usage, cost, timings,
       status, error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    message.id, sessionId, parentId, ...message.values,
  )
  for (const a of message.attachments) {
    ctx.db.run('INSERT INTO attachments (message_id, sha256, name, mime, size) VALUES (?, ?, ?, ?, ?)', message.id, a.sha256, a.name, a.mime, a.size)
  }
}

/** Inserts one message (and its attachment files) and returns it as stored. */
export function insertMessage(ctx: StoreContext, sessionId: string, input: NewMessage, status: 'streaming' | 'complete' | 'error' = input.status ?? 'complete'): Message {
  // Checked again inside the transaction; checking first keeps files of a refused message off disk.
  requireLiveSession(ctx, sessionId)
  const message = prepareMessage(ctx, input, status)
  return ctx.db.tx(() => {
    requireLiveSession(ctx, sessionId)
    // By default a message continues the branch being read (see branches.ts).
    const parentId = input.parentId === undefined ? activeLeafId(ctx, sessionId) : input.parentId
    if (parentId !== null && !ctx.db.get('SELECT 1 AS found FROM messages WHERE id = ? AND session_id = ?', String(parentId), sessionId)) {
      throw new ValidationError('The parent message is not in this session.', [{ path: 'parentId', message: 'invalid' }])
    }
    if (parentId !== null && isSummaryMessage(ctx, String(parentId))) {
      throw new ValidationError('A compaction summary cannot be replied to.', [{ path: 'parentId', message: 'summary' }], 'Continue from a message of the conversation.')
    }
    writeMessage(ctx, sessionId, parentId, message)
    // What is written is what is read next; a compaction summary (a system root) stands apart.
    if (message.role !== 'system' || parentId !== null) ctx.db.run('UPDATE sessions SET active_leaf = ? WHERE id = ?', message.id, sessionId)
    touchSession(ctx, sessionId, message.createdAt)
    return getMessage(ctx, message.id)
  })
}

export const appendMessage = (ctx: StoreContext, sessionId: string, input: NewMessage): Message => insertMessage(ctx, sessionId, input)

/** Creates the row a streamed reply is written into; text arrives later through appendStreamingText. */
export function startStreamingMessage(ctx: StoreContext, sessionId: string, meta: StreamingMeta = {}): Message {
  return insertMessage(ctx, sessionId, { role: meta.role ?? 'assistant', text: '', provider: meta.provider, model: meta.model, parentId: meta.parentId }, 'streaming')
}

function requireStreaming(ctx: StoreContext, id: string): MessageRow {
  const row = ctx.db.get<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?`, String(id))
  if (!row) throw new SessionNotFoundError('message', String(id))
  if (row.status !== 'streaming') {
    throw new ValidationError('This reply has already finished; it cannot be changed.', [{ path: 'id', message: row.status }])
  }
  return row
}

function appendTail(ctx: StoreContext, id: string, text: string, reasoning: string | undefined): void {
  ctx.db.run(
    `UPDATE messages SET text = text || ?, reasoning = CASE WHEN ? IS NULL THEN reasoning ELSE coalesce(reasoning, '') || ? END, updated_at = ? WHERE id = ?`,
    stripMarkers(text), reasoning ?? null, reasoning ?? null, ctx.now(), id,
  )
}

/** Persists one batch of streamed text (the writer decides how often). */
export function appendStreamingText(ctx: StoreContext, id: string, text: string, reasoning?: string): void {
  optionalText(text, 'text', MAX_TEXT)
  optionalText(reasoning, 'reasoning', MAX_TEXT)
  ctx.db.tx(() => {
    requireStreaming(ctx, id)
    appendTail(ctx, id, text, reasoning)
  })
}

/** Writes the last text, usage and cost and marks the reply complete, in one transaction. */
export function completeStreamingMessage(ctx: StoreContext, id: string, tail: { text?: string; reasoning?: string }, final: StreamingFinal = {}): Message {
  return ctx.db.tx(() => {
    const row = requireStreaming(ctx, id)
    appendTail(ctx, id, tail.text ?? '', tail.reasoning)
    const text = row.text + stripMarkers(tail.text ?? '')
    const at = ctx.now()
    ctx.db.run(
      `UPDATE messages SET status = 'complete', usage = ?, cost = ?, timings = ?, tool_calls = coalesce(?, tool_calls),
         provider = coalesce(?, provider), model = coalesce(?, model), updated_at = ? WHERE id = ?`,
      jsonOrNull(usageOrEstimate(final.usage, row.role as Message['role'], text)), optionalNumber(final.cost, 'cost'), jsonOrNull(final.timings),
      jsonOrNull(checkToolCalls(final.toolCalls)), final.provider ?? null, final.model ?? null, at, id,
    )
    touchSession(ctx, row.session_id, at)
    return getMessage(ctx, id)
  })
}

/** Keeps whatever text arrived and records why the reply stopped. */
export function failStreamingMessage(ctx: StoreContext, id: string, tail: { text?: string; reasoning?: string }, error: string): Message {
  return ctx.db.tx(() => {
    const row = requireStreaming(ctx, id)
    appendTail(ctx, id, tail.text ?? '', tail.reasoning)
    ctx.db.run(`UPDATE messages SET status = 'error', error = ?, updated_at = ? WHERE id = ?`, String(error).slice(0, 10_000), ctx.now(), id)
    touchSession(ctx, row.session_id, ctx.now())
    return getMessage(ctx, id)
  })
}

/**
 * Marks replies left 'streaming' by a crash as interrupted (their text stays). Call once when the
 * app starts, before any new stream, so a live stream of another process is never touched.
 */
export function recoverInterruptedMessages(ctx: StoreContext): number {
  return ctx.db.run(`UPDATE messages SET status = 'error', error = ?, updated_at = ? WHERE status = 'streaming'`, INTERRUPTED, ctx.now())
}

export function readAttachment(ctx: StoreContext, sha256: string): Uint8Array {
  if (!ctx.db.get('SELECT 1 AS found FROM attachments WHERE sha256 = ?', String(sha256))) throw new SessionNotFoundError('attachment', String(sha256))
  return ctx.files.read(sha256)
}

/** Every message of a session, oldest first (exports; the UI pages with getMessages). */
export function allMessages(ctx: StoreContext, sessionId: string): Message[] {
  requireSession(ctx, sessionId)
  return toMessages(ctx, ctx.db.all<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.session_id = ? ORDER BY m.created_at, m.id`, sessionId))
}

export interface SessionSpend {
  inputTokens: number
  outputTokens: number
  costUsd: number
  /** Some counts were estimated (chars / 4) because a provider gave none. */
  estimated: boolean
  replies: number
  /** Replies whose price was unknown: their cost is not in costUsd. */
  unpriced: number
}

/** Tokens and cost of every reply in a session (all branches: each was paid for). */
export function sessionSpend(ctx: StoreContext, sessionId: string): SessionSpend {
  requireSession(ctx, sessionId)
  const row = ctx.db.get<{ input: number | null; output: number | null; cost: number | null; estimated: number | null; replies: number; unpriced: number | null }>(
    `SELECT SUM(json_extract(usage, '$.inputTokens')) AS input, SUM(json_extract(usage, '$.outputTokens')) AS output,
            SUM(cost) AS cost, MAX(coalesce(json_extract(usage, '$.estimated'), 0)) AS estimated, COUNT(*) AS replies,
            SUM(cost IS NULL) AS unpriced
       FROM messages WHERE session_id = ? AND role = 'assistant' AND usage IS NOT NULL`,
    sessionId,
  )
  return { inputTokens: row?.input ?? 0, outputTokens: row?.output ?? 0, costUsd: row?.cost ?? 0, estimated: (row?.estimated ?? 0) > 0, replies: row?.replies ?? 0, unpriced: row?.unpriced ?? 0 }
}
