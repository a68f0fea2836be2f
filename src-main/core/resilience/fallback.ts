import type { Attempt, ErrorClass } from '../../../src-shared/contract'
import { AppError, CancelledError, errorClassOf, toAppError } from '../errors'
import type { ChatChunk, ChatProvider, ChatRequest, FinishReason, ProviderUsage } from '../providers'
import { ATTR, SPAN, type SpanHandle } from '../telemetry'
import type { BreakerRegistry } from './breaker'
import type { TrafficSink } from './traffic'
import { tokensForChars } from './pricing'
import { retryDelayFor, type RetryOptions } from './retry'

export interface Candidate {
  providerId: string
  providerName: string
  provider: ChatProvider
  model: string
  /** Runs on this machine (Ollama, GGUF): shapes the hint when everything failed. */
  local?: boolean
}

export type ResilienceEvent =
  | { type: 'attempt'; attempt: Attempt }
  | { type: 'retry'; providerId: string; model: string; attempt: number; delayMs: number; reason: string }
  | { type: 'answering'; providerId: string; model: string }
  /** Only text, reasoning and tool_call chunks; usage and the finish reason are in the outcome. */
  | { type: 'chunk'; chunk: ChatChunk }

export interface ResilientOutcome {
  providerId: string
  model: string
  attempts: Attempt[]
  usage: ProviderUsage | null
  finishReason: FinishReason
  /** From the start of the whole call (retries and fallbacks included), as the user waited. */
  firstTokenMs: number | null
  totalMs: number
}

export interface FallbackOptions {
  signal: AbortSignal
  breakers: BreakerRegistry
  retry: RetryOptions
  fallbackOn: readonly ErrorClass[]
  /** Resolves after ms; rejects (or resolves early) when signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
  random(): number
  now(): number
  recorder?: TrafficSink
  /** How "circuit open until …" shows a time; local HH:MM:SS by default. */
  formatTime?: (ms: number) => string
  /** Each try becomes a child span of this one: the first, a retry, or a fallback to a later provider. */
  span?: SpanHandle
}

/** Every candidate failed or was skipped. `attempts` says what happened to each. */
export class AllProvidersFailedError extends AppError {
  readonly attempts: Attempt[]
  readonly lastError: AppError | null

  constructor(attempts: Attempt[], lastError: AppError | null, anyLocal: boolean) {
    const message =
      attempts.length === 0
        ? 'No model is set up to answer.'
        : lastError
          ? `No provider could answer. The last one said: ${lastError.message}`
          : 'No provider could answer: every one is paused after repeated failures.'
    const hint =
      attempts.length === 0
        ? 'Add a provider or pick a model in Providers & Health.'
        : anyLocal && (lastError?.code === 'E_NETWORK' || lastError?.code === 'E_TIMEOUT')
          ? 'Start Ollama, or check Providers & Health for the other providers.'
          : 'Check Providers & Health, or add a fallback provider to the chain.'
    super('E_NO_PROVIDER', message, { hint, retryable: lastError?.retryable ?? attempts.length > 0, cause: lastError ?? undefined })
    this.attempts = attempts
    this.lastError = lastError
  }
}

const two = (n: number): string => String(n).padStart(2, '0')
export const localClock = (ms: number): string => {
  const d = new Date(ms)
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

const isContent = (chunk: ChatChunk): boolean => chunk.type === 'text' || chunk.type === 'reasoning' || chunk.type === 'tool_call'

function cancelled(signal: AbortSignal, error?: AppError): CancelledError {
  if (error instanceof CancelledError) return error
  const reason: unknown = signal.reason
  return reason instanceof CancelledError ? reason : new CancelledError('Stopped.')
}

/**
 * Streams one reply through the candidates in order: skips open circuits, retries retryable
 * failures with backoff, falls back on the configured error classes. Once any content reached
 * the caller the reply is committed to that provider: a later failure propagates as is.
 */
export async function* streamWithFallback(
  candidates: Candidate[],
  request: Omit<ChatRequest, 'model'>,
  options: FallbackOptions,
): AsyncGenerator<ResilienceEvent, ResilientOutcome> {
  const { signal, breakers, retry, now } = options
  const formatTime = options.formatTime ?? localClock
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) throw new AppError('E_VALIDATION', `Retry needs at least 1 attempt per provider; got ${retry.maxAttempts}.`)
  const started = now()
  const attempts: Attempt[] = []
  let lastError: AppError | null = null
  const record = function* (attempt: Attempt): Generator<ResilienceEvent> {
    attempts.push(attempt)
    yield { type: 'attempt', attempt }
  }

  let retryDelayMs: number | null = null
  for (const [candidateIndex, candidate] of candidates.entries()) {
    const { providerId, model, provider } = candidate
    if (signal.aborted) throw cancelled(signal)
    const breaker = breakers.get(providerId, model)

    for (let tryNo = 1; ; tryNo++) {
      const gate = breaker.acquire()
      if (!gate.allowed) {
        if (tryNo === 1) {
          const reason = gate.openUntil === null ? 'circuit half-open: a trial request is under way' : `circuit open until ${formatTime(gate.openUntil)}`
          options.span?.event('ollama_desk.skipped', { [ATTR.providerId]: providerId, [ATTR.genAiRequestModel]: model })
          yield* record({ providerId, model, outcome: 'skipped', reason })
          break
        }
        // The circuit opened during our own retries: stop hammering and fall back.
        yield* giveUp(candidate, lastError!)
        break
      }

      const attemptStart = now()
      const trySpan = options.span?.child(tryNo > 1 ? SPAN.retry : candidateIndex > 0 ? SPAN.fallback : SPAN.attempt, {
        [ATTR.genAiProvider]: provider.kind,
        [ATTR.providerId]: providerId,
        [ATTR.genAiRequestModel]: model,
        [ATTR.attemptNumber]: tryNo,
        [ATTR.retryDelayMs]: tryNo > 1 ? retryDelayMs : null,
      }, 'client')
      let firstTokenAt: number | null = null
      let usage: ProviderUsage | null = null
      let finishReason: FinishReason = 'stop'
      let emittedChars = 0
      // Set once the breaker has heard how this try ended; if the caller abandons the stream
      // mid-way, the finally below frees a half-open trial slot instead of leaking it.
      let settled = false
      try {
        for await (const chunk of provider.chat({ ...request, model }, signal)) {
          if (signal.aborted) throw cancelled(signal)
          if (chunk.type === 'usage') usage = chunk.usage
          else if (chunk.type === 'done') finishReason = chunk.finishReason
          else if (isContent(chunk)) {
            if (firstTokenAt === null) {
              firstTokenAt = now()
              yield { type: 'answering', providerId, model }
            }
            if (chunk.type !== 'tool_call') emittedChars += chunk.text.length
            yield { type: 'chunk', chunk }
          }
        }
        breaker.onSuccess()
        settled = true
      } catch (raw) {
        settled = true
        const error = signal.aborted ? cancelled(signal, raw instanceof AppError ? raw : undefined) : toAppError(raw)
        trySpan?.recordError(error)
        if (error instanceof CancelledError || error.code === 'E_CANCELLED') {
          breaker.onNeutral()
          throw error
        }
        breaker.onFailure(error)
        const end = now()
        options.recorder?.record({ providerId, model, ok: false, ttftMs: firstTokenAt === null ? null : firstTokenAt - attemptStart, totalMs: end - attemptStart, outputTokens: 0, at: end })
        lastError = error
        if (firstTokenAt !== null) {
          yield* record({ providerId, model, outcome: 'failed', reason: error.message, code: error.code })
          throw error
        }
        const delay = tryNo < retry.maxAttempts ? retryDelayFor(error, tryNo, retry, options.random) : null
        if (delay !== null) {
          retryDelayMs = delay
          yield { type: 'retry', providerId, model, attempt: tryNo + 1, delayMs: delay, reason: error.message }
          try {
            await options.sleep(delay, signal)
          } catch (sleepError) {
            if (signal.aborted) throw cancelled(signal)
            throw toAppError(sleepError)
          }
          if (signal.aborted) throw cancelled(signal)
          continue
        }
        yield* giveUp(candidate, error)
        break
      } finally {
        if (!settled) breaker.onNeutral()
        trySpan?.end()
      }

      const end = now()
      options.recorder?.record({
        providerId,
        model,
        ok: true,
        ttftMs: firstTokenAt === null ? null : firstTokenAt - attemptStart,
        totalMs: end - attemptStart,
        outputTokens: usage?.outputTokens ?? tokensForChars(emittedChars),
        at: end,
      })
      yield* record({ providerId, model, outcome: 'answered' })
      return { providerId, model, attempts, usage, finishReason, firstTokenMs: firstTokenAt === null ? null : firstTokenAt - started, totalMs: end - started }
    }
  }
  throw new AllProvidersFailedError(attempts, lastError, candidates.some((c) => c.local === true))

  /** Falls back when the error's class is configured for it, otherwise surfaces the error. */
  function* giveUp(candidate: Candidate, error: AppError): Generator<ResilienceEvent> {
    yield* record({ providerId: candidate.providerId, model: candidate.model, outcome: 'failed', reason: error.message, code: error.code })
    const cls = errorClassOf(error)
    if (cls === null || !options.fallbackOn.includes(cls)) throw error
  }
}
