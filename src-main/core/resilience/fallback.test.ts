import { describe, expect, it } from 'vitest'
import type { ErrorClass } from '../../../src-shared/contract'
import { AppError, CancelledError } from '../errors'
import { TrafficRecorder } from '../health/metrics'
import { AuthError, ContentFilteredError, NetworkError, ProviderServerError, RateLimitedError } from '../providers/errors'
import type { ChatRequest } from '../providers/types'
import { BreakerRegistry } from './breaker'
import { AllProvidersFailedError, streamWithFallback, type Candidate, type FallbackOptions, type ResilienceEvent, type ResilientOutcome } from './fallback'
import { FakeProvider, failing, reply } from './testdata/fake-provider'

const request: Omit<ChatRequest, 'model'> = { messages: [{ role: 'user', content: 'hi' }] }

const candidate = (provider: FakeProvider, model = 'm', local = false): Candidate => ({ providerId: provider.id, providerName: provider.id.toUpperCase(), provider, model, ...(local ? { local } : {}) })

function harness(overrides: Partial<FallbackOptions> = {}) {
  let t = 0
  const sleeps: number[] = []
  const controller = new AbortController()
  const options: FallbackOptions = {
    signal: controller.signal,
    breakers: new BreakerRegistry({ failureThreshold: 3, cooldownMs: 60_000 }, () => t),
    retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 },
    fallbackOn: ['server', 'network', 'timeout', 'rate-limited', 'bad-response'] satisfies ErrorClass[],
    sleep: (ms) => {
      sleeps.push(ms)
      t += ms
      return Promise.resolve()
    },
    random: () => 0.5,
    now: () => t,
    formatTime: (ms) => `T+${ms}`,
    ...overrides,
  }
  return { options, sleeps, controller, advance: (ms: number) => (t += ms) }
}

async function run(candidates: Candidate[], options: FallbackOptions) {
  const events: ResilienceEvent[] = []
  const generator = streamWithFallback(candidates, request, options)
  for (;;) {
    let step: IteratorResult<ResilienceEvent, ResilientOutcome>
    try {
      step = await generator.next()
    } catch (error) {
      return { events, error: error as AppError, outcome: undefined }
    }
    if (step.done) return { events, outcome: step.value, error: undefined }
    events.push(step.value)
  }
}

const text = (events: ResilienceEvent[]) => events.flatMap((e) => (e.type === 'chunk' && e.chunk.type === 'text' ? [e.chunk.text] : [])).join('')

describe('streamWithFallback', () => {
  it('streams the first candidate and reports the outcome', async () => {
    const a = new FakeProvider({ id: 'a', calls: [reply('Hel', 'lo')] })
    const { options } = harness()
    const { events, outcome } = await run([candidate(a, 'gpt')], options)
    expect(a.requests[0]).toEqual({ ...request, model: 'gpt' })
    expect(text(events)).toBe('Hello')
    expect(events[0]).toEqual({ type: 'answering', providerId: 'a', model: 'gpt' })
    expect(outcome).toMatchObject({ providerId: 'a', model: 'gpt', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 }, attempts: [{ providerId: 'a', model: 'gpt', outcome: 'answered' }] })
  })

  it('retries retryable errors with the backoff delays, then answers', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new ProviderServerError('A', 503)), failing(new ProviderServerError('A', 502)), reply('ok')] })
    const { options, sleeps } = harness()
    const { events, outcome } = await run([candidate(a)], options)
    expect(a.callCount).toBe(3)
    // random 0.5 × 1000·2^(n-1)
    expect(sleeps).toEqual([500, 1000])
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      { type: 'retry', providerId: 'a', model: 'm', attempt: 2, delayMs: 500, reason: 'A had a server error (503).' },
      { type: 'retry', providerId: 'a', model: 'm', attempt: 3, delayMs: 1000, reason: 'A had a server error (502).' },
    ])
    expect(outcome?.attempts).toEqual([{ providerId: 'a', model: 'm', outcome: 'answered' }])
    expect(outcome?.totalMs).toBe(1500)
  })

  it('waits at least as long as Retry-After asks', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new RateLimitedError('A', 7000)), reply('ok')] })
    const { options, sleeps } = harness()
    await run([candidate(a)], options)
    expect(sleeps).toEqual([7000])
  })

  it('falls back at once when Retry-After is longer than the cap', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new RateLimitedError('A', 120_000))] })
    const b = new FakeProvider({ id: 'b', calls: [reply('from b')] })
    const { options, sleeps } = harness()
    const { outcome, events } = await run([candidate(a), candidate(b)], options)
    expect(sleeps).toEqual([])
    expect(a.callCount).toBe(1)
    expect(text(events)).toBe('from b')
    expect(outcome?.attempts.map((x) => [x.providerId, x.outcome, x.code])).toEqual([
      ['a', 'failed', 'E_RATE_LIMITED'],
      ['b', 'answered', undefined],
    ])
  })

  it('never retries or falls back after the first token: one call, the error propagates as is', async () => {
    const broken = new NetworkError('connection dropped')
    const a = new FakeProvider({ id: 'a', calls: [{ chunks: [{ type: 'text', text: 'partial' }], error: broken }] })
    const b = new FakeProvider({ id: 'b' })
    const { options, sleeps } = harness()
    const { events, error } = await run([candidate(a), candidate(b)], options)
    expect(error).toBe(broken)
    expect(a.callCount).toBe(1)
    expect(b.callCount).toBe(0)
    expect(sleeps).toEqual([])
    expect(text(events)).toBe('partial')
    expect(events.at(-1)).toEqual({ type: 'attempt', attempt: { providerId: 'a', model: 'm', outcome: 'failed', reason: 'connection dropped', code: 'E_NETWORK' } })
  })

  it('falls back on configured classes after retries are exhausted', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new ProviderServerError('A', 500))] })
    const b = new FakeProvider({ id: 'b', calls: [reply('b answers')] })
    const { options } = harness()
    const { outcome, events } = await run([candidate(a), candidate(b)], options)
    expect(a.callCount).toBe(3)
    expect(text(events)).toBe('b answers')
    expect(outcome?.providerId).toBe('b')
    expect(outcome?.attempts[0]).toEqual({ providerId: 'a', model: 'm', outcome: 'failed', reason: 'A had a server error (500).', code: 'E_PROVIDER_SERVER' })
  })

  it('does not fall back on a class that is not configured', async () => {
    const filtered = new ContentFilteredError('A')
    const a = new FakeProvider({ id: 'a', calls: [failing(filtered)] })
    const b = new FakeProvider({ id: 'b' })
    const { options } = harness()
    const { error } = await run([candidate(a), candidate(b)], options)
    expect(error).toBe(filtered)
    expect(b.callCount).toBe(0)
  })

  it('falls back on content-filtered when configured', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new ContentFilteredError('A'))] })
    const b = new FakeProvider({ id: 'b' })
    const { options } = harness({ fallbackOn: ['content-filtered'] })
    const { outcome } = await run([candidate(a), candidate(b)], options)
    expect(a.callCount).toBe(1)
    expect(outcome?.providerId).toBe('b')
  })

  it('throws auth immediately when auth is not in fallbackOn: no retry, no breaker failure', async () => {
    const auth = new AuthError('A')
    const a = new FakeProvider({ id: 'a', calls: [failing(auth)] })
    const b = new FakeProvider({ id: 'b' })
    const { options, sleeps } = harness()
    const { error, events } = await run([candidate(a), candidate(b)], options)
    expect(error).toBe(auth)
    expect(a.callCount).toBe(1)
    expect(b.callCount).toBe(0)
    expect(sleeps).toEqual([])
    expect(options.breakers.get('a', 'm').failures).toBe(0)
    expect(events).toEqual([{ type: 'attempt', attempt: { providerId: 'a', model: 'm', outcome: 'failed', reason: auth.message, code: 'E_AUTH' } }])
  })

  it('a user abort during the retry sleep stops everything at once', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new ProviderServerError('A', 500))] })
    const b = new FakeProvider({ id: 'b' })
    const controller = new AbortController()
    const { options } = harness({
      signal: controller.signal,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')))
          controller.abort()
        }),
    })
    const { error } = await run([candidate(a), candidate(b)], options)
    expect(error).toBeInstanceOf(CancelledError)
    expect(a.callCount).toBe(1)
    expect(b.callCount).toBe(0)
  })

  it('a cancel mid-stream is not a provider failure and is never retried', async () => {
    const controller = new AbortController()
    const a = new FakeProvider({ id: 'a', calls: [reply('one', 'two', 'three')] })
    const { options } = harness({ signal: controller.signal, breakers: new BreakerRegistry({ failureThreshold: 1, cooldownMs: 1000 }, () => 0) })
    const generator = streamWithFallback([candidate(a)], request, options)
    await generator.next()
    await generator.next()
    controller.abort()
    await expect(generator.next()).rejects.toBeInstanceOf(CancelledError)
    expect(a.callCount).toBe(1)
    expect(options.breakers.get('a', 'm').state).toBe('closed')
  })

  it('a caller that abandons the stream frees the half-open trial slot', async () => {
    let t = 0
    const breakers = new BreakerRegistry({ failureThreshold: 1, cooldownMs: 1000 }, () => t)
    const breaker = breakers.get('a', 'm')
    breaker.acquire()
    breaker.onFailure(new ProviderServerError('A', 500))
    t = 1000
    const a = new FakeProvider({ id: 'a', calls: [reply('one', 'two')] })
    const generator = streamWithFallback([candidate(a)], request, harness({ breakers, now: () => t }).options)
    await generator.next()
    await generator.return(undefined as never)
    expect(breaker.acquire()).toEqual({ allowed: true })
  })

  it('an already-aborted signal throws CancelledError before calling anyone', async () => {
    const a = new FakeProvider({ id: 'a' })
    const controller = new AbortController()
    controller.abort()
    const { error } = await run([candidate(a)], harness({ signal: controller.signal }).options)
    expect(error).toBeInstanceOf(CancelledError)
    expect(a.callCount).toBe(0)
  })

  it('skips a candidate whose circuit is open, saying until when', async () => {
    const a = new FakeProvider({ id: 'a' })
    const b = new FakeProvider({ id: 'b' })
    const { options } = harness()
    const breaker = options.breakers.get('a', 'm')
    for (let i = 0; i < 3; i++) {
      breaker.acquire()
      breaker.onFailure(new ProviderServerError('A', 500))
    }
    const { outcome } = await run([candidate(a), candidate(b)], options)
    expect(a.callCount).toBe(0)
    expect(outcome?.attempts[0]).toEqual({ providerId: 'a', model: 'm', outcome: 'skipped', reason: 'circuit open until T+60000' })
    expect(outcome?.providerId).toBe('b')
  })

  it('stops retrying a candidate whose circuit opens during its retries, and falls back', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new ProviderServerError('A', 500))] })
    const b = new FakeProvider({ id: 'b' })
    const { options } = harness({ breakers: new BreakerRegistry({ failureThreshold: 2, cooldownMs: 60_000 }, () => 0), retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10 } })
    const { outcome } = await run([candidate(a), candidate(b)], options)
    expect(a.callCount).toBe(2)
    expect(options.breakers.get('a', 'm').state).toBe('open')
    expect(outcome?.attempts.map((x) => x.outcome)).toEqual(['failed', 'answered'])
  })

  it('throws AllProvidersFailedError naming the last cause, with every attempt', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new ProviderServerError('A', 500))] })
    const local = new FakeProvider({ id: 'ollama', kind: 'ollama', calls: [failing(new NetworkError('Could not reach Ollama.'))] })
    const { options } = harness({ retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } })
    const { error } = await run([candidate(a), candidate(local, 'llama3', true)], options)
    expect(error).toBeInstanceOf(AllProvidersFailedError)
    const all = error as AllProvidersFailedError
    expect(all.code).toBe('E_NO_PROVIDER')
    expect(all.message).toBe('No provider could answer. The last one said: Could not reach Ollama.')
    expect(all.hint).toMatch(/Start Ollama/)
    expect(all.attempts.map((x) => [x.providerId, x.outcome, x.code])).toEqual([
      ['a', 'failed', 'E_PROVIDER_SERVER'],
      ['ollama', 'failed', 'E_NETWORK'],
    ])
  })

  it('with no candidates says nothing is set up', async () => {
    const { error } = await run([], harness().options)
    expect(error).toBeInstanceOf(AllProvidersFailedError)
    expect(error?.message).toBe('No model is set up to answer.')
    expect(error?.hint).toMatch(/Providers & Health/)
  })

  it('reports breaker success and failure per attempt', async () => {
    const a = new FakeProvider({ id: 'a', calls: [failing(new ProviderServerError('A', 500)), reply('ok')] })
    const { options } = harness()
    const seen: number[] = []
    const real = options.sleep
    options.sleep = (ms, signal) => {
      seen.push(options.breakers.get('a', 'm').failures)
      return real(ms, signal)
    }
    await run([candidate(a)], options)
    expect(seen).toEqual([1])
    expect(options.breakers.get('a', 'm').failures).toBe(0)
  })

  it('records traffic: TTFT, total, output tokens and failures', async () => {
    let t = 0
    const recorder = new TrafficRecorder()
    const a = new FakeProvider({ id: 'a', calls: [failing(new ProviderServerError('A', 500)), reply('ok')] })
    const slow = { ...a, id: 'a', kind: a.kind, listModels: a.listModels.bind(a), probe: a.probe.bind(a), chat: (r: ChatRequest, s: AbortSignal) => timed(a.chat(r, s)) }
    async function* timed(source: AsyncIterable<import('../providers/types').ChatChunk>) {
      t += 200
      for await (const chunk of source) {
        yield chunk
        t += 50
      }
    }
    const { options } = harness({ now: () => t, sleep: () => Promise.resolve(), recorder })
    await run([{ providerId: 'a', providerName: 'A', provider: slow, model: 'm' }], options)
    const summary = recorder.summary('a', t)
    expect(summary.requests).toBe(2)
    expect(summary.errorRate).toBe(0.5)
    expect(summary.ttftP50Ms).toBe(200)
    expect(summary.latencyP50Ms).toBe(350)
  })

  it('turns a non-AppError thrown by an adapter into E_INTERNAL and does not fall back on it', async () => {
    const a = new FakeProvider({ id: 'a' })
    const b = new FakeProvider({ id: 'b' })
    a.chat = () => {
      throw new TypeError('adapter bug')
    }
    const { error } = await run([candidate(a), candidate(b)], harness().options)
    expect(error?.code).toBe('E_INTERNAL')
    expect(b.callCount).toBe(0)
  })

  it('rejects a retry policy without attempts', async () => {
    const { error } = await run([candidate(new FakeProvider({ id: 'a' }))], harness({ retry: { maxAttempts: 0, baseDelayMs: 0, maxDelayMs: 0 } }).options)
    expect(error?.code).toBe('E_VALIDATION')
  })
})
