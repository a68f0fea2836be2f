import type { SessionMessage } from '../../../../src-shared/contract'
import { emptyMessage } from '../../lib/empty-message'
import type { LiveReply } from './reply-store'

/** Ids of the parts of a reply the core has not named yet. */
export const LIVE_USER = 'live-user'
export const LIVE_REPLY = 'live-reply'

/**
 * The branch being read: from the newest message back through its parents. Edits and regenerations
 * leave older branches in the history; they are hidden here. When the branch reaches a loaded root,
 * nothing else belongs to it; when its parents are on an older page, every older message stays.
 * History without parent links (most messages are roots, as in some imports) is shown as it is.
 */
export function visiblePath(messages: readonly SessionMessage[]): SessionMessage[] {
  const last = messages.at(-1)
  if (!last) return []
  const roots = messages.reduce((n, message) => n + (message.parentId === null ? 1 : 0), 0)
  if (roots > Math.max(1, messages.length / 2)) return [...messages]
  const byId = new Map(messages.map((message) => [message.id, message]))
  const onPath = new Set<string>()
  let oldest = last
  for (let cursor: SessionMessage | undefined = last; cursor && !onPath.has(cursor.id); cursor = cursor.parentId ? byId.get(cursor.parentId) : undefined) {
    onPath.add(cursor.id)
    oldest = cursor
  }
  const start = oldest.parentId === null ? 0 : messages.indexOf(oldest)
  return messages.filter((message, i) => i < start || onPath.has(message.id))
}

/** The reply being streamed as a message, built from its events. */
export function liveMessage(reply: LiveReply, sessionId: string, parentId: string | null): SessionMessage {
  if (reply.status === 'done' && reply.result) return reply.result.message
  return {
    ...emptyMessage(sessionId, reply.startedAt),
    id: reply.assistantMessageId ?? LIVE_REPLY,
    parentId,
    role: 'assistant',
    text: reply.text,
    reasoning: reply.reasoning || null,
    toolCalls: reply.toolCalls.length > 0 ? reply.toolCalls : null,
    provider: reply.answering?.providerId ?? null,
    model: reply.answering?.model ?? null,
    usage: reply.usage?.usage ?? null,
    cost: reply.usage?.costUsd ?? null,
    status: reply.status === 'streaming' ? 'streaming' : reply.status === 'failed' ? 'error' : 'complete',
    error: reply.error?.message ?? null,
  }
}

/** Stored messages with the reply in flight put where it belongs (its prompt too, until stored). */
export function withLiveReply(pages: readonly SessionMessage[], reply: LiveReply | undefined, sessionId: string): SessionMessage[] {
  if (!reply) return visiblePath(pages)
  const byId = new Map(pages.map((message) => [message.id, message]))
  const out = [...pages]
  const { input } = reply
  let replyParent: string | null
  // A continued reply streams onto the end of the stored one.
  const continued = input.continueOf ? byId.get(input.continueOf) : undefined
  if (input.regenerate || input.continueOf || input.replyTo) {
    replyParent = input.replyTo ?? byId.get(input.regenerate ?? input.continueOf ?? '')?.parentId ?? null
  } else {
    const userId = reply.userMessageId ?? LIVE_USER
    if (!byId.has(userId)) {
      const parentId = input.editOf ? (byId.get(input.editOf)?.parentId ?? null) : (pages.at(-1)?.id ?? null)
      const attachments = (input.images ?? []).map((image) => ({ sha256: `${image.name}:${image.data.length}`, name: image.name, mime: image.mime, size: Math.floor((image.data.length * 3) / 4) }))
      out.push({ ...emptyMessage(sessionId, reply.startedAt), id: userId, parentId, role: 'user', text: input.text, content: [{ type: 'text', text: input.text }], attachments })
    }
    replyParent = userId
  }
  const live = liveMessage(reply, sessionId, replyParent)
  // A stopped reply, once stored, is read as stored (its Stopped mark, Continue).
  const stored = reply.status === 'cancelled' ? byId.get(live.id) : undefined
  const message = stored ?? (continued && reply.status !== 'done' ? { ...live, text: continued.text + live.text } : live)
  const at = out.findIndex((m) => m.id === message.id)
  if (at >= 0) out[at] = message
  else out.push(message)
  return visiblePath(out)
}
