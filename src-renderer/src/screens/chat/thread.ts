import type { SessionMessage } from '../../../../src-shared/contract'
import { emptyMessage } from '../../lib/empty-message'
import type { EarlierRound, LiveReply } from './reply-store'

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

/** One round of a reply as a message, from what it streamed. */
function roundMessage(round: EarlierRound, sessionId: string, at: number, parentId: string | null): SessionMessage {
  return {
    ...emptyMessage(sessionId, at),
    id: round.id,
    parentId,
    role: 'assistant',
    text: round.text,
    reasoning: round.reasoning || null,
    toolCalls: round.toolCalls.length > 0 ? round.toolCalls : null,
    provider: round.answering?.providerId ?? null,
    model: round.answering?.model ?? null,
    usage: round.usage?.usage ?? null,
    cost: round.usage?.costUsd ?? null,
  }
}

/** The reply being streamed as a message, built from its events (the current round's, when it went on). */
export function liveMessage(reply: LiveReply, sessionId: string, parentId: string | null): SessionMessage {
  if (reply.status === 'done' && reply.result) return reply.result.message
  return {
    ...roundMessage({ ...reply, id: reply.assistantMessageId ?? LIVE_REPLY }, sessionId, reply.startedAt, reply.parentId ?? parentId),
    status: reply.status === 'streaming' ? 'streaming' : reply.status === 'failed' ? 'error' : 'complete',
    error: reply.error?.message ?? null,
  }
}

/** Where the reply goes: after its stored prompt, or after the prompt it sends (put in `out` until stored). */
function replyParentOf(reply: LiveReply, byId: ReadonlyMap<string, SessionMessage>, out: SessionMessage[], sessionId: string): string | null {
  const { input } = reply
  if (input.regenerate || input.continueOf || input.replyTo) return input.replyTo ?? byId.get(input.regenerate ?? input.continueOf ?? '')?.parentId ?? null
  const userId = reply.userMessageId ?? LIVE_USER
  if (!byId.has(userId)) {
    const parentId = input.editOf ? (byId.get(input.editOf)?.parentId ?? null) : (out.at(-1)?.id ?? null)
    const attachments = (input.images ?? []).map((image) => ({ sha256: `${image.name}:${image.data.length}`, name: image.name, mime: image.mime, size: Math.floor((image.data.length * 3) / 4) }))
    out.push({ ...emptyMessage(sessionId, reply.startedAt), id: userId, parentId, role: 'user', text: input.text, content: [{ type: 'text', text: input.text }], attachments })
  }
  return userId
}

/**
 * An earlier round of the reply: its stored row once that has caught up (finished, and for a
 * continued reply holding what was streamed), else what it streamed. A continued reply streams
 * onto the end of its stored text.
 */
function earlierRound(round: EarlierRound, stored: SessionMessage | undefined, continued: boolean, live: { sessionId: string; at: number; parentId: string | null }): SessionMessage {
  if (stored && stored.status !== 'streaming' && (!continued || stored.text.endsWith(round.text))) return stored
  const message = roundMessage(round, live.sessionId, live.at, round.parentId ?? live.parentId)
  return continued && stored ? { ...message, text: stored.text + round.text } : message
}

/** Stored messages with the reply in flight put where it belongs (its prompt too, until stored; each of its rounds once). */
export function withLiveReply(pages: readonly SessionMessage[], reply: LiveReply | undefined, sessionId: string): SessionMessage[] {
  if (!reply) return visiblePath(pages)
  const byId = new Map(pages.map((message) => [message.id, message]))
  const out = [...pages]
  const put = (message: SessionMessage): void => {
    const at = out.findIndex((m) => m.id === message.id)
    if (at >= 0) out[at] = message
    else out.push(message)
  }
  const { continueOf } = reply.input
  const replyParent = replyParentOf(reply, byId, out, sessionId)
  const at = { sessionId, at: reply.startedAt, parentId: replyParent }
  for (const round of reply.rounds ?? []) put(earlierRound(round, byId.get(round.id), round.id === continueOf, at))
  const live = liveMessage(reply, sessionId, replyParent)
  // A stopped reply, once stored, is read as stored (its Stopped mark, Continue).
  const stored = reply.status === 'cancelled' ? byId.get(live.id) : undefined
  // A continued reply streams onto the end of the stored one.
  const continued = continueOf === live.id && reply.status !== 'done' ? byId.get(continueOf) : undefined
  put(stored ?? (continued ? { ...live, text: continued.text + live.text } : live))
  return visiblePath(out)
}
