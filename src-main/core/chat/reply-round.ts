import type { ChatEvent, ProviderConfig } from '../../../src-shared/contract'
import { CancelledError, toAppError } from '../errors'
import type { ChatRequest, ProviderToolCall, ProviderUsage } from '../providers'
import { costOf, estimatedUsage, priceFor, type ResilienceEvent, type ResilientOutcome } from '../resilience'
import type { Message, StreamingMessageWriter } from '../sessions'
import type { ChatServiceDeps } from './chat-service'

export interface RoundResult {
  message: Message
  outcome: ResilientOutcome
  text: string
  toolCalls: ProviderToolCall[]
}

type Step = IteratorResult<ResilienceEvent, ResilientOutcome>

/**
 * Streams one model reply (its request already sent: `next` gives its steps) into `writer`,
 * then counts tokens, cost and speed and saves it. A stopped reply keeps what the user already
 * read; a failed one records why, never a made-up answer.
 */
export async function* streamRound(deps: ChatServiceDeps, next: () => Promise<Step>, writer: StreamingMessageWriter, request: Omit<ChatRequest, 'model'>, signal: AbortSignal): AsyncGenerator<ChatEvent, RoundResult> {
  const reply = { text: '', toolCalls: [] as ProviderToolCall[] }
  const started = deps.clock.now()
  let outcome: ResilientOutcome
  try {
    for (;;) {
      const step = await next()
      if (step.done) {
        outcome = step.value
        break
      }
      const event = step.value
      if (event.type !== 'chunk') {
        yield event
        continue
      }
      const chunk = event.chunk
      if (chunk.type === 'text') {
        reply.text += chunk.text
        writer.append(chunk.text)
        yield { type: 'text', text: chunk.text }
      } else if (chunk.type === 'reasoning') {
        writer.append('', chunk.text)
        yield { type: 'reasoning', text: chunk.text }
      } else if (chunk.type === 'tool_call') {
        reply.toolCalls.push(chunk.call)
        yield { type: 'tool_call', call: chunk.call }
      }
    }
  } catch (error) {
    await endFailed(deps, writer, reply.text, error, signal, started)
    throw toAppError(error)
  }

  const answered = deps.registry.config(outcome.providerId)
  const promptText = request.messages.map((m) => m.content).join('\n')
  const usage: ProviderUsage & { estimated: boolean } = outcome.usage ? { ...outcome.usage, estimated: false } : { ...estimatedUsage(promptText, reply.text), estimated: true }
  const cost = costFor(deps, answered, outcome.model, usage)
  deps.ledger.add(answered.id, cost ?? 0, deps.clock.now())
  yield { type: 'usage', usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ...(usage.cachedTokens ? { cachedTokens: usage.cachedTokens } : {}), estimated: usage.estimated }, costUsd: cost }

  const streamMs = outcome.firstTokenMs === null ? null : outcome.totalMs - outcome.firstTokenMs
  const timings: Record<string, number> = { totalMs: outcome.totalMs }
  if (outcome.firstTokenMs !== null) timings.firstTokenMs = outcome.firstTokenMs
  if (streamMs && streamMs > 0 && usage.outputTokens > 0) timings.tokensPerSec = Math.round((usage.outputTokens / streamMs) * 10_000) / 10
  // A continued reply already holds what its earlier part used and cost: the message keeps the sum.
  const earlier = writer.message.usage
  const sum = (key: 'inputTokens' | 'outputTokens' | 'cachedTokens'): number => (usage[key] ?? 0) + (earlier?.[key] ?? 0)
  const cached = sum('cachedTokens')
  const message = await writer.complete({
    provider: answered.id,
    model: outcome.model,
    usage: { inputTokens: sum('inputTokens'), outputTokens: sum('outputTokens'), ...(cached ? { cachedTokens: cached } : {}), ...(usage.estimated || earlier?.estimated ? { estimated: true } : {}) },
    cost: cost === null ? null : cost + (writer.message.cost ?? 0),
    timings,
    toolCalls: reply.toolCalls.length ? reply.toolCalls : null,
  })
  return { message, outcome, text: reply.text, toolCalls: reply.toolCalls }
}

function costFor(deps: ChatServiceDeps, config: ProviderConfig, model: string, usage: ProviderUsage): number | null {
  const listed = deps.catalog.cached(config.id, model)
  const price = listed?.price ?? priceFor(config.kind, model, deps.priceOverrides())
  return price ? costOf(usage, price) : null
}

async function endFailed(deps: ChatServiceDeps, writer: StreamingMessageWriter, text: string, error: unknown, signal: AbortSignal, started: number): Promise<void> {
  const appError = toAppError(error)
  try {
    // Stopped by the user: a neutral "Stopped" reply that keeps what arrived (maybe nothing) and can be continued.
    if (signal.aborted || appError instanceof CancelledError) {
      await writer.complete({ timings: { totalMs: deps.clock.now() - started, stopped: 1 } })
    } else {
      await writer.fail(appError.hint ? `${appError.message} ${appError.hint}` : appError.message)
    }
  } catch (saveError) {
    deps.log?.error({ err: saveError }, 'could not record the end of a failed reply')
  }
}
