import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AnalyticsSettings, AnalyticsStatus } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { Analytics, type AnalyticsDeps, type AnalyticsTimers } from './analytics'
import { SentLog } from './sent-log'
import { HttpAnalyticsTransport, type AnalyticsBatch, type AnalyticsTransport } from './transport'

afterEach(() => removeTempDirs())

/** Timers that only fire when the test says so. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>()
  let next = 1
  const timers: AnalyticsTimers = {
    setTimeout: (fn, ms) => (pending.set(next, { fn, ms }), next++),
    clearTimeout: (handle) => void pending.delete(handle as number),
  }
  return {
    timers,
    pending,
    fire() {
      const due = [...pending.values()]
      pending.clear()
      due.forEach(({ fn }) => fn())
    },
  }
}

const START = { version: '1.0.0', platform: 'linux', mode: 'web' }

function setup(initial: Partial<AnalyticsSettings> = {}, overrides: Partial<AnalyticsDeps> = {}) {
  const dir = makeTempDir()
  let settings: AnalyticsSettings = { consent: 'unasked', endpoint: 'http://127.0.0.1:9/e', ...initial }
  const listeners = new Set<(next: AnalyticsSettings) => void>()
  const batches: { endpoint: string; batch: AnalyticsBatch }[] = []
  let fail: Error | null = null
  let built = 0
  const transport: AnalyticsTransport = {
    send: async (endpoint, batch) => {
      batches.push({ endpoint, batch: structuredClone(batch) })
      if (fail) throw fail
    },
  }
  const clock = manualTimers()
  const statuses: AnalyticsStatus[] = []
  let ids = 0
  const idFile = path.join(dir, 'analytics-id.json')
  const sentLog = new SentLog({ file: path.join(dir, 'sent.jsonl') })
  const analytics = new Analytics({
    settings: () => settings,
    onSettingsChange: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
    transport: () => (built++, transport),
    sentLog,
    idFile,
    newId: () => `00000000-0000-4000-8000-00000000000${++ids}`,
    now: () => 1_000,
    timers: clock.timers,
    batchSize: 3,
    maxQueued: 5,
    changed: (status) => statuses.push(status),
    ...overrides,
  })
  const set = (patch: Partial<AnalyticsSettings>): void => {
    settings = { ...settings, ...patch }
    listeners.forEach((listener) => listener(settings))
  }
  return { analytics, set, batches, clock, statuses, idFile, dir, built: () => built, failWith: (error: Error | null) => (fail = error), listeners }
}

describe('Analytics', () => {
  it('records nothing and builds no transport unless consent is granted and an endpoint is set', async () => {
    const t = setup({ consent: 'unasked' })
    expect(t.analytics.record('app_started', START)).toBe(false)
    t.set({ consent: 'denied' })
    expect(t.analytics.record('app_started', START)).toBe(false)
    t.set({ consent: 'granted', endpoint: '' })
    expect(t.analytics.record('app_started', START)).toBe(false)
    t.clock.fire()
    await t.analytics.flush()
    expect(t.built()).toBe(0)
    expect(t.analytics.status()).toMatchObject({ active: false, queued: 0, sent: 0 })
    // Granted without an endpoint still has an id: it shows, but nothing carries it anywhere.
    expect(t.analytics.status().installId).toBe('00000000-0000-4000-8000-000000000001')
  })

  it('still refuses an event outside the catalogue while off', () => {
    const t = setup()
    expect(() => t.analytics.record('feature_used', { feature: 'compare', path: '/etc' })).toThrow(/does not allow the field "path"/)
  })

  it('batches: waits for the delay, sends a full batch at once, and logs every event it sent', async () => {
    const t = setup({ consent: 'granted' })
    expect(t.analytics.record('feature_used', { feature: 'mcp' })).toBe(true)
    expect(t.batches).toEqual([])
    expect([...t.clock.pending.values()].map((timer) => timer.ms)).toEqual([3_000])
    t.clock.fire()
    await t.analytics.flush()
    expect(t.batches).toEqual([
      { endpoint: 'http://127.0.0.1:9/e', batch: { schema: 1, app: 'ollama-desk', installId: '00000000-0000-4000-8000-000000000001', events: [{ type: 'feature_used', at: 1_000, fields: { feature: 'mcp' } }] } },
    ])
    for (const feature of ['a', 'b', 'c'].map(() => 'hooks')) t.analytics.record('feature_used', { feature })
    await t.analytics.flush()
    expect(t.batches[1]?.batch.events).toHaveLength(3)
    expect(t.analytics.status()).toMatchObject({ sent: 4, failed: 0, queued: 0, lastError: null })
    const log = await t.analytics.sent()
    expect(log).toHaveLength(4)
    expect(log[3]).toEqual({ at: 1_000, type: 'feature_used', fields: { feature: 'mcp' }, installId: '00000000-0000-4000-8000-000000000001', endpoint: 'http://127.0.0.1:9/e', outcome: 'sent' })
    expect(t.built()).toBe(1)
  })

  it('caps the queue: the oldest events are dropped and counted', async () => {
    const t = setup({ consent: 'granted' }, { batchSize: 100 })
    for (let i = 0; i < 7; i++) t.analytics.record('update_checked', { channel: 'latest', outcome: i % 2 ? 'failed' : 'up_to_date' })
    expect(t.analytics.status()).toMatchObject({ queued: 5, dropped: 2 })
    await t.analytics.flush()
    expect(t.batches[0]?.batch.events).toHaveLength(5)
  })

  it('an endpoint that fails marks the batch failed in the log and never throws; no retry storm', async () => {
    const t = setup({ consent: 'granted' })
    t.failWith(new Error('could not reach the endpoint (ECONNREFUSED)'))
    t.analytics.record('feature_used', { feature: 'search' })
    await expect(t.analytics.flush()).resolves.toBeUndefined()
    expect(t.analytics.status()).toMatchObject({ sent: 0, failed: 1, queued: 0, lastError: 'could not reach the endpoint (ECONNREFUSED)' })
    expect(await t.analytics.sent()).toEqual([expect.objectContaining({ outcome: 'failed', error: 'could not reach the endpoint (ECONNREFUSED)' })])
    t.clock.fire()
    await t.analytics.flush()
    expect(t.batches).toHaveLength(1)
    expect(t.clock.pending.size).toBe(0)
  })

  it('revoking deletes the id file and the unsent queue; granting again makes a new id', async () => {
    const t = setup({ consent: 'granted' })
    const first = t.analytics.status().installId
    expect(JSON.parse(fs.readFileSync(t.idFile, 'utf8'))).toEqual({ id: first })
    t.analytics.record('feature_used', { feature: 'compare' })
    t.set({ consent: 'denied' })
    expect(t.analytics.status()).toMatchObject({ installId: null, queued: 0, consent: 'denied' })
    expect(fs.existsSync(t.idFile)).toBe(false)
    expect(t.clock.pending.size).toBe(0)
    t.set({ consent: 'granted' })
    expect(t.analytics.status().installId).not.toBe(first)
    expect(t.statuses.map((status) => status.consent)).toEqual(['denied', 'granted'])
  })

  it('keeps the id across restarts while granted, and removes a stale one when not', () => {
    const t = setup({ consent: 'granted' })
    const id = t.analytics.status().installId
    const again = new Analytics({ settings: () => ({ consent: 'granted', endpoint: '' }), onSettingsChange: () => () => {}, transport: () => ({ send: async () => {} }), sentLog: new SentLog({ file: path.join(t.dir, 'x') }), idFile: t.idFile })
    expect(again.status().installId).toBe(id)
    new Analytics({ settings: () => ({ consent: 'denied', endpoint: '' }), onSettingsChange: () => () => {}, transport: () => ({ send: async () => {} }), sentLog: new SentLog({ file: path.join(t.dir, 'x') }), idFile: t.idFile })
    expect(fs.existsSync(t.idFile)).toBe(false)
    fs.writeFileSync(t.idFile, '{"id":"not-a-uuid/../../x"}')
    const replaced = new Analytics({ settings: () => ({ consent: 'granted', endpoint: '' }), onSettingsChange: () => () => {}, transport: () => ({ send: async () => {} }), sentLog: new SentLog({ file: path.join(t.dir, 'x') }), idFile: t.idFile })
    expect(replaced.status().installId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('resetId makes a new id and drops what waited under the old one; refused while off', async () => {
    const t = setup({ consent: 'granted' })
    t.analytics.record('feature_used', { feature: 'compare' })
    const reset = t.analytics.resetId()
    expect(reset).toMatchObject({ installId: '00000000-0000-4000-8000-000000000002', queued: 0 })
    t.set({ consent: 'denied' })
    expect(() => t.analytics.resetId()).toThrow(expect.objectContaining({ code: 'E_CONFIG' }))
  })

  it('clearing the endpoint drops the queue; close sends what is left and stops listening', async () => {
    const t = setup({ consent: 'granted' })
    t.analytics.record('feature_used', { feature: 'compare' })
    t.set({ endpoint: '' })
    expect(t.analytics.status().queued).toBe(0)
    t.set({ endpoint: 'http://127.0.0.1:9/other' })
    t.analytics.record('feature_used', { feature: 'cluster' })
    await t.analytics.close()
    expect(t.batches.map((sent) => sent.endpoint)).toEqual(['http://127.0.0.1:9/other'])
    expect(t.listeners.size).toBe(0)
  })

  it('an id that cannot be saved still works for this run', () => {
    const t = setup({}, { idFile: path.join(makeTempDir(), 'missing', 'dir', 'id.json') })
    t.set({ consent: 'granted' })
    expect(t.analytics.status().installId).toMatch(/^0{8}/)
  })
})

describe('HttpAnalyticsTransport', () => {
  const servers: http.Server[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
  })
  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler)
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  const batch: AnalyticsBatch = { schema: 1, app: 'ollama-desk', installId: 'id', events: [{ type: 'feature_used', at: 1, fields: { feature: 'mcp' } }] }

  it('POSTs the batch as JSON without cookies', async () => {
    const seen: { method?: string; type?: string; cookie?: string; body: string }[] = []
    const url = await serve((req, res) => {
      let body = ''
      req.on('data', (part) => (body += part))
      req.on('end', () => {
        seen.push({ method: req.method, type: req.headers['content-type'], cookie: req.headers.cookie, body })
        res.writeHead(200, { 'set-cookie': 'track=me' }).end('ok')
      })
    })
    // A generous timeout: these answers must not be given up on (the 5 s default is for a user's machine).
    const transport = new HttpAnalyticsTransport({ timeoutMs: 30_000 })
    await transport.send(`${url}/e`, batch)
    await transport.send(`${url}/e`, batch)
    expect(seen).toHaveLength(2)
    expect(seen[1]).toEqual({ method: 'POST', type: 'application/json', cookie: undefined, body: JSON.stringify(batch) })
  })

  it('rejects on an error status, a redirect, a refused connection and a timeout', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/500') res.writeHead(500).end()
      else if (req.url === '/redirect') res.writeHead(302, { location: '/500' }).end()
      // '/slow' never answers
    })
    // Only the request that is meant to time out gets a short timeout; the others must get their answer, however busy the machine.
    const transport = new HttpAnalyticsTransport({ timeoutMs: 30_000 })
    const impatient = new HttpAnalyticsTransport({ timeoutMs: 200 })
    await expect(transport.send(`${url}/500`, batch)).rejects.toThrow('the endpoint answered HTTP 500')
    await expect(transport.send(`${url}/redirect`, batch)).rejects.toThrow(/could not reach the endpoint/)
    await expect(impatient.send(`${url}/slow`, batch)).rejects.toThrow('the endpoint did not answer in time')
    const closed = await serve(() => undefined)
    await new Promise((resolve) => servers.pop()!.close(resolve))
    await expect(transport.send(`${closed}/e`, batch)).rejects.toThrow('could not reach the endpoint (ECONNREFUSED)')
  })

  it('an unreachable endpoint behind the real transport ends as failed entries, not a throw', async () => {
    const closed = await serve(() => undefined)
    await new Promise((resolve) => servers.pop()!.close(resolve))
    const t = setup({ consent: 'granted', endpoint: `${closed}/e` }, { transport: () => new HttpAnalyticsTransport({ timeoutMs: 30_000 }) })
    t.analytics.record('feature_used', { feature: 'mcp' })
    await t.analytics.flush()
    expect(await t.analytics.sent()).toEqual([expect.objectContaining({ outcome: 'failed', endpoint: `${closed}/e`, error: expect.stringContaining('could not reach') })])
  })
})
