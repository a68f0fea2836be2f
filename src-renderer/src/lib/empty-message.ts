import type { SessionMessage } from '../../../src-shared/contract'

/** A message with nothing in it yet (no content, reasoning, tool calls, usage or error), complete, made `at`. */
export const emptyMessage = (sessionId: string, at: number): Omit<SessionMessage, 'id' | 'parentId' | 'role' | 'text'> => ({
  sessionId,
  content: [],
  reasoning: null,
  toolCalls: null,
  provider: null,
  model: null,
  usage: null,
  cost: null,
  timings: null,
  status: 'complete',
  error: null,
  createdAt: at,
  updatedAt: at,
  attachments: [],
})
