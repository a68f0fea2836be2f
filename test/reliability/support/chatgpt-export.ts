/** One imported conversation as the test will look for it. */
export interface ExportedConversation {
  title: string
  /** One word per message that occurs nowhere else, to find it with a full-text search. */
  tokens: string[]
}

/**
 * A ChatGPT `conversations.json` (the real export's shape: a `mapping` of nodes from the root to
 * `current_node`) of `count` linear conversations of `messages` messages each, every message
 * carrying a word of its own (`<prefix>c<conversation>m<message>`).
 */
export function chatGptExport(prefix: string, count: number, messages: number): { json: string; conversations: ExportedConversation[] } {
  const conversations: ExportedConversation[] = []
  const docs = Array.from({ length: count }, (_, c) => {
    const title = `${prefix} conversation ${c}`
    const tokens: string[] = []
    const mapping: Record<string, unknown> = { root: { id: 'root', message: null, parent: null, children: [`${prefix}-${c}-0`] } }
    for (let m = 0; m < messages; m++) {
      const id = `${prefix}-${c}-${m}`
      const token = `${prefix}c${c}m${m}`
      tokens.push(token)
      mapping[id] = {
        id,
        message: {
          id,
          author: { role: m % 2 === 0 ? 'user' : 'assistant', name: null, metadata: {} },
          create_time: 1_714_557_600 + c * 100 + m,
          content: { content_type: 'text', parts: [`message ${m} of ${title}: ${token}`] },
          status: 'finished_successfully',
          metadata: {},
        },
        parent: m === 0 ? 'root' : `${prefix}-${c}-${m - 1}`,
        children: m === messages - 1 ? [] : [`${prefix}-${c}-${m + 1}`],
      }
    }
    conversations.push({ title, tokens })
    return { id: `${prefix}-${c}`, title, create_time: 1_714_557_600 + c * 100, update_time: 1_714_557_600 + c * 100 + messages, mapping, current_node: `${prefix}-${c}-${messages - 1}` }
  })
  return { json: JSON.stringify(docs), conversations }
}
