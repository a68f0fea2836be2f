import type { ChatTarget } from '../../../src-shared/contract'
import type { Message, Summarizer, SummarizeOptions } from '../sessions'
import { streamWithFallback } from '../resilience'
import { AppError } from '../errors'
import { resilienceOptions, type ChatServiceDeps } from './chat-service'
import { NoProviderError, planCandidates } from './candidates'
import { toProviderMessages } from './history'

const INSTRUCTIONS =
  'Summarise the conversation so far for your own later use. Keep facts, decisions, names, numbers, code identifiers, ' +
  'open questions and what the user wants next; drop pleasantries. Write plain prose or short lists, at most about 400 words.'

/** The summary's system prompt, with what the user asked it to focus on. */
export function summaryInstructions(custom: string | undefined): string {
  const focus = custom?.trim()
  return focus ? `${INSTRUCTIONS}\n\nThe user asked the summary to: ${focus}` : INSTRUCTIONS
}

export type SummarizerDeps = Pick<ChatServiceDeps, 'registry' | 'catalog' | 'routing' | 'breakers' | 'clock' | 'recorder'> & {
  /** The chat's own model (its settings, else its latest reply's); null when it has none. */
  chatModel?: (sessionId: string) => Promise<{ providerId: string; model: string } | null>
}

/** Who writes a chat's summary: the model asked for, else the chat's own, else Auto (the fallback chain). */
async function summaryTarget(deps: SummarizerDeps, options: SummarizeOptions): Promise<ChatTarget> {
  if (options.target) return options.target
  const own = options.sessionId && deps.chatModel ? await deps.chatModel(options.sessionId).catch(() => null) : null
  if (!own) return { auto: true }
  try {
    deps.registry.config(own.providerId)
    return own
  } catch {
    // The chat's provider was removed since: Auto writes the summary.
    return { auto: true }
  }
}

/**
 * Compaction summaries through the same routing as chat: written by the chat's own model (the
 * fallback chain behind it), or by Auto when the chat has no model of its own.
 */
export function createProviderSummarizer(deps: SummarizerDeps): Summarizer {
  return {
    async summarize(messages: Message[], options): Promise<{ text: string; provider: string; model: string }> {
      const { signal } = options
      const routing = deps.routing()
      const history = await toProviderMessages(messages, async () => new Uint8Array(), summaryInstructions(options.instructions))
      // Pictures are not re-sent for a summary: their descriptions are already in the replies.
      const request = { messages: [...history.map(({ images: _images, ...m }) => m), { role: 'user' as const, content: 'Write the summary now.' }] }
      const plan = await planCandidates(await summaryTarget(deps, options), request, { registry: deps.registry, catalog: deps.catalog, routing }, signal)
      if (plan.candidates.length === 0) throw new NoProviderError(plan.skipped)
      const stream = streamWithFallback(plan.candidates, request, resilienceOptions(deps, routing, signal))
      let text = ''
      for (;;) {
        const step = await stream.next()
        if (step.done) {
          if (!text.trim()) throw new AppError('E_BAD_RESPONSE', 'The model returned an empty summary.', { hint: 'Try again, or pick another model for the fallback chain.' })
          return { text: text.trim(), provider: step.value.providerId, model: step.value.model }
        }
        if (step.value.type === 'chunk' && step.value.chunk.type === 'text') text += step.value.chunk.text
      }
    },
  }
}
