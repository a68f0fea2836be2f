import type { Message, MessageRole, Usage } from './types'

/**
 * A rough token count: about four characters per token for English prose with common BPE
 * tokenizers. It is only a fallback for when the provider reports nothing, and is always marked
 * `estimated`; code, CJK text and emoji can be off by a factor of two or more.
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4)
}

/** The usage to store: the provider's when given, otherwise our estimate for this message alone. */
export function usageOrEstimate(usage: Usage | null | undefined, role: MessageRole, text: string): Usage {
  if (usage && (usage.inputTokens !== undefined || usage.outputTokens !== undefined)) return usage
  const tokens = estimateTokens(text)
  return role === 'assistant' ? { outputTokens: tokens, estimated: true } : { inputTokens: tokens, estimated: true }
}

/** Tokens one message adds to the conversation when it is sent back as history. */
function ownTokens(message: Message): number {
  const usage = message.usage
  if (usage && !usage.estimated) {
    const own = message.role === 'assistant' ? usage.outputTokens : undefined
    if (own !== undefined) return own
  }
  return estimateTokens(message.text)
}

/**
 * Tokens the thread occupies in the model's context window. The provider's last reported prompt +
 * completion count is exact for everything up to that reply; later messages are estimated.
 * Only replies created after `anchorAfter` count as that anchor: a reply written before a
 * compaction was sent the longer, uncompacted history, so its prompt count no longer applies.
 */
export function threadTokens(thread: readonly Message[], anchorAfter = Number.NEGATIVE_INFINITY): { tokens: number; estimated: boolean } {
  for (let i = thread.length - 1; i >= 0; i--) {
    const usage = thread[i]!.usage
    if (thread[i]!.role === 'assistant' && thread[i]!.createdAt > anchorAfter && usage && !usage.estimated && usage.inputTokens !== undefined) {
      const after = thread.slice(i + 1)
      const tokens = usage.inputTokens + (usage.outputTokens ?? 0) + after.reduce((sum, m) => sum + ownTokens(m), 0)
      return { tokens, estimated: after.length > 0 }
    }
  }
  return { tokens: thread.reduce((sum, m) => sum + ownTokens(m), 0), estimated: thread.length > 0 }
}
