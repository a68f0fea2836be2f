import { ValidationError } from '../errors'
import type { StoreContext } from './context'
import { SessionNotFoundError } from './errors'
import { activeLeafId, getMessage, getThread, insertMessage, isSummaryMessage } from './messages-repo'
import { requireSession } from './sessions-repo'
import { threadTokens } from './tokens'
import type { Compaction, CompactionPlan, CompactionPlanOptions, ContextWindowUsage, Message, NewCompaction } from './types'

// Compaction: a summary message stands in for the older part of a branch when it is sent to a
// model. A compaction covers its `upto` message and every ancestor of it, so on any branch the
// one that applies is the compaction whose `upto` lies deepest on that branch (the newest wins a
// tie); a second compaction summarises the first summary plus what came after it. Originals are
// never changed or removed.

const MAX_SUMMARY = 1_000_000

interface CompactionRow {
  id: string
  session_id: string
  summary_message_id: string
  upto_message_id: string
  tokens_before: number
  tokens_after: number
  created_at: number
}

const COLUMNS = 'id, session_id, summary_message_id, upto_message_id, tokens_before, tokens_after, created_at'

const toCompaction = (row: CompactionRow): Compaction => ({
  id: row.id,
  sessionId: row.session_id,
  summaryMessageId: row.summary_message_id,
  uptoMessageId: row.upto_message_id,
  tokensBefore: Number(row.tokens_before),
  tokensAfter: Number(row.tokens_after),
  createdAt: Number(row.created_at),
})

const rowsOf = (ctx: StoreContext, sessionId: string): CompactionRow[] =>
  ctx.db.all<CompactionRow>(`SELECT ${COLUMNS} FROM compactions WHERE session_id = ? ORDER BY seq`, sessionId)

/** Every compaction of a session, oldest first. */
export function listCompactions(ctx: StoreContext, sessionId: string): Compaction[] {
  requireSession(ctx, sessionId)
  return rowsOf(ctx, sessionId).map(toCompaction)
}

/** What a model gets for one branch: the summary that applies (if any) and the messages after it. */
interface Context {
  compaction: CompactionRow | null
  summary: Message | null
  after: Message[]
}

/** The branch ending at `leafId` (default: the branch being read), in this session. */
function branch(ctx: StoreContext, sessionId: string, leafId: string | undefined): Message[] {
  requireSession(ctx, sessionId)
  const leaf = leafId ?? activeLeafId(ctx, sessionId)
  if (leaf === null) return []
  const thread = getThread(ctx, String(leaf))
  if (thread.at(-1)!.sessionId !== sessionId) throw new SessionNotFoundError('message', String(leaf))
  if (isSummaryMessage(ctx, String(leaf))) {
    throw new ValidationError('A compaction summary is not part of a conversation branch.', [{ path: 'leafId', message: 'summary' }], 'Pick a message of the conversation.')
  }
  return thread
}

function contextOf(ctx: StoreContext, sessionId: string, thread: Message[]): Context {
  const position = new Map(thread.map((m, i) => [m.id, i]))
  let best: { row: CompactionRow; index: number } | null = null
  for (const row of rowsOf(ctx, sessionId)) {
    const index = position.get(row.upto_message_id)
    if (index !== undefined && (best === null || index >= best.index)) best = { row, index }
  }
  if (best === null) return { compaction: null, summary: null, after: thread }
  return { compaction: best.row, summary: getMessage(ctx, best.row.summary_message_id), after: thread.slice(best.index + 1) }
}

const messagesOf = (context: Context): Message[] => (context.summary ? [context.summary, ...context.after] : context.after)

const tokensOf = (context: Context) => threadTokens(messagesOf(context), context.compaction?.created_at ?? Number.NEGATIVE_INFINITY)

/** What a model should be sent now: [latest summary (if any), ...the messages after what it covers]. */
export function contextMessages(ctx: StoreContext, sessionId: string, leafId?: string): Message[] {
  return messagesOf(contextOf(ctx, sessionId, branch(ctx, sessionId, leafId)))
}

/** Tokens of `contextMessages`: what the next request would put in the model's context window. */
export function contextWindowUsage(ctx: StoreContext, sessionId: string, leafId?: string): ContextWindowUsage {
  const context = contextOf(ctx, sessionId, branch(ctx, sessionId, leafId))
  const messages = messagesOf(context)
  if (messages.length === 0) return { tokens: 0, estimated: false, messages: 0 }
  return { ...tokensOf(context), messages: messages.length }
}

function checkPlanOptions(options: CompactionPlanOptions | undefined) {
  const { contextWindow: window, threshold = 0.8, keepRecent = 8, force = false, leafId } = options ?? ({} as Partial<CompactionPlanOptions>)
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1) {
    throw new ValidationError('"contextWindow" must be a positive whole number of tokens.', [{ path: 'contextWindow', message: 'invalid' }])
  }
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
    throw new ValidationError('"threshold" must be a share of the window above 0 and at most 1.', [{ path: 'threshold', message: 'invalid' }])
  }
  if (typeof keepRecent !== 'number' || !Number.isInteger(keepRecent) || keepRecent < 0) {
    throw new ValidationError('"keepRecent" must be zero or a positive whole number.', [{ path: 'keepRecent', message: 'invalid' }])
  }
  return { window, threshold, keepRecent, force: force === true, leafId }
}

/**
 * What to summarise, or null when the context is below threshold × window (unless `force`) or
 * there is nothing older than the `keepRecent` messages to summarise. A reply still streaming is
 * never summarised, and the kept part never starts with a tool result cut off from its call.
 */
export function planCompaction(ctx: StoreContext, sessionId: string, options: CompactionPlanOptions): CompactionPlan | null {
  const { window, threshold, keepRecent, force, leafId } = checkPlanOptions(options)
  const context = contextOf(ctx, sessionId, branch(ctx, sessionId, leafId))
  const { tokens } = tokensOf(context)
  if (!force && tokens < threshold * window) return null
  const after = context.after
  let cut = Math.max(0, after.length - keepRecent)
  const streaming = after.findIndex((m) => m.status === 'streaming')
  if (streaming >= 0) cut = Math.min(cut, streaming)
  while (cut > 0 && after[cut]?.role === 'tool') cut--
  if (cut === 0) return null
  const originals = after.slice(0, cut)
  return { upto: originals.at(-1)!.id, toSummarize: context.summary ? [context.summary, ...originals] : originals, tokensBefore: tokens }
}

/**
 * Stores a summary written for a plan: the summary message and the compaction row, in one
 * transaction. `tokensAfter` is measured on the branch of `leafId` (default: the latest message).
 */
export function recordCompaction(ctx: StoreContext, sessionId: string, input: NewCompaction): Compaction {
  const summary = input?.summary
  if (typeof summary !== 'string' || summary.trim().length === 0 || summary.length > MAX_SUMMARY) {
    throw new ValidationError(`A summary must be non-empty text of at most ${MAX_SUMMARY} characters.`, [{ path: 'summary', message: 'invalid' }])
  }
  const tokensBefore = input.tokensBefore
  if (typeof tokensBefore !== 'number' || !Number.isInteger(tokensBefore) || tokensBefore < 0) {
    throw new ValidationError('"tokensBefore" must be zero or a positive whole number.', [{ path: 'tokensBefore', message: 'invalid' }])
  }
  const uptoId = String(input.uptoMessageId)
  return ctx.db.tx(() => {
    requireSession(ctx, sessionId)
    if (!ctx.db.get('SELECT 1 AS found FROM messages WHERE id = ? AND session_id = ?', uptoId, sessionId)) throw new SessionNotFoundError('message', uptoId)
    if (isSummaryMessage(ctx, uptoId)) {
      throw new ValidationError('A compaction covers messages of the conversation, not another summary.', [{ path: 'uptoMessageId', message: 'summary' }])
    }
    const thread = branch(ctx, sessionId, input.leafId)
    const index = thread.findIndex((m) => m.id === uptoId)
    if (index < 0 && input.leafId !== undefined) {
      throw new ValidationError('The summarised messages are not on this branch.', [{ path: 'leafId', message: 'invalid' }])
    }
    const message = insertMessage(ctx, sessionId, {
      role: 'system', text: summary, provider: input.provider, model: input.model, parentId: null, status: 'complete',
    })
    const kept = index < 0 ? [] : thread.slice(index + 1)
    const tokensAfter = threadTokens([message, ...kept], message.createdAt).tokens
    const id = ctx.newId(message.createdAt)
    ctx.db.run(
      `INSERT INTO compactions (id, session_id, summary_message_id, upto_message_id, tokens_before, tokens_after, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      id, sessionId, message.id, uptoId, tokensBefore, tokensAfter, message.createdAt,
    )
    return toCompaction(ctx.db.get<CompactionRow>(`SELECT ${COLUMNS} FROM compactions WHERE id = ?`, id)!)
  })
}

/**
 * Restores a compaction read from an export. Skipped unless both messages are in the session and
 * the summary stands apart like one we wrote (no parent, no replies, not already a summary).
 */
export function insertImportedCompaction(ctx: StoreContext, sessionId: string, c: Omit<Compaction, 'sessionId'>): boolean {
  const summary = ctx.db.get<{ parent_id: string | null }>("SELECT parent_id FROM messages WHERE id = ? AND session_id = ? AND role = 'system'", c.summaryMessageId, sessionId)
  const upto = ctx.db.get('SELECT 1 AS found FROM messages WHERE id = ? AND session_id = ?', c.uptoMessageId, sessionId)
  if (!summary || summary.parent_id !== null || !upto || c.uptoMessageId === c.summaryMessageId) return false
  if (ctx.db.get('SELECT 1 AS found FROM messages WHERE parent_id = ?', c.summaryMessageId)) return false
  if (isSummaryMessage(ctx, c.summaryMessageId) || isSummaryMessage(ctx, c.uptoMessageId)) return false
  if (ctx.db.get('SELECT 1 AS found FROM compactions WHERE id = ?', c.id)) return false
  ctx.db.run(
    `INSERT INTO compactions (id, session_id, summary_message_id, upto_message_id, tokens_before, tokens_after, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    c.id, sessionId, c.summaryMessageId, c.uptoMessageId, c.tokensBefore, c.tokensAfter, c.createdAt,
  )
  return true
}
