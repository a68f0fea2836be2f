import fs from 'node:fs'
import path from 'node:path'
import type { IpcMain, IpcMainEvent, WebContents } from 'electron'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import {
  ClientMessageSchema,
  ErrorShapeSchema,
  MAX_MESSAGE_CHARS,
  ServerMessageSchema,
  errorCodes,
  isRouteName,
  isStreamName,
  routeNames,
  routes,
  streamNames,
  streams,
  type ServerMessage,
} from '../../src-shared/contract'
import { createTestCore, type TestCore } from '../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { openWs } from '../../test/support/web'
import { createConnection } from '../core/rpc'
import { RPC_CHANNEL, wireIpc } from '../electron/ipc'
import { newToken } from './auth'
import { startWebServer, type WebServer } from './server'
import { scaled } from '../../test/support/reliability'

/**
 * Malformed traffic of every kind, over a real WebSocket, straight into createConnection, and
 * through the Electron IPC wiring. Every message carrying a usable id must get a typed error
 * for that id; anything else gets a `rejected` notice (or nothing); the server keeps serving.
 */

const RUNS = scaled(110)
const PER_RUN = 10 // 1,100 messages per transport in npm test

/** What a generated message is, before a fresh unique id is put in. */
type Draft = ({ kind: 'text'; build: (id: number) => string } | { kind: 'binary'; bytes: Uint8Array } | { kind: 'value'; value: unknown }) & { tag?: string }
const tagged = (tag: string, arbitrary: fc.Arbitrary<Draft>) => arbitrary.map((draft): Draft => ({ ...draft, tag }))
/** How many of each kind were sent, so the test proves it covered them all. */
const tally = new Map<string, number>()

const text = (build: (id: number) => string): Draft => ({ kind: 'text', build })
const ID = '__ID__'
const withId = (doc: Record<string, unknown>) => (id: number) => JSON.stringify(doc).replace(`"${ID}"`, String(id))

const randomText = fc.string({ unit: 'binary', maxLength: 300 }).map((s) => text(() => s))
const randomJson = fc.jsonValue({ maxDepth: 3 }).map((value) => text(() => JSON.stringify(value) ?? 'null'))

const wrongEnvelope = fc
  .record(
    {
      t: fc.oneof(fc.constantFrom('call', 'stream', 'cancel', 'push', 'result'), fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)),
      id: fc.oneof(fc.constant(ID), fc.constantFrom(-1, 1.5, '7', null, 2 ** 60, true, [], {})),
      route: fc.oneof(fc.constantFrom(...routeNames, ...streamNames), fc.constantFrom('', 'r'.repeat(129), 5, null, {})),
      input: fc.jsonValue({ maxDepth: 2 }),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  )
  // Keep only envelopes the protocol refuses, whatever id ends up in them.
  .filter((doc) => !ClientMessageSchema.safeParse({ ...doc, id: doc.id === ID ? 0 : doc.id }).success)
  .map((doc) => text(withId(doc)))

const unknownRoute = fc
  .record({
    t: fc.constantFrom('call', 'stream'),
    route: fc.oneof(fc.string({ minLength: 1, maxLength: 128 }), fc.constantFrom('__proto__', 'toString', 'constructor', 'app.info.x', ...routeNames, ...streamNames)),
    input: fc.jsonValue({ maxDepth: 2 }),
  })
  .filter(({ t, route }) => (t === 'call' ? !isRouteName(route) : !isStreamName(route)))
  .map(({ t, route, input }) => text(withId({ t, id: ID, route, input })))

const badValue = fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }))
const badInput = fc.oneof(
  fc
    .record({
      route: fc.constantFrom(...routeNames),
      input: fc.oneof(
        badValue,
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 }),
        fc.record({ appearance: fc.record({ accent: fc.string({ maxLength: 10 }), theme: fc.string({ maxLength: 6 }) }) }),
        fc.record({ url: fc.string({ maxLength: 40 }) }),
        fc.record({ host: fc.oneof(fc.constant(''), fc.integer(), fc.constant('h'.repeat(513))) }),
      ),
    })
    .filter(({ route, input }) => !routes[route].input.safeParse(input).success)
    .map(({ route, input }) => text(withId({ t: 'call', id: ID, route, input }))),
  fc
    .record({
      count: fc.oneof(fc.integer({ min: -1000, max: -1 }), fc.constant(2_000_000), fc.string({ maxLength: 5 }), fc.double()),
      payloadBytes: fc.oneof(fc.integer({ min: 65_537 }), fc.constant(-1), fc.constant('x')),
      surplus: fc.jsonValue({ maxDepth: 1 }),
    }, { requiredKeys: [] })
    .filter((input) => !streams['diagnostics.loopback'].input.safeParse(input).success)
    .map((input) => text(withId({ t: 'stream', id: ID, route: 'diagnostics.loopback', input }))),
)

const oversizeBuilders = [
  (id: number) => `{"t":"call","id":${id},"route":"app.info","input":{"pad":"${'x'.repeat(MAX_MESSAGE_CHARS)}"}}`,
  (id: number) => `{"t":"stream","id":${id},"route":"diagnostics.loopback","input":{"pad":"${'z'.repeat(MAX_MESSAGE_CHARS)}"}}`,
  () => `"${'y'.repeat(MAX_MESSAGE_CHARS + 1)}"`,
  () => `{"pad":"${'w'.repeat(MAX_MESSAGE_CHARS)}","t":"call","id":1}`,
]
const oversize = fc.constantFrom(...oversizeBuilders).map((build) => text(build))
/** Every oversize shape is sent at least once, whatever the random draw. */
const allOversize = (): Draft[] => oversizeBuilders.map((build) => ({ kind: 'text', build, tag: 'oversize' }))

const binary = fc.uint8Array({ maxLength: 256 }).map((bytes): Draft => ({ kind: 'binary', bytes }))
const nonString = fc.anything().filter((value) => typeof value !== 'string').map((value): Draft => ({ kind: 'value', value }))

const common = [
  { weight: 3, arbitrary: tagged('random text', randomText) },
  { weight: 3, arbitrary: tagged('random JSON', randomJson) },
  { weight: 4, arbitrary: tagged('wrong envelope', wrongEnvelope) },
  { weight: 3, arbitrary: tagged('unknown route', unknownRoute) },
  { weight: 4, arbitrary: tagged('bad input', badInput) },
]
const malformed = (extraTag: string, extra: fc.Arbitrary<Draft>) =>
  fc.oneof(
    { weight: 120, arbitrary: fc.oneof(...common, { weight: 2, arbitrary: tagged(extraTag, extra) }) },
    { weight: 1, arbitrary: tagged('oversize', oversize) },
  )

/** What the protocol promises for one payload: an error for this id, a rejection, or silence. */
function promise(payload: unknown): { id: number } | 'rejected' | 'silent' {
  if (typeof payload !== 'string') return 'rejected'
  if (payload.length > MAX_MESSAGE_CHARS) {
    const match = /^\{"t":"(?:call|stream)","id":(\d{1,15})[,}]/.exec(payload.slice(0, 64))
    return match ? { id: Number(match[1]) } : 'rejected'
  }
  let raw: unknown
  try {
    raw = JSON.parse(payload)
  } catch {
    return 'rejected'
  }
  const parsed = ClientMessageSchema.safeParse(raw)
  if (parsed.success) return parsed.data.t === 'cancel' ? 'silent' : { id: parsed.data.id }
  const id = (raw as { id?: unknown } | null)?.id
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? { id } : 'rejected'
}

/** Drives one transport: send, then collect until the sentinel app.info answers. */
interface Harness {
  send(payload: string | Uint8Array | unknown): void
  received: ServerMessage[]
}

let nextId = 2 ** 40

/** Waits (up to the shared ceiling) until the condition holds; the error names what was missing. */
async function until(condition: () => boolean, what: () => string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`timed out waiting for ${what()}`)
    },
    { interval: 1 },
  )
}

async function exercise(harness: Harness, drafts: Draft[]): Promise<void> {
  const owed = new Map<number, number>()
  let rejections = 0
  harness.received.length = 0
  for (const draft of drafts) {
    const payload = draft.kind === 'text' ? draft.build(nextId++) : draft.kind === 'binary' ? draft.bytes : draft.value
    const expected = promise(draft.kind === 'binary' ? Buffer.from(draft.bytes) : payload)
    if (expected === 'rejected') rejections++
    else if (expected !== 'silent') owed.set(expected.id, (owed.get(expected.id) ?? 0) + 1)
    harness.send(payload)
    tally.set(draft.tag ?? 'untagged', (tally.get(draft.tag ?? 'untagged') ?? 0) + 1)
  }
  const sentinel = nextId++
  harness.send(JSON.stringify({ t: 'call', id: sentinel, route: 'app.info', input: {} }))
  const answered = (id: number) => harness.received.filter((m) => (m.t === 'result' || m.t === 'end') && m.id === id).length
  const report = () => `answers; owed ${JSON.stringify([...owed])}, got ${JSON.stringify(harness.received).slice(0, 500)}`
  await until(() => answered(sentinel) === 1, report)
  // Requests sent before the sentinel are answered by the time it is, give or take a tick.
  await until(() => [...owed].every(([id, count]) => answered(id) >= count), report)
  let seenRejections = 0
  for (const message of harness.received) {
    if (message.t === 'rejected') {
      seenRejections++
      expect(errorCodes).toContain(message.error.code)
      continue
    }
    expect(message.t === 'result' || message.t === 'end', JSON.stringify(message).slice(0, 300)).toBe(true)
    if (message.t !== 'result' && message.t !== 'end') continue
    if (message.id === sentinel) {
      expect(message.result).toMatchObject({ ok: true, value: { name: 'Ollama Desk' } })
      continue
    }
    expect(owed.has(message.id), `unexpected answer ${JSON.stringify(message).slice(0, 300)}`).toBe(true)
    expect(message.result.ok).toBe(false)
    if (!message.result.ok) {
      expect(ErrorShapeSchema.parse(message.result.error)).toEqual(message.result.error)
      expect(errorCodes).toContain(message.result.error.code)
    }
  }
  for (const [id, count] of owed) expect(answered(id), `answers for id ${id}`).toBe(count)
  expect(seenRejections).toBe(rejections)
}

/** At least 1,000 messages went through, and every kind of malformation was among them. */
function expectCoverage(tags: string[]): void {
  const total = [...tally.values()].reduce((sum, n) => sum + n, 0)
  expect(total).toBeGreaterThanOrEqual(1000)
  for (const tag of tags) expect(tally.get(tag) ?? 0, `${tag} messages sent`).toBeGreaterThan(0)
  expect([...tally.keys()].sort()).toEqual([...tags].sort())
}

const parse = (text: string) => ServerMessageSchema.parse(JSON.parse(text))

let t: TestCore
beforeAll(() => {
  t = createTestCore()
})
afterAll(() => {
  t.core.close()
  removeTempDirs()
})

describe('protocol robustness (property-based)', () => {
  describe('over a real WebSocket', () => {
    let server: WebServer
    const token = newToken()
    const url = () => `ws://127.0.0.1:${server.port}/api/ws`
    const sockets: WebSocket[] = []

    beforeAll(async () => {
      const staticDir = makeTempDir()
      fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>')
      server = await startWebServer({ core: t.core, token, staticDir, port: 0 })
    })
    afterAll(async () => {
      sockets.forEach((ws) => ws.terminate())
      await server.close()
    })

    async function socket(): Promise<Harness & { ws: WebSocket }> {
      const { ws } = await openWs(url(), { headers: { authorization: `Bearer ${token}` } })
      if (!ws) throw new Error('could not connect')
      sockets.push(ws)
      const received: ServerMessage[] = []
      ws.on('message', (data: Buffer) => received.push(parse(data.toString())))
      return {
        ws,
        received,
        send: (payload) =>
          payload instanceof Uint8Array ? ws.send(payload, { binary: true }) : ws.send(payload as string),
      }
    }

    it('answers every malformed message with a typed error or a rejection, then still serves', async () => {
      const harness = await socket()
      tally.clear()
      await exercise(harness, allOversize())
      await fc.assert(
        fc.asyncProperty(fc.array(malformed('binary frame', binary), { minLength: PER_RUN, maxLength: PER_RUN }), (drafts) => exercise(harness, drafts)),
        { numRuns: RUNS, endOnFailure: true },
      )
      expectCoverage(['random text', 'random JSON', 'wrong envelope', 'unknown route', 'bad input', 'oversize', 'binary frame'])
      expect(harness.ws.readyState).toBe(WebSocket.OPEN)
      await exercise(harness, [])
      await exercise(await socket(), [])
      expect(server.connections).toBe(2)
    }, 60_000)
  })

  it('straight into createConnection, including values that are not text', async () => {
    const received: ServerMessage[] = []
    const connection = createConnection(t.core.dispatcher, (text) => received.push(parse(text)), { clientId: 'fuzz' })
    const harness: Harness = { received, send: (payload) => connection.receive(payload) }
    tally.clear()
    await exercise(harness, allOversize())
    const bytes = binary.map((draft): Draft => ({ kind: 'value', value: Buffer.from((draft as { bytes: Uint8Array }).bytes) }))
    await fc.assert(
      fc.asyncProperty(fc.array(malformed('not text', fc.oneof(bytes, nonString)), { minLength: PER_RUN, maxLength: PER_RUN }), (drafts) =>
        exercise(harness, drafts),
      ),
      { numRuns: RUNS, endOnFailure: true },
    )
    expectCoverage(['random text', 'random JSON', 'wrong envelope', 'unknown route', 'bad input', 'oversize', 'not text'])
    await exercise(harness, [])
    connection.close()
  }, 60_000)

  it('through the Electron IPC wiring (createConnection per window)', async () => {
    const listeners: ((event: IpcMainEvent, text: unknown) => void)[] = []
    const ipcMain = {
      on: (_channel: string, listener: (event: IpcMainEvent, text: unknown) => void) => listeners.push(listener),
      removeListener: () => undefined,
    } as unknown as IpcMain
    const received: ServerMessage[] = []
    const sender = {
      id: 1,
      isDestroyed: () => false,
      send: (channel: string, text: string) => {
        expect(channel).toBe(RPC_CHANNEL)
        received.push(parse(text))
      },
      once: () => undefined,
    } as unknown as WebContents
    const unwire = wireIpc(ipcMain, t.core, { rendererDir: makeTempDir() })
    const event = { sender, senderFrame: { url: 'app://ollama-desk/index.html', parent: null } } as unknown as IpcMainEvent
    const harness: Harness = { received, send: (payload) => listeners.forEach((listener) => listener(event, payload)) }
    tally.clear()
    await exercise(harness, allOversize())
    await fc.assert(
      fc.asyncProperty(fc.array(malformed('not text', nonString), { minLength: PER_RUN, maxLength: PER_RUN }), (drafts) => exercise(harness, drafts)),
      { numRuns: RUNS, endOnFailure: true },
    )
    expectCoverage(['random text', 'random JSON', 'wrong envelope', 'unknown route', 'bad input', 'oversize', 'not text'])
    await exercise(harness, [])
    unwire()
  }, 60_000)
})
