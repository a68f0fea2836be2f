import type { ChatEvent, StreamResult } from '../../../src-shared/contract'

/** What analytics keeps of a finished chat turn: counts and names, never the text. */
export interface ChatTurnSummary {
  providerId: string | null
  durationMs: number
  tokens: number
  toolCalls: number
  fellBack: boolean
}

type Send<I> = (input: I, signal: AbortSignal) => AsyncGenerator<ChatEvent, StreamResult<'chat.send'>>

/**
 * Watches every turn of a chat service from the outside: its events pass through untouched and
 * `onTurn` hears a summary when a turn completes (not when it fails or is cancelled). Returns
 * the function that stops watching.
 */
export function observeChatTurns<I>(chat: { send: Send<I> }, now: () => number, onTurn: (turn: ChatTurnSummary) => void): () => void {
  const original = chat.send
  chat.send = async function* observed(input, signal) {
    const started = now()
    let tokens = 0
    let toolCalls = 0
    let providerId: string | null = null
    const inner = original.call(chat, input, signal)
    let finished = false
    try {
      for (;;) {
        const step = await inner.next()
        if (step.done) {
          finished = true
          const fellBack = step.value.attempts.some((attempt) => attempt.outcome !== 'answered')
          try {
            onTurn({ providerId: providerId ?? step.value.message.provider, durationMs: Math.max(0, now() - started), tokens, toolCalls, fellBack })
          } catch {
            // Counting a turn never breaks it.
          }
          return step.value
        }
        const event = step.value
        if (event.type === 'answering') providerId = event.providerId
        else if (event.type === 'tool_call') toolCalls++
        else if (event.type === 'usage') tokens += event.usage.inputTokens + event.usage.outputTokens
        yield event
      }
    } finally {
      // The caller stopped reading early: let the turn run its own clean-up.
      if (!finished) await inner.return(undefined as never)
    }
  }
  return () => {
    chat.send = original
  }
}
