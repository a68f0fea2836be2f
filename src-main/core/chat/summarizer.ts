import type { Message, Summarizer } from '../sessions'
import { streamWithFallback } from '../resilience'
import { AppError } from '../errors'
import { resilienceOptions, type ChatServiceDeps } from './chat-service'
import { NoProviderError, planCandidates } from './candidates'
import { toProviderMessages } from './history'

const INSTRUCTIONS =
  'Summarise the conversation so far for your own later use. Keep facts, decisions, names, numbers, code identifiers, ' +
  'open questions and what the user wants next; drop pleasantries. Write plain prose or short lists, at most about 400 words.'

/**
 * Compaction summaries through the same routing as chat (the fallback chain or the local
 * Ollama), so a long session can be compacted with whatever model is set up.
 */
export function createProviderSummarizer(deps: Pick<ChatServiceDeps, 'registry' | 'catalog' | 'routing' | 'breakers' | 'clock' | 'recorder'>): Summarizer {
  return {
    async summarize(messages: Message[], { signal }): Promise<{ text: string; provider: string; model: string }> {
      const routing = deps.routing()
      const history = await toProviderMessages(messages, async () => new Uint8Array(), INSTRUCTIONS)
      // Pictures are not re-sent for a summary: their descriptions are already in the replies.
      const request = { messages: [...history.map(({ images: _images, ...m }) => m), { role: 'user' as const, content: 'Write the summary now.' }] }
      const plan = await planCandidates({ auto: true }, request, { registry: deps.registry, catalog: deps.catalog, routing }, signal)
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
