import { increasingTimes, isRecord, shapeError, textOr, titleFrom, toMillis, type ImportedSession } from './import-shared'
import type { MessageRole, NewMessage, ToolCall } from './types'

/** Both spellings: the Python ollama-cli writes snake_case, its TypeScript port (qarin) camelCase. */
const field = (doc: Record<string, unknown>, snake: string, camel: string): unknown => doc[snake] ?? doc[camel]

export function looksLikeOllamaCli(doc: unknown): doc is Record<string, unknown> {
  return isRecord(doc) && (typeof field(doc, 'session_id', 'sessionId') === 'string') && isRecord(field(doc, 'context_manager', 'contextManager'))
}

const ROLES: Record<string, MessageRole> = { system: 'system', user: 'user', assistant: 'assistant', tool: 'tool' }

/** Ollama's tool call shape { function: { name, arguments } } (or a flat { name, arguments }). */
function toolCallsOf(value: unknown): ToolCall[] | null {
  if (!Array.isArray(value) || value.length === 0) return null
  const calls = value.flatMap((call): ToolCall[] => {
    if (!isRecord(call)) return []
    const fn = isRecord(call.function) ? call.function : call
    const name = textOr(fn.name)
    return name === null ? [] : [{ ...(typeof call.id === 'string' ? { id: call.id } : {}), name, arguments: fn.arguments ?? null }]
  })
  return calls.length > 0 ? calls : null
}

/** A `.ollama/sessions/<id>.json` or `.qarin/sessions/<id>.json` file, as one session. */
export function parseOllamaCliSession(doc: unknown, source: 'ollama-cli' | 'qarin'): ImportedSession {
  if (!looksLikeOllamaCli(doc)) throw shapeError('expected session_id and context_manager')
  const sessionId = String(field(doc, 'session_id', 'sessionId'))
  const context = field(doc, 'context_manager', 'contextManager') as Record<string, unknown>
  const raw = context.messages
  if (!Array.isArray(raw)) throw shapeError('context_manager.messages is not a list')
  const provider = textOr(doc.provider, 'ollama')
  const model = textOr(doc.model)
  const start = toMillis(field(doc, 'start_time', 'startTime')) ?? toMillis(field(doc, 'saved_at', 'savedAt')) ?? Date.now()

  const messages: NewMessage[] = []
  const system = textOr(field(context, 'system_message', 'systemMessage'))
  if (system && system.trim().length > 0) messages.push({ role: 'system', text: system })
  raw.forEach((entry, i) => {
    if (!isRecord(entry)) throw shapeError(`message ${i} is not an object`)
    const role = ROLES[String(entry.role)]
    if (!role) throw shapeError(`message ${i} has an unknown role`)
    const content = entry.content
    const text = typeof content === 'string' ? content : Array.isArray(content) ? content.filter((p) => typeof p === 'string').join('\n') : ''
    messages.push({
      role,
      text,
      reasoning: textOr(entry.thinking),
      toolCalls: toolCallsOf(entry.tool_calls ?? entry.toolCalls),
      ...(role === 'assistant' ? { provider, model } : {}),
    })
  })
  if (messages.length === 0) throw shapeError('the session has no messages')
  const times = increasingTimes(messages.map(() => undefined), start)
  return {
    source,
    sourceId: sessionId,
    title: titleFrom(messages, `Imported session ${sessionId.slice(0, 40)}`),
    createdAt: start,
    messages: messages.map((m, i) => ({ ...m, createdAt: times[i]! })),
    linked: false,
  }
}
