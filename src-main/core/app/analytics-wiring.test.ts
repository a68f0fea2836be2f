import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChatSendInput, Result, RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import { createRecordingCore } from '../../../test/support/recording-core'
import { startOpenAiFake, type OpenAiFake } from '../../../test/support/fakes/openai-server'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { HttpAnalyticsTransport, analyticsCatalogue, type AnalyticsBatch, type AnalyticsTransport } from '../analytics'
import { createLocalClient } from '../rpc'
import type { UpdaterPort } from '../updates'
import { ANALYTICS_ID_FILE, ANALYTICS_SENT_FILE } from './analytics-wiring'
import type { Core } from './create-core'

/** A self-hosted collector on loopback: records every POSTed batch as it arrived. */
async function startCollector() {
  const bodies: string[] = []
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (part: Buffer) => parts.push(part))
    req.on('end', () => {
      bodies.push(Buffer.concat(parts).toString('utf8'))
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`
  return {
    url,
    bodies,
    batches: () => bodies.map((body) => JSON.parse(body) as AnalyticsBatch),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Counts every send and passes it on to the real HTTP transport. */
function spyTransport() {
  const real = new HttpAnalyticsTransport()
  const spy = { calls: 0, send: (endpoint: string, batch: AnalyticsBatch) => (spy.calls++, real.send(endpoint, batch)) }
  return spy satisfies AnalyticsTransport
}

/** The packaged desktop updater, always up to date. */
const upToDate: UpdaterPort = { packaged: true, configure() {}, check: async () => null, download: async () => {}, quitAndInstall() {}, on: () => () => {} }

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  removeTempDirs()
})

const PROMPT = 'my secret plan for /home/alice/notes.txt'
const KEY = 'sk-analytics-0123456789abcdef'

async function startApp(endpoint: string, transport: AnalyticsTransport) {
  const dir = makeTempDir()
  // Consent not asked yet, but a collector address is set: the gate must still hold.
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, onboarding: { completed: false }, updates: { enabled: false }, analytics: { endpoint } }))
  const openai: OpenAiFake = await startOpenAiFake({ models: ['gpt-4o-mini'] })
  const { t } = createRecordingCore({ dataDir: dir, ownsHistory: true, analyticsTransport: transport, updater: upToDate })
  cleanups.push(() => openai.close(), () => t.core.close())
  const client = createLocalClient(t.core.dispatcher, 'test')
  const call = async <K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> => {
    const result = await client.call(route, input)
    if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
    return result.value
  }
  const chat = async (): Promise<Result<unknown>> => {
    const input: ChatSendInput = { text: PROMPT, target: { providerId: 'openai', model: 'gpt-4o-mini' } }
    return client.stream('chat.send', input, () => undefined).done
  }
  await call('settings.update', { ollama: { host: '127.0.0.1:9' } })
  await call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: KEY })
  await call('routing.update', { ...(await call('routing.get', {})), localLastResort: false })
  return { core: t.core as Core, dir, call, chat }
}

type App = Awaited<ReturnType<typeof startApp>>

/** Launch-time work is done; then onboarding, a chat and an update check, as a user would. */
async function useTheApp(app: App): Promise<void> {
  app.core.settings.update({ onboarding: { completed: false } })
  await app.call('settings.update', { onboarding: { completed: true } })
  expect(await app.chat()).toMatchObject({ ok: true })
  expect(await app.call('updates.check', {})).toMatchObject({ update: { state: 'idle' } })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/**
 * Longer than the batching delay: anything queued would have gone out by then. Used only to see
 * that nothing is sent; a slow machine can make such a check pass too early, never fail it.
 */
const PAST_FLUSH = 3_500

describe('analytics consent gate (real core)', () => {
  it('with consent unasked or denied, nothing reaches the transport across launch, onboarding, chat and update checks', async () => {
    const collector = await startCollector()
    cleanups.push(collector.close)
    const spy = spyTransport()
    const app = await startApp(collector.url, spy)

    await useTheApp(app)
    expect(await app.call('analytics.status', {})).toMatchObject({ consent: 'unasked', installId: null, active: false, queued: 0 })
    await app.call('analytics.setConsent', { granted: false })
    await useTheApp(app)
    expect(await app.call('analytics.track', { type: 'feature_used', fields: { feature: 'compare' } })).toEqual({ recorded: false })
    await sleep(PAST_FLUSH)

    expect(await app.call('analytics.status', {})).toMatchObject({ consent: 'denied', endpoint: collector.url, installId: null, queued: 0, sent: 0, failed: 0 })
    expect(spy.calls).toBe(0)
    expect(collector.bodies).toEqual([])
    expect(fs.existsSync(path.join(app.dir, ANALYTICS_SENT_FILE))).toBe(false)
    expect(fs.existsSync(path.join(app.dir, ANALYTICS_ID_FILE))).toBe(false)
  })

  it('granted: exactly the expected events arrive with allow-listed fields only; revoking forgets the id and stops sending', async () => {
    const collector = await startCollector()
    cleanups.push(collector.close)
    const spy = spyTransport()
    const app = await startApp(collector.url, spy)

    const granted = await app.call('analytics.setConsent', { granted: true })
    expect(granted).toMatchObject({ consent: 'granted', active: true, installId: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    await useTheApp(app)
    // The sent log is written after the collector answered, so once it holds four events every batch is settled.
    await expect.poll(async () => (await app.call('analytics.sent', {})).events.length).toBe(4)
    expect(collector.batches().flatMap((batch) => batch.events)).toHaveLength(4)

    const events = collector.batches().flatMap((batch) => batch.events)
    expect(events.map((event) => event.type)).toEqual(['app_started', 'onboarding_completed', 'chat_completed', 'update_checked'])
    expect(events[0]!.fields).toEqual({ version: '9.9.9-test', platform: expect.any(String), mode: 'web' })
    expect(events[2]!.fields).toMatchObject({ provider_kind: 'openai', tool_calls: 0, fell_back: false })
    expect(events[3]!.fields).toEqual({ channel: 'latest', outcome: 'up_to_date' })
    for (const event of events) expect(analyticsCatalogue[event.type as keyof typeof analyticsCatalogue].safeParse(event.fields).success).toBe(true)
    for (const batch of collector.batches()) expect(batch).toMatchObject({ schema: 1, app: 'ollama-desk', installId: granted.installId })
    const raw = collector.bodies.join('\n')
    for (const secret of [PROMPT, '/home/alice', KEY, app.dir, 'Hello']) expect(raw).not.toContain(secret)

    const log = await app.call('analytics.sent', {})
    expect(log.events.map((event) => [event.type, event.outcome, event.endpoint])).toEqual([
      ['update_checked', 'sent', collector.url],
      ['chat_completed', 'sent', collector.url],
      ['onboarding_completed', 'sent', collector.url],
      ['app_started', 'sent', collector.url],
    ])
    expect(await app.call('analytics.status', {})).toMatchObject({ sent: 4, failed: 0, queued: 0 })

    // Revoke: the id is gone from status and disk, and later moments send nothing.
    const revoked = await app.call('analytics.setConsent', { granted: false })
    expect(revoked).toMatchObject({ consent: 'denied', installId: null, active: false })
    expect(fs.existsSync(path.join(app.dir, ANALYTICS_ID_FILE))).toBe(false)
    const callsBefore = spy.calls
    await useTheApp(app)
    await sleep(PAST_FLUSH)
    expect(spy.calls).toBe(callsBefore)
    expect(collector.batches().flatMap((batch) => batch.events)).toHaveLength(4)

    // Granting again starts over with a new random id.
    const again = await app.call('analytics.setConsent', { granted: true })
    expect(again.installId).toMatch(/^[0-9a-f-]{36}$/)
    expect(again.installId).not.toBe(granted.installId)
    await expect.poll(() => collector.batches().at(-1)?.installId).toBe(again.installId)
    expect(collector.batches().at(-1)).toMatchObject({ events: [{ type: 'app_started' }] })
    expect(spy.calls).toBe(callsBefore + 1)
  })

  it('a renderer event outside the catalogue is refused with a specific error, whatever the consent', async () => {
    const collector = await startCollector()
    cleanups.push(collector.close)
    const app = await startApp(collector.url, spyTransport())
    const client = createLocalClient(app.core.dispatcher, 'test')
    expect(await client.call('analytics.track', { type: 'prompt_sent', fields: {} })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('no analytics event named "prompt_sent"') } })
    const extra = await client.call('analytics.track', { type: 'feature_used', fields: { feature: 'compare', prompt: PROMPT } })
    expect(extra).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('does not allow the field "prompt"') } })
    await app.call('analytics.setConsent', { granted: true })
    const path_ = await client.call('analytics.track', { type: 'feature_used', fields: { feature: '/home/alice/notes.txt' } })
    expect(path_).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', issues: [{ path: 'feature' }] } })
    expect(await app.call('analytics.track', { type: 'feature_used', fields: { feature: 'compare' } })).toEqual({ recorded: true })
  })

  it('an endpoint given through settings must be an http(s) address', async () => {
    const collector = await startCollector()
    cleanups.push(collector.close)
    const app = await startApp(collector.url, spyTransport())
    const client = createLocalClient(app.core.dispatcher, 'test')
    for (const endpoint of ['file:///etc/passwd', 'not a url', 'https://user:pw@example.org/x']) {
      expect(await client.call('settings.update', { analytics: { endpoint } })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    }
    expect(app.core.settings.get().analytics.endpoint).toBe(collector.url)
    expect(await client.call('analytics.resetId', {})).toMatchObject({ ok: false, error: { code: 'E_CONFIG' } })
  })

  it('an app moment whose event does not fit the catalogue is logged and dropped, never thrown into the app', async () => {
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, onboarding: { completed: true }, analytics: { consent: 'granted', endpoint: 'http://127.0.0.1:9/e' } }))
    const spy = spyTransport()
    const { t } = createRecordingCore({ dataDir: dir, ownsHistory: true, analyticsTransport: spy, version: 'dev build' })
    cleanups.push(() => t.core.close())
    expect(await createLocalClient(t.core.dispatcher, 'test').call('analytics.status', {})).toMatchObject({ ok: true, value: { active: true, queued: 0 } })
    expect(t.lines.some((line) => line.includes('analytics event refused') && line.includes('app_started'))).toBe(true)
    expect(spy.calls).toBe(0)
  })
})
