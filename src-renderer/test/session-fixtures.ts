import type { SessionMessage, SessionSummary } from '../../src-shared/contract'

const DAY = 86_400_000
const TOPICS = ['Trip planning', 'Rust lifetimes', 'Sourdough starter', 'Quarterly report', 'Kubernetes ingress', 'Birthday ideas', 'SQL window functions', 'Garden layout']
const TAGS = ['work', 'personal', 'code', 'travel']

/** A stable, contract-shaped session id (the core uses UUIDs; any 1–64 chars pass the contract). */
export const sessionId = (i: number): string => `s-${String(i).padStart(5, '0')}`

export function makeSession(i: number, overrides: Partial<SessionSummary> = {}): SessionSummary {
  const updatedAt = overrides.updatedAt ?? Date.now() - i * 3_600_000
  return {
    id: sessionId(i),
    title: `${TOPICS[i % TOPICS.length]} #${i}`,
    createdAt: updatedAt - DAY,
    updatedAt,
    pinned: false,
    archived: false,
    deletedAt: null,
    workspace: null,
    tags: [TAGS[i % TAGS.length]!],
    messageCount: 0,
    source: null,
    ...overrides,
  }
}

/** `count` sessions an hour apart, newest first. */
export const makeSessions = (count: number, now = Date.now()): SessionSummary[] =>
  Array.from({ length: count }, (_, i) => makeSession(i, { updatedAt: now - i * 3_600_000 }))

export function makeMessage(session: string, i: number, overrides: Partial<SessionMessage> = {}): SessionMessage {
  const createdAt = overrides.createdAt ?? 1_700_000_000_000 + i * 60_000
  const role = i % 2 === 0 ? 'user' : 'assistant'
  const text = overrides.text ?? (role === 'user' ? `Question number ${i} about sourdough` : `Answer number ${i}: feed the starter daily.`)
  return {
    id: `${session}-m${String(i).padStart(5, '0')}`,
    sessionId: session,
    parentId: i === 0 ? null : `${session}-m${String(i - 1).padStart(5, '0')}`,
    role,
    content: [{ type: 'text', text }],
    text,
    reasoning: null,
    toolCalls: null,
    provider: role === 'assistant' ? 'ollama' : null,
    model: role === 'assistant' ? 'llama3.2' : null,
    usage: role === 'assistant' ? { inputTokens: 12, outputTokens: 30 } : null,
    cost: null,
    timings: null,
    status: 'complete',
    error: null,
    createdAt,
    updatedAt: createdAt,
    attachments: [],
    ...overrides,
  }
}

export const makeMessages = (session: string, count: number): SessionMessage[] => Array.from({ length: count }, (_, i) => makeMessage(session, i))
