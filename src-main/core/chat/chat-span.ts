import type { ChatSendInput } from '../../../src-shared/contract'
import type { Candidate } from '../resilience'
import { ATTR, SPAN, noopTracing, type SpanHandle, type Tracing } from '../telemetry'
import type { RoundResult } from './reply-round'

/**
 * The span of one chat request: which provider and model answered, tokens over every round,
 * time to first token and why the reply ended. Only timings, counts, names and error classes:
 * never the prompt or the reply.
 */
export class ChatTrace {
  readonly span: SpanHandle
  private candidates: Candidate[] = []
  private inputTokens = 0
  private outputTokens = 0
  private estimated = false
  private rounds = 0
  private toolCalls = 0
  private providerId: string | null = null
  private providerKind: string | null = null

  constructor(tracing: Tracing | undefined, input: Pick<ChatSendInput, 'target'>) {
    const model = 'model' in input.target ? input.target.model : 'auto'
    this.span = (tracing ?? noopTracing).startSpan(SPAN.chat(model), { [ATTR.genAiOperation]: 'chat', [ATTR.genAiRequestModel]: model }, 'client')
  }

  /** Who is asked first; under Auto that is known only once routing has planned. */
  planned(candidates: Candidate[]): void {
    this.candidates = candidates
    const first = candidates[0]
    if (first) this.span.set({ [ATTR.genAiProvider]: first.provider.kind, [ATTR.providerId]: first.providerId, [ATTR.genAiRequestModel]: first.model })
  }

  round(result: RoundResult): void {
    const { outcome } = result
    this.rounds++
    this.inputTokens += result.message.usage?.inputTokens ?? 0
    this.outputTokens += result.message.usage?.outputTokens ?? 0
    this.estimated ||= result.message.usage?.estimated === true
    this.toolCalls += result.toolCalls.length
    const answered = this.candidates.find((c) => c.providerId === outcome.providerId)
    this.providerId = outcome.providerId
    this.providerKind = answered?.provider.kind ?? this.providerKind
    this.span.set({
      [ATTR.genAiResponseModel]: outcome.model,
      [ATTR.genAiInputTokens]: this.inputTokens,
      [ATTR.genAiOutputTokens]: this.outputTokens,
      [ATTR.tokensEstimated]: this.estimated,
      [ATTR.genAiFinishReasons]: [outcome.finishReason],
      [ATTR.toolRounds]: this.rounds - 1,
      ...(answered ? { [ATTR.genAiProvider]: answered.provider.kind, [ATTR.providerId]: answered.providerId } : {}),
    })
    // The user waited for the first round's first token; later rounds follow tool calls.
    if (this.rounds === 1 && outcome.firstTokenMs !== null) this.span.set({ [ATTR.ttftMs]: outcome.firstTokenMs })
  }

  /** The same counts as the span, for whoever listens to finished turns (usage analytics). */
  summary(): Omit<ChatTurnSummary, 'durationMs' | 'fellBack'> {
    return { providerId: this.providerId, providerKind: this.providerKind, tokens: this.inputTokens + this.outputTokens, toolCalls: this.toolCalls, rounds: this.rounds }
  }
}

/** A finished chat turn in counts and names, never its text. */
export interface ChatTurnSummary {
  providerId: string | null
  providerKind: string | null
  durationMs: number
  tokens: number
  toolCalls: number
  rounds: number
  /** Someone other than the first choice answered (a retry gave up, a fallback took over). */
  fellBack: boolean
}
