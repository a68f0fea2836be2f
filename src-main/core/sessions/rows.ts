import type { AttachmentInfo, ContentPart, Message, MessageRole, MessageStatus, Session, ToolCall, Usage } from './types'

export interface SessionRow {
  id: string
  title: string
  created_at: number
  updated_at: number
  pinned: number
  archived: number
  deleted_at: number | null
  workspace: string | null
  source: string | null
  tags: string | null
  message_count: number
}

export interface MessageRow {
  seq: number
  id: string
  session_id: string
  parent_id: string | null
  role: string
  content: string
  text: string
  reasoning: string | null
  tool_calls: string | null
  provider: string | null
  model: string | null
  usage: string | null
  cost: number | null
  timings: string | null
  status: string
  error: string | null
  created_at: number
  updated_at: number
}

/** Separator for group_concat of tags: a control character, which tags cannot contain. */
export const TAG_SEPARATOR = '\u001f'

export const SESSION_COLUMNS = `s.id, s.title, s.created_at, s.updated_at, s.pinned, s.archived, s.deleted_at, s.workspace, s.source,
  (SELECT group_concat(tag, char(31)) FROM session_tags t WHERE t.session_id = s.id) AS tags,
  (SELECT count(*) FROM messages m WHERE m.session_id = s.id) AS message_count`

export const MESSAGE_COLUMNS = `m.seq, m.id, m.session_id, m.parent_id, m.role, m.content, m.text, m.reasoning, m.tool_calls, m.provider,
  m.model, m.usage, m.cost, m.timings, m.status, m.error, m.created_at, m.updated_at`

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    pinned: row.pinned === 1,
    archived: row.archived === 1,
    deletedAt: row.deleted_at,
    workspace: row.workspace,
    tags: row.tags ? row.tags.split(TAG_SEPARATOR).sort() : [],
    messageCount: row.message_count,
    source: row.source,
  }
}

/** JSON columns are written only by us, but a hand-edited or damaged value must not break reads. */
function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/** Plain-text messages store '[]' as content (see insertMessage); their one part is the text. */
function contentOf(row: MessageRow): ContentPart[] {
  const stored = parseJson<ContentPart[]>(row.content, [])
  return stored.length === 0 && row.text.length > 0 ? [{ type: 'text', text: row.text }] : stored
}

export function toMessage(row: MessageRow, attachments: AttachmentInfo[]): Message {
  return {
    id: row.id,
    sessionId: row.session_id,
    parentId: row.parent_id,
    role: row.role as MessageRole,
    content: contentOf(row),
    text: row.text,
    reasoning: row.reasoning,
    toolCalls: parseJson<ToolCall[] | null>(row.tool_calls, null),
    provider: row.provider,
    model: row.model,
    usage: parseJson<Usage | null>(row.usage, null),
    cost: row.cost,
    timings: parseJson<Record<string, number> | null>(row.timings, null),
    status: row.status as MessageStatus,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    attachments,
  }
}

export const jsonOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value))
