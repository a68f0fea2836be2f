import { listCompactions } from './compactions-repo'
import type { StoreContext } from './context'
import { isRecord, shapeError, textOr, type ImportedSession } from './import-shared'
import { allMessages } from './messages-repo'
import { requireSession } from './sessions-repo'
import type { AttachmentInfo, Compaction, ContentPart, Message, NewAttachment, NewMessage } from './types'
import { UUID_RE } from './uuid'

export const NATIVE_FORMAT = 'ollama-desk.session'
export const NATIVE_VERSION = 1

export interface NativeExport {
  format: typeof NATIVE_FORMAT
  version: typeof NATIVE_VERSION
  exportedAt: number
  session: { id: string; title: string; createdAt: number; updatedAt: number; pinned: boolean; archived: boolean; workspace: string | null; tags: string[]; source: string | null }
  /** Attachments carry their bytes as base64 so the file is complete on its own. */
  messages: (Omit<Message, 'attachments'> & { attachments: (AttachmentInfo & { data: string | null })[] })[]
  /** Which system messages are compaction summaries, and what they cover (absent in older exports). */
  compactions: ExportedCompaction[]
}

export type ExportedCompaction = Omit<Compaction, 'sessionId'>

/** `messages`: the ones to write (default every message of the session). */
export function exportNative(ctx: StoreContext, sessionId: string, messages?: Message[]): NativeExport {
  const s = requireSession(ctx, sessionId)
  return {
    format: NATIVE_FORMAT,
    version: NATIVE_VERSION,
    exportedAt: ctx.now(),
    session: { id: s.id, title: s.title, createdAt: s.createdAt, updatedAt: s.updatedAt, pinned: s.pinned, archived: s.archived, workspace: s.workspace, tags: s.tags, source: s.source },
    messages: (messages ?? allMessages(ctx, sessionId)).map((m) => ({
      ...m,
      attachments: m.attachments.map((a) => ({ ...a, data: ctx.files.has(a.sha256) ? Buffer.from(ctx.files.read(a.sha256)).toString('base64') : null })),
    })),
    compactions: listCompactions(ctx, sessionId)
      .filter((c) => !messages || messages.some((m) => m.id === c.summaryMessageId))
      .map(({ sessionId: _session, ...c }) => c),
  }
}

const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined)

function parseCompactions(value: unknown): ExportedCompaction[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((c): ExportedCompaction[] => {
    if (!isRecord(c)) return []
    const { id, summaryMessageId, uptoMessageId } = c
    const [tokensBefore, tokensAfter, createdAt] = [count(c.tokensBefore), count(c.tokensAfter), count(c.createdAt)]
    const ids = [id, summaryMessageId, uptoMessageId].every((x) => typeof x === 'string' && UUID_RE.test(x))
    if (!ids || tokensBefore === undefined || tokensAfter === undefined || createdAt === undefined) return []
    return [{ id: id as string, summaryMessageId: summaryMessageId as string, uptoMessageId: uptoMessageId as string, tokensBefore, tokensAfter, createdAt }]
  })
}

export const looksLikeNative = (doc: unknown): doc is Record<string, unknown> => isRecord(doc) && doc.format === NATIVE_FORMAT

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

/** Our own export, read back with the same ids (importing it twice skips it the second time). */
export function parseNative(doc: unknown): ImportedSession {
  if (!looksLikeNative(doc)) throw shapeError(`expected format "${NATIVE_FORMAT}"`)
  if (doc.version !== NATIVE_VERSION) throw shapeError(`export version ${String(doc.version)} is not supported`)
  const session = doc.session
  if (!isRecord(session) || typeof session.id !== 'string' || !UUID_RE.test(session.id)) throw shapeError('session.id is missing')
  if (!Array.isArray(doc.messages)) throw shapeError('messages is not a list')
  const seen = new Set<string>()
  const createdAt = num(session.createdAt) ?? Date.now()
  const messages = doc.messages.map((raw, i): NewMessage & { createdAt: number } => {
    if (!isRecord(raw) || typeof raw.id !== 'string' || typeof raw.role !== 'string') throw shapeError(`message ${i} has no id or role`)
    const attachments: NewAttachment[] = (Array.isArray(raw.attachments) ? raw.attachments : []).flatMap((a) =>
      // An attachment exported without its bytes (the file was missing) cannot come back.
      isRecord(a) && typeof a.data === 'string' && typeof a.name === 'string' && typeof a.mime === 'string'
        ? [{ name: a.name, mime: a.mime, data: Buffer.from(a.data, 'base64') }]
        : [],
    )
    const parts = Array.isArray(raw.content) ? raw.content.filter((p): p is ContentPart => isRecord(p) && p.type === 'text') : undefined
    const parent = textOr(raw.parentId)
    const message = {
      id: raw.id,
      role: raw.role as NewMessage['role'],
      text: textOr(raw.text, '') ?? '',
      ...(parts && parts.length > 0 ? { content: parts } : {}),
      reasoning: textOr(raw.reasoning),
      toolCalls: Array.isArray(raw.toolCalls) ? (raw.toolCalls as NewMessage['toolCalls']) : null,
      provider: textOr(raw.provider),
      model: textOr(raw.model),
      usage: isRecord(raw.usage) ? (raw.usage as NewMessage['usage']) : null,
      cost: num(raw.cost) ?? null,
      timings: isRecord(raw.timings) ? (raw.timings as Record<string, number>) : null,
      // A reply that was still streaming when exported is kept as an interrupted one.
      status: raw.status === 'error' || raw.status === 'streaming' ? ('error' as const) : ('complete' as const),
      error: raw.status === 'streaming' ? 'Interrupted before export.' : textOr(raw.error),
      parentId: parent !== null && seen.has(parent) ? parent : null,
      createdAt: num(raw.createdAt) ?? createdAt + i,
      attachments,
    }
    seen.add(raw.id)
    return message
  })
  return {
    id: session.id,
    source: textOr(session.source),
    sourceId: null,
    title: textOr(session.title, '') ?? '',
    createdAt,
    pinned: session.pinned === true,
    archived: session.archived === true,
    workspace: textOr(session.workspace),
    tags: Array.isArray(session.tags) ? session.tags.filter((t): t is string => typeof t === 'string') : [],
    messages,
    linked: true,
    compactions: parseCompactions(doc.compactions),
  }
}
