import { afterAll, describe, it } from 'vitest'
import type { ChatEvent, ChatSendInput, RouteInput, RouteName, RouteOutput } from '../../src-shared/contract'
import { createLocalClient } from '../../src-main/core/rpc'
import type { TestCore } from '../support/core'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../support/fakes/ollama-chat-server'
import type { FakeProviderServer, Fault } from '../support/fakes/types'
import { createRecordingCore } from '../support/recording-core'
import { removeTempDirs } from '../support/tmp'
import { cases, chatRequests, type ProviderCase } from './cases'

/**
 * Every provider × every fault, through the whole chat path: a real core with its store, the
 * provider saved through `providers.save`, routing with the local Ollama (a second, healthy
 * fake) as the fallback, and chat.send over the contract. Each cell must end in exactly its
 * configured outcome. The clock's sleep returns at once and records the delays asked for.
 */

type Outcome = 'retry' | 'fallback' | 'error' | 'partial'

interface FaultCase {
  label: string
  fault: Fault
  /** How many chat requests meet the fault; unset = every one. */
  times?: number
  outcome: Outcome
  /** The error code the faulty provider fails with. */
  code: string
  /** The delays the retry asked the clock for, in order. */
  delays: number[]
}

const RETRY = { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1000 }
/** Full jitter with random() = 0.5 on the first retry: floor(0.5 × min(1000, 100 × 2⁰)). */
const BACKOFF = 50
const RETRY_AFTER_S = 2
const SCRIPT = ['first ', 'second ', 'third']
const BACKUP_MODEL = 'llama3.2:latest'

const faults: FaultCase[] = [
  { label: '500 once', fault: { kind: 'status', status: 500 }, times: 1, outcome: 'retry', code: 'E_PROVIDER_SERVER', delays: [BACKOFF] },
  { label: '429 once', fault: { kind: 'rate-limit', retryAfterSeconds: RETRY_AFTER_S }, times: 1, outcome: 'retry', code: 'E_RATE_LIMITED', delays: [RETRY_AFTER_S * 1000] },
  { label: '500', fault: { kind: 'status', status: 500 }, outcome: 'fallback', code: 'E_PROVIDER_SERVER', delays: [BACKOFF] },
  { label: '429', fault: { kind: 'rate-limit', retryAfterSeconds: RETRY_AFTER_S }, outcome: 'fallback', code: 'E_RATE_LIMITED', delays: [RETRY_AFTER_S * 1000] },
  { label: 'hang', fault: { kind: 'hang' }, outcome: 'fallback', code: 'E_TIMEOUT', delays: [BACKOFF] },
  { label: '401', fault: { kind: 'status', status: 401 }, outcome: 'error', code: 'E_AUTH', delays: [] },
  { label: 'disconnect after 1 chunk', fault: { kind: 'disconnect', afterChunks: 1 }, outcome: 'partial', code: 'E_NETWORK', delays: [] },
  { label: 'malformed after 1 chunk', fault: { kind: 'malformed', afterChunks: 1 }, outcome: 'partial', code: 'E_BAD_RESPONSE', delays: [] },
]

const cells = cases.flatMap((providerCase) => faults.map((faultCase) => ({ title: `${providerCase.name} × ${faultCase.label} → ${faultCase.outcome}`, providerCase, faultCase })))

interface Rig {
  t: TestCore
  fake: FakeProviderServer
  backup: FakeOllamaChatServer
  delays: number[]
  providerId: string
}

async function call<K extends RouteName>(t: TestCore, route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await createLocalClient(t.core.dispatcher, 'test').call(route, input)
  if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
  return result.value
}

/**
 * The first-byte timeout: short where the server hangs (that timeout is the fault under test and
 * is meant to run out), generous everywhere else, where running out would be a false failure on
 * a busy machine (the cells run concurrently).
 */
const HANG_TIMEOUT_MS = 1000
const ANSWER_TIMEOUT_MS = 120_000

async function rig(providerCase: ProviderCase, faultCase: FaultCase): Promise<Rig> {
  const fake = await providerCase.start()
  const backup = await startFakeOllamaChat({ models: [BACKUP_MODEL] })
  const { t, delays } = createRecordingCore()
  await t.core.settings.update({ ollama: { host: backup.url } })
  const config = providerCase.config(fake, { timeoutMs: faultCase.fault.kind === 'hang' ? HANG_TIMEOUT_MS : ANSWER_TIMEOUT_MS })
  await call(t, 'providers.save', { config, ...(providerCase.key ? { key: providerCase.key } : {}) })
  const routing = await call(t, 'routing.get', {})
  await call(t, 'routing.update', { ...routing, chain: [{ providerId: 'ollama', model: BACKUP_MODEL, enabled: true }], retry: RETRY })
  return { t, fake, backup, delays, providerId: config.id }
}

async function send(t: TestCore, input: ChatSendInput) {
  const events: ChatEvent[] = []
  const result = await createLocalClient(t.core.dispatcher, 'test').stream('chat.send', input, (event) => void events.push(event)).done
  const started = events.find((e): e is Extract<ChatEvent, { type: 'started' }> => e.type === 'started')
  const stored = started ? (await (await t.core.sessions()).getMessages(started.sessionId, { limit: 100 })).messages : []
  return { events, result, assistants: stored.filter((m) => m.role === 'assistant') }
}

afterAll(() => removeTempDirs())

describe.concurrent('provider × fault matrix', () => {
  it.for(cells)('$title', async ({ providerCase, faultCase }, { expect }) => {
    const { t, fake, backup, delays, providerId } = await rig(providerCase, faultCase)
    try {
      fake.script({ text: SCRIPT, usage: { inputTokens: 10, outputTokens: 3 } })
      backup.script({ text: ['backup ', 'answer'] })
      fake.fault(faultCase.fault, faultCase.times === undefined ? undefined : { times: faultCase.times })

      const { events, result, assistants } = await send(t, { text: 'Count to three', target: { providerId, model: providerCase.model } })
      const tried = chatRequests(providerCase, fake).length
      const backupTried = backup.requests.filter((r) => r.path === '/api/chat').length

      // Whoever answered is named on the one complete reply; a failure leaves no complete reply.
      const answeredBy = result.ok ? result.value.message.provider : null
      expect(assistants.filter((m) => m.status === 'complete').map((m) => m.provider)).toEqual(answeredBy ? [answeredBy] : [])
      expect(delays).toEqual(faultCase.delays)
      expect(events.filter((e) => e.type === 'retry').map((e) => (e as { delayMs: number }).delayMs)).toEqual(faultCase.delays)

      switch (faultCase.outcome) {
        case 'retry': {
          expect(result).toMatchObject({ ok: true, value: { message: { status: 'complete', provider: providerId, model: providerCase.model, text: SCRIPT.join('') } } })
          if (!result.ok) return
          expect(result.value.attempts).toEqual([{ providerId, model: providerCase.model, outcome: 'answered' }])
          expect([tried, backupTried]).toEqual([2, 0])
          break
        }
        case 'fallback': {
          expect(result).toMatchObject({ ok: true, value: { message: { status: 'complete', provider: 'ollama', model: BACKUP_MODEL, text: 'backup answer' } } })
          if (!result.ok) return
          expect(result.value.attempts.map((a) => [a.providerId, a.outcome, a.code])).toEqual([
            [providerId, 'failed', faultCase.code],
            ['ollama', 'answered', undefined],
          ])
          expect([tried, backupTried]).toEqual([RETRY.maxAttempts, 1])
          break
        }
        case 'error':
        case 'partial': {
          expect(result).toMatchObject({ ok: false, error: { code: faultCase.code } })
          if (result.ok) return
          // Friendly: a sentence and a next step, not a stack trace.
          expect(result.error.message).toMatch(/^\S[^\n]*\.$/)
          expect(result.error.message).not.toMatch(/Error:|\bat \S+:\d+|undefined|\[object/)
          expect(result.error.hint).toBeTruthy()
          // Never retried (auth is not retryable; text already reached the user) and never fallen back.
          expect([tried, backupTried]).toEqual([1, 0])
          const partial = faultCase.outcome === 'partial' ? SCRIPT[0] : ''
          expect(assistants).toEqual([expect.objectContaining({ status: 'error', text: partial, error: expect.stringContaining(result.error.message) as unknown })])
          break
        }
      }
    } finally {
      await t.core.close()
      await Promise.all([fake.close(), backup.close()])
    }
  })
})
