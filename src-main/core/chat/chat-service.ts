import type { ChatEvent, ChatSendInput, ProviderConfig, Routing } from '../../../src-shared/contract'
import type { StreamResult } from '../../../src-shared/contract'
import { AppError, CancelledError, ValidationError, toAppError } from '../errors'
import type { Logger } from 'pino'
import type { ModelCatalog } from '../providers/catalog'
import type { ProviderRegistry } from '../providers/registry'
import type { ChatRequest, ProviderToolCall, ProviderUsage } from '../providers/types'
import { budgetStatus, costOf, estimatedUsage, priceFor, streamWithFallback, type BreakerRegistry, type FallbackOptions, type SpendLedger } from '../resilience'
import type { TrafficRecorder } from '../health'
import type { Message, SessionStore, StreamingMessageWriter } from '../sessions'
import { NoProviderError, planCandidates } from './candidates'
import { titleFrom, toProviderMessages } from './history'

type ParsedSend = Omit<ChatSendInput, 'target'> & { target: ChatSendInput['target'] }
type SendResult = StreamResult<'chat.send'>

export interface ChatClock {
  now(): number
  sleep(ms: number, signal: AbortSignal): Promise<void>
  random(): number
}

export interface ChatServiceDeps {
  sessions: () => Promise<SessionStore>
  registry: ProviderRegistry
  catalog: ModelCatalog
  routing: () => Routing
  priceOverrides: () => import('../../../src-shared/contract').PriceEntry[]
  breakers: BreakerRegistry
  ledger: SpendLedger
  recorder?: TrafficRecorder
  /** Told on every chat so health probes run at the active pace. */
  markActive?: () => void
  changed: (sessionIds: string[]) => void
  clock: ChatClock
  log?: Logger
}

/**
 * One chat turn end to end: save the prompt, pick who answers, stream through retries and
 * fallbacks into the store as it arrives, count tokens and cost, and never store a reply that no
 * model wrote.
 */
export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  async *send(input: ParsedSend, signal: AbortSignal): AsyncGenerator<ChatEvent, SendResult> {
    const { deps } = this
    deps.markActive?.()
    const store = await deps.sessions()
    const routing = deps.routing()
    const images = (input.images ?? []).map((image) => ({ name: image.name, mime: image.mime, data: Buffer.from(image.data, 'base64') }))

    // Who would answer, decided before anything is saved: a request nobody can take leaves no trace.
    const draft: Omit<ChatRequest, 'model'> = {
      messages: [{ role: 'user', content: input.text, images: images.map((i) => ({ mime: i.mime, data: i.data.toString('base64') })) }],
      ...(input.temperature === undefined ? {} : { temperature: input.temperature }),
      ...(input.reasoning === undefined ? {} : { reasoning: input.reasoning }),
    }
    const plan = await planCandidates(input.target, draft, { registry: deps.registry, catalog: deps.catalog, routing }, signal)
    const budget = budgetStatus(deps.ledger, routing.budget, deps.clock.now())
    if (budget.state === 'blocked') {
      plan.candidates = plan.candidates.filter((c) => c.local)
      if (plan.candidates.length === 0) throw budgetError(budget.todayUsd, budget.monthUsd)
    }
    if (plan.candidates.length === 0) throw new NoProviderError(plan.skipped)

    // A new chat has no history to read, so even its session is created while the provider thinks.
    const existing = input.sessionId ? await store.getSession(input.sessionId) : undefined
    const turn = existing ? await this.planTurn(store, existing.id, input) : { prior: [], replyParent: null, newParent: undefined }
    if (!existing && (input.regenerate || input.editOf)) throw new ValidationError('Regenerate and edit need the session they belong to.', [{ path: 'sessionId', message: 'missing' }])
    const prior = await toProviderMessages(turn.prior, (sha) => store.readAttachment(sha), input.system)
    const request: Omit<ChatRequest, 'model'> = { ...draft, messages: input.regenerate ? prior : [...prior, ...draft.messages] }

    // The request goes out first and the prompt is saved while the provider thinks, so saving
    // adds nothing to the time to first token. If saving fails, the request is stopped.
    const inner = new AbortController()
    const stopInner = (): void => inner.abort(signal.reason)
    signal.addEventListener('abort', stopInner, { once: true })
    const stream = streamWithFallback(plan.candidates, request, resilienceOptions(deps, routing, inner.signal))
    const first = plan.candidates[0]!
    let firstStep: ReturnType<typeof stream.next> | undefined = stream.next()
    firstStep.catch(() => undefined) // handled in the loop below; this only keeps Node from calling it unhandled meanwhile
    let saved
    try {
      const session = existing ?? (await store.createSession({ title: titleFrom(input.text) }))
      const userMessageId = turn.replyParent ?? (await this.saveUserMessage(store, session.id, input, images, turn.newParent))
      const writer = await store.beginStreamingMessage(session.id, { provider: first.providerId, model: first.model, parentId: userMessageId })
      saved = { session, userMessageId, writer }
    } catch (error) {
      inner.abort(error)
      await firstStep.catch(() => undefined)
      signal.removeEventListener('abort', stopInner)
      throw error
    }
    const { writer, session } = saved
    deps.changed([session.id])
    yield { type: 'started', sessionId: session.id, userMessageId: turn.replyParent ? null : saved.userMessageId, assistantMessageId: writer.id }
    if (budget.state === 'warn') yield { type: 'budget', state: 'warn', message: budgetWarning(budget.todayUsd, budget.monthUsd, routing) }
    for (const attempt of plan.skipped) yield { type: 'attempt', attempt }

    const reply = { text: '', toolCalls: [] as ProviderToolCall[] }
    const started = deps.clock.now()
    let outcome
    try {
      for (;;) {
        const step = await (firstStep ?? stream.next())
        firstStep = undefined
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
      await this.endFailed(writer, reply.text, error, signal, started)
      deps.changed([session.id])
      throw toAppError(error)
    } finally {
      signal.removeEventListener('abort', stopInner)
    }

    const answered = deps.registry.config(outcome.providerId)
    const promptText = request.messages.map((m) => m.content).join('\n')
    const usage: ProviderUsage & { estimated: boolean } = outcome.usage ? { ...outcome.usage, estimated: false } : { ...estimatedUsage(promptText, reply.text), estimated: true }
    const cost = this.costFor(answered, outcome.model, usage)
    deps.ledger.add(answered.id, cost ?? 0, deps.clock.now())
    yield { type: 'usage', usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ...(usage.cachedTokens ? { cachedTokens: usage.cachedTokens } : {}), estimated: usage.estimated }, costUsd: cost }

    const streamMs = outcome.firstTokenMs === null ? null : outcome.totalMs - outcome.firstTokenMs
    const timings: Record<string, number> = { totalMs: outcome.totalMs }
    if (outcome.firstTokenMs !== null) timings.firstTokenMs = outcome.firstTokenMs
    if (streamMs && streamMs > 0 && usage.outputTokens > 0) timings.tokensPerSec = Math.round((usage.outputTokens / streamMs) * 10_000) / 10
    const message = await writer.complete({
      provider: answered.id,
      model: outcome.model,
      usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ...(usage.cachedTokens ? { cachedTokens: usage.cachedTokens } : {}), ...(usage.estimated ? { estimated: true } : {}) },
      cost,
      timings,
      toolCalls: reply.toolCalls.length ? reply.toolCalls : null,
    })
    deps.changed([session.id])
    return { sessionId: session.id, message: message as SendResult['message'], attempts: [...plan.skipped, ...outcome.attempts] }
  }

  private costFor(config: ProviderConfig, model: string, usage: ProviderUsage): number | null {
    const listed = this.deps.catalog.cached(config.id, model)
    const price = listed?.price ?? priceFor(config.kind, model, this.deps.priceOverrides())
    return price ? costOf(usage, price) : null
  }

  /**
   * What the reply continues: the stored branch before the new prompt (read before anything is
   * written), and where the prompt goes. A regenerate reuses the old prompt (`replyParent`); an
   * edit starts a branch beside the original.
   */
  private async planTurn(store: SessionStore, sessionId: string, input: ParsedSend): Promise<{ prior: Message[]; replyParent: string | null; newParent: string | null | undefined }> {
    if (input.regenerate) {
      const old = await this.messageIn(store, sessionId, input.regenerate, 'regenerate')
      if (old.role !== 'assistant' || !old.parentId) throw new ValidationError('Only a reply to a prompt can be regenerated.', [{ path: 'regenerate', message: `a ${old.role} message` }])
      return { prior: await store.contextMessages(sessionId, old.parentId), replyParent: old.parentId, newParent: undefined }
    }
    if (input.editOf) {
      const edited = await this.messageIn(store, sessionId, input.editOf, 'editOf')
      if (edited.role !== 'user') throw new ValidationError('Only your own messages can be edited and resent.', [{ path: 'editOf', message: `a ${edited.role} message` }])
      return { prior: edited.parentId ? await store.contextMessages(sessionId, edited.parentId) : [], replyParent: null, newParent: edited.parentId }
    }
    // A new prompt continues the latest message, as appendMessage does by default.
    return { prior: input.sessionId ? await store.contextMessages(sessionId) : [], replyParent: null, newParent: undefined }
  }

  private async saveUserMessage(store: SessionStore, sessionId: string, input: ParsedSend, images: { name: string; mime: string; data: Buffer }[], parentId: string | null | undefined): Promise<string> {
    const user = await store.appendMessage(sessionId, { role: 'user', text: input.text, parentId, attachments: images.map((i) => ({ name: i.name, mime: i.mime, data: new Uint8Array(i.data) })) })
    return user.id
  }

  private async messageIn(store: SessionStore, sessionId: string, id: string, field: string): Promise<Message> {
    const message = await store.getMessage(id)
    if (message.sessionId !== sessionId) throw new ValidationError('That message belongs to another session.', [{ path: field, message: 'wrong session' }])
    return message
  }

  /** A stopped reply keeps what the user already read; a failed one records why, never a made-up answer. */
  private async endFailed(writer: StreamingMessageWriter, text: string, error: unknown, signal: AbortSignal, started: number): Promise<void> {
    const appError = toAppError(error)
    try {
      if ((signal.aborted || appError instanceof CancelledError) && text.length > 0) {
        await writer.complete({ timings: { totalMs: this.deps.clock.now() - started, stopped: 1 } })
      } else {
        await writer.fail(appError.hint ? `${appError.message} ${appError.hint}` : appError.message)
      }
    } catch (saveError) {
      this.deps.log?.error({ err: saveError }, 'could not record the end of a failed reply')
    }
  }
}

/** How every model call (chat, summaries) retries, falls back and is measured. */
export function resilienceOptions(deps: Pick<ChatServiceDeps, 'breakers' | 'clock' | 'recorder'>, routing: Routing, signal: AbortSignal): FallbackOptions {
  return {
    signal,
    breakers: deps.breakers,
    retry: routing.retry,
    fallbackOn: routing.fallbackOn,
    sleep: deps.clock.sleep,
    random: deps.clock.random,
    now: deps.clock.now,
    ...(deps.recorder ? { recorder: deps.recorder } : {}),
  }
}

function budgetError(today: number, month: number): AppError {
  return new AppError('E_BUDGET', `The spending cap is reached ($${today.toFixed(2)} today, $${month.toFixed(2)} this month).`, {
    hint: 'Raise the cap in Providers & Health, or pick a local model (they are free).',
  })
}

function budgetWarning(today: number, month: number, routing: Routing): string {
  const caps = [routing.budget.dailyUsd !== null ? `$${today.toFixed(2)} of $${routing.budget.dailyUsd.toFixed(2)} today` : null, routing.budget.monthlyUsd !== null ? `$${month.toFixed(2)} of $${routing.budget.monthlyUsd.toFixed(2)} this month` : null].filter(Boolean)
  return `Close to the spending cap: ${caps.join(', ')}.`
}
