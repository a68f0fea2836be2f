import { increasingTimes, isRecord, shapeError, textOr, titleFrom, toMillis, type ImportedSession } from './import-shared'
import type { MessageRole, NewMessage } from './types'

export function looksLikeChatGpt(doc: unknown): doc is unknown[] {
  return Array.isArray(doc) && doc.length > 0 && doc.every((c) => isRecord(c) && isRecord(c.mapping))
}

const ROLES: Record<string, MessageRole> = { system: 'system', user: 'user', assistant: 'assistant', tool: 'tool' }

/** The readable text of a ChatGPT message: string parts (images and other objects are skipped). */
function textOf(content: unknown): string {
  if (!isRecord(content)) return ''
  if (Array.isArray(content.parts)) return content.parts.filter((p): p is string => typeof p === 'string').join('\n')
  return textOr(content.text, '') ?? ''
}

/**
 * One conversation of a ChatGPT `conversations.json`: the branch the user last saw, found by
 * walking from `current_node` up to the root (other branches are edits the user left behind).
 */
export function parseChatGptConversation(conversation: unknown): ImportedSession {
  if (!isRecord(conversation) || !isRecord(conversation.mapping)) throw shapeError('a conversation has no mapping')
  const mapping = conversation.mapping
  const nodes = Object.values(mapping).filter(isRecord)
  let cursor = textOr(conversation.current_node) ?? nodes.find((n) => !Array.isArray(n.children) || n.children.length === 0)?.id
  const chain: Record<string, unknown>[] = []
  const seen = new Set<string>()
  while (typeof cursor === 'string' && !seen.has(cursor)) {
    seen.add(cursor)
    const node = mapping[cursor]
    if (!isRecord(node)) break
    chain.push(node)
    cursor = textOr(node.parent) ?? undefined
  }
  chain.reverse()

  const created = toMillis(conversation.create_time, 'seconds') ?? Date.now()
  const messages: (NewMessage & { at?: number })[] = []
  for (const node of chain) {
    const message = node.message
    if (!isRecord(message)) continue
    const role = ROLES[String(isRecord(message.author) ? message.author.role : '')]
    const text = textOf(message.content)
    const hidden = isRecord(message.metadata) && message.metadata.is_visually_hidden_from_conversation === true
    if (!role || hidden || text.trim().length === 0) continue
    const model = isRecord(message.metadata) ? textOr(message.metadata.model_slug) : null
    messages.push({ role, text, at: toMillis(message.create_time, 'seconds'), ...(role === 'assistant' ? { provider: 'openai', model } : {}) })
  }
  if (messages.length === 0) throw shapeError('the conversation has no readable messages')
  const times = increasingTimes(messages.map((m) => m.at), created)
  const title = textOr(conversation.title)?.trim()
  const id = textOr(conversation.id) ?? textOr(conversation.conversation_id) ?? `${title ?? ''}@${created}`
  return {
    source: 'chatgpt',
    sourceId: id,
    title: title && title.length > 0 ? title : titleFrom(messages, 'Imported ChatGPT conversation'),
    createdAt: Math.min(created, times[0]!),
    messages: messages.map(({ at: _at, ...m }, i) => ({ ...m, createdAt: times[i]! })),
    linked: false,
  }
}
