import { afterEach, describe, expect, it, vi } from 'vitest'
import { ServerMessageSchema, errorCodes, type ServerMessage } from '../../../src-shared/contract'
import { createTestCore } from '../../../test/support/core'
import { removeTempDirs } from '../../../test/support/tmp'
import type { Core } from '../app'
import { AppError } from '../errors'
import { createLogger } from '../log'
import { createConnection, createDispatcher, type RequestContext, type RouteHandlers, type StreamHandlers } from '.'

const cores: Core[] = []
afterEach(() => {
  cores.splice(0).forEach((core) => core.close())
  removeTempDirs()
})

const ctx = (): RequestContext => ({ signal: new AbortController().signal, clientId: 'test' })

function testCore() {
  const made = createTestCore()
  cores.push(made.core)
  return made
}

/** A dispatcher whose handlers misbehave on purpose. */
function brokenDispatcher() {
  const lines: string[] = []
  const logger = createLogger({ sink: { write: (line) => void lines.push(line) } })
  const handlers = {
    'app.info': () => ({ not: 'an app info' }),
    'settings.get': () => {
      throw new TypeError('kaboom at /secret/path')
    },
    'settings.update': () => {
      throw new AppError('E_CONFIG', 'read-only settings')
    },
    'settings.reset': async (_input: unknown, { signal }: RequestContext) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' })
      return {}
    },
  } as unknown as RouteHandlers
  const streams = {
    async *'diagnostics.loopback'(input: { count: number }) {
      if (input.count === 1) {
        yield { seq: 'not a number' }
      }
      if (input.count === 2) throw new TypeError('stream broke')
      // Never yields: waits forever (until cancelled via the race).
      await new Promise(() => undefined)
      return { sent: 0 }
    },
  } as unknown as StreamHandlers
  return { dispatcher: createDispatcher(handlers, streams, logger.log), lines }
}

describe('dispatcher', () => {
  it('answers a real route with a checked value', async () => {
    const { core } = testCore()
    const result = await core.dispatcher.call('app.info', {}, ctx())
    expect(result).toMatchObject({ ok: true, value: { name: 'Ollama Desk', version: '9.9.9-test', mode: 'web' } })
  })

  it('turns unknown routes and bad input into typed errors', async () => {
    const { core } = testCore()
    expect(await core.dispatcher.call('no.such', {}, ctx())).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_ROUTE' } })
    expect(await core.dispatcher.call('toString', {}, ctx())).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_ROUTE' } })
    const bad = await core.dispatcher.call('settings.update', { appearance: { accent: 'nope' } }, ctx())
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', issues: [{ path: 'appearance.accent' }] } })
  })

  it('reports an invalid handler reply as E_INTERNAL, and hides thrown non-AppErrors', async () => {
    const { dispatcher, lines } = brokenDispatcher()
    const invalid = await dispatcher.call('app.info', {}, ctx())
    expect(invalid).toMatchObject({ ok: false, error: { code: 'E_INTERNAL', message: 'The app produced an invalid reply to "app.info".' } })
    const thrown = await dispatcher.call('settings.get', {}, ctx())
    expect(thrown).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } })
    expect(JSON.stringify(thrown)).not.toContain('/secret/path')
    expect(lines.some((line) => line.includes('kaboom'))).toBe(true)
    const own = await dispatcher.call('settings.update', {}, ctx())
    expect(own).toEqual({ ok: false, error: { code: 'E_CONFIG', message: 'read-only settings', retryable: false } })
    // Expected, typed failures are not logged as errors.
    expect(lines.some((line) => line.includes('read-only'))).toBe(false)
  })

  it('maps an AbortError from a handler to E_CANCELLED', async () => {
    const { dispatcher } = brokenDispatcher()
    const controller = new AbortController()
    const pending = dispatcher.call('settings.reset', {}, { signal: controller.signal, clientId: 't' })
    controller.abort()
    expect(await pending).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } })
  })

  it('streams events then the result', async () => {
    const { core } = testCore()
    const events: unknown[] = []
    const result = await core.dispatcher.stream('diagnostics.loopback', { count: 3, payloadBytes: 2 }, ctx(), (event) => void events.push(event))
    expect(result).toEqual({ ok: true, value: { sent: 3 } })
    expect(events).toEqual([0, 1, 2].map((seq) => ({ seq, payload: 'xx' })))
  })

  it('stream failures: unknown, bad input, bad event, thrown, pre-aborted and cancelled mid-await', async () => {
    const { core } = testCore()
    const onEvent = vi.fn()
    expect(await core.dispatcher.stream('app.info', {}, ctx(), onEvent)).toMatchObject({ error: { code: 'E_UNKNOWN_ROUTE' } })
    expect(await core.dispatcher.stream('diagnostics.loopback', { count: 'x' }, ctx(), onEvent)).toMatchObject({ error: { code: 'E_VALIDATION' } })
    const { dispatcher } = brokenDispatcher()
    expect(await dispatcher.stream('diagnostics.loopback', { count: 1 }, ctx(), onEvent)).toMatchObject({ error: { code: 'E_INTERNAL' } })
    expect(await dispatcher.stream('diagnostics.loopback', { count: 2 }, ctx(), onEvent)).toMatchObject({ error: { code: 'E_INTERNAL' } })
    const aborted = new AbortController()
    aborted.abort()
    expect(await core.dispatcher.stream('diagnostics.loopback', { count: 5 }, { signal: aborted.signal, clientId: 't' }, onEvent)).toMatchObject({
      error: { code: 'E_CANCELLED' },
    })
    const controller = new AbortController()
    const hanging = dispatcher.stream('diagnostics.loopback', { count: 0 }, { signal: controller.signal, clientId: 't' }, onEvent)
    setTimeout(() => controller.abort(), 10)
    expect(await hanging).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } })
    expect(onEvent).not.toHaveBeenCalled()
  })
})

/** A connection over the real core that records every message it sends. */
function connect(options: Partial<Parameters<typeof createConnection>[2]> = {}, core = testCore().core) {
  const messages: ServerMessage[] = []
  const connection = createConnection(
    core.dispatcher,
    (text) => void messages.push(ServerMessageSchema.parse(JSON.parse(text))),
    { clientId: 'c1', ...options },
  )
  const waitFor = async (predicate: (message: ServerMessage) => boolean): Promise<ServerMessage> => {
    await vi.waitFor(() => expect(messages.some(predicate)).toBe(true), { interval: 2 })
    return messages.find(predicate) as ServerMessage
  }
  const resultFor = (id: number) => waitFor((message) => (message.t === 'result' || message.t === 'end') && message.id === id)
  return { connection, messages, waitFor, resultFor, core }
}

const errorOf = (message: ServerMessage) => {
  if (message.t === 'rejected') return message.error
  if ((message.t === 'result' || message.t === 'end') && !message.result.ok) return message.result.error
  throw new Error(`not an error: ${JSON.stringify(message)}`)
}

/** Stream events in order, whether they came one per frame or batched. */
function eventsIn(messages: ServerMessage[]): unknown[] {
  return messages.flatMap((m) => (m.t === 'event' ? [m.event] : m.t === 'events' ? m.events : []))
}

describe('connection', () => {
  it('answers calls and runs streams to their end', async () => {
    const { connection, resultFor, messages } = connect()
    connection.receive(JSON.stringify({ t: 'call', id: 1, route: 'settings.get', input: {} }))
    expect(await resultFor(1)).toMatchObject({ t: 'result', result: { ok: true, value: { version: 1 } } })
    connection.receive(JSON.stringify({ t: 'stream', id: 2, route: 'diagnostics.loopback', input: { count: 2 } }))
    expect(await resultFor(2)).toEqual({ t: 'end', id: 2, result: { ok: true, value: { sent: 2 } } })
    expect(eventsIn(messages)).toHaveLength(2)
    expect(connection.openRequests).toBe(0)
  })

  it.each([
    ['a non-string', 42],
    ['a buffer', Buffer.from('{}')],
    ['invalid JSON', '{"t":'],
    ['a wrong envelope without id', '{"t":"call"}'],
    ['a negative id', '{"t":"call","id":-1,"route":"app.info","input":{}}'],
    ['JSON null', 'null'],
  ])('rejects %s without an id', async (_name, input) => {
    const { connection, messages } = connect()
    connection.receive(input)
    expect(messages).toHaveLength(1)
    expect(messages[0]?.t).toBe('rejected')
    expect(errorOf(messages[0] as ServerMessage).code).toBe('E_VALIDATION')
  })

  it('answers a malformed envelope that carries a usable id with a result for that id', () => {
    const { connection, messages } = connect()
    connection.receive(JSON.stringify({ t: 'call', id: 7, route: 5 }))
    expect(messages[0]).toMatchObject({ t: 'result', id: 7, result: { ok: false, error: { code: 'E_VALIDATION' } } })
    expect(errorOf(messages[0] as ServerMessage).issues?.length).toBeGreaterThan(0)
  })

  it('answers oversize messages with E_PAYLOAD_TOO_LARGE, by id when it leads the text', () => {
    const { connection, messages } = connect({ maxMessageChars: 100 })
    connection.receive(`{"t":"call","id":12,"route":"app.info","input":{"pad":"${'x'.repeat(200)}"}}`)
    connection.receive(`{"input":{"pad":"${'x'.repeat(200)}"},"t":"call","id":13}`)
    expect(messages[0]).toMatchObject({ t: 'result', id: 12, result: { ok: false, error: { code: 'E_PAYLOAD_TOO_LARGE' } } })
    expect(messages[1]).toMatchObject({ t: 'rejected', error: { code: 'E_PAYLOAD_TOO_LARGE' } })
  })

  it('refuses a second request with an id still in use, and a malformed one reusing it goes unattributed', async () => {
    const { connection, messages } = connect()
    connection.receive(JSON.stringify({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 1000, intervalMs: 5 } }))
    connection.receive(JSON.stringify({ t: 'call', id: 1, route: 'app.info', input: {} }))
    expect(messages.find((m) => m.t === 'result' && m.id === 1)).toMatchObject({ result: { error: { code: 'E_VALIDATION', message: 'Request id 1 is already in use.' } } })
    connection.receive(JSON.stringify({ t: 'call', id: 1 }))
    expect(messages.at(-1)?.t).toBe('rejected')
    connection.receive(JSON.stringify({ t: 'cancel', id: 1 }))
    await vi.waitFor(() => expect(messages.some((m) => m.t === 'end' && m.id === 1)).toBe(true))
    const end = messages.find((m) => m.t === 'end' && m.id === 1) as ServerMessage
    expect(errorOf(end).code).toBe('E_CANCELLED')
  })

  it('ignores cancel for ids it does not know', () => {
    const { connection, messages } = connect()
    connection.receive(JSON.stringify({ t: 'cancel', id: 99 }))
    expect(messages).toEqual([])
  })

  it('limits how many streams one client may hold open', async () => {
    const { connection, messages } = connect({ maxOpenStreams: 2 })
    for (const id of [1, 2, 3]) {
      connection.receive(JSON.stringify({ t: 'stream', id, route: 'diagnostics.loopback', input: { count: 100, intervalMs: 50 } }))
    }
    expect(messages).toEqual([
      { t: 'result', id: 3, result: { ok: false, error: { code: 'E_VALIDATION', message: 'Too many open streams (limit 2).', retryable: false } } },
    ])
    expect(connection.openRequests).toBe(2)
    connection.close()
    expect(connection.openRequests).toBe(0)
  })

  it('refuses requests past the in-flight limit with a typed, retryable error, and takes them again once answers go out (issue 19.3)', async () => {
    const { core } = testCore()
    const gates: (() => void)[] = []
    vi.spyOn(core.dispatcher, 'call').mockImplementation(
      () => new Promise((resolve) => gates.push(() => resolve({ ok: true, value: {} }))),
    )
    const { connection, messages, resultFor } = connect({ maxInFlight: 3 }, core)
    for (const id of [1, 2, 3, 4, 5]) connection.receive(JSON.stringify({ t: 'call', id, route: 'app.info', input: {} }))
    expect(connection.openRequests).toBe(3)
    expect(messages).toEqual([4, 5].map((id) => ({
      t: 'result',
      id,
      result: { ok: false, error: { code: 'E_RATE_LIMITED', message: 'Too many requests waiting for an answer on this connection (limit 3).', hint: 'Wait for answers before sending more.', retryable: true } },
    })))
    gates.shift()!()
    await resultFor(1)
    connection.receive(JSON.stringify({ t: 'call', id: 6, route: 'app.info', input: {} }))
    expect(connection.openRequests).toBe(3)
    for (const open of gates.splice(0)) open()
    await resultFor(6)
  })

  it('refuses new requests while the client leaves too many answers unread', () => {
    let backlog = 0
    const { connection, messages } = connect({ backlog: () => backlog, maxBacklogBytes: 1000 })
    backlog = 5 * 1024 * 1024
    connection.receive(JSON.stringify({ t: 'call', id: 1, route: 'app.info', input: {} }))
    expect(messages).toEqual([{ t: 'result', id: 1, result: { ok: false, error: expect.objectContaining({ code: 'E_RATE_LIMITED', message: '5 MB of answers are waiting to be read on this connection.' }) } }])
    expect(connection.openRequests).toBe(0)
  })

  it('a stream whose events are all ready at once still lets another client in (issue 19.2)', async () => {
    const { core } = testCore()
    const hog = connect({}, core)
    const hogEnded = (): boolean => hog.messages.some((message) => message.t === 'end')
    let answeredWhileStreaming: boolean | undefined
    const other = createConnection(core.dispatcher, (text) => {
      if ((JSON.parse(text) as ServerMessage).t === 'result') answeredWhileStreaming = !hogEnded()
    }, { clientId: 'c2' })
    hog.connection.receive(JSON.stringify({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 100_000, payloadBytes: 16 } }))
    // The other client's request arrives as I/O does: in a later turn of the event loop.
    setImmediate(() => other.receive(JSON.stringify({ t: 'call', id: 7, route: 'app.info', input: {} })))
    await vi.waitFor(() => expect(answeredWhileStreaming).toBeDefined())
    hog.connection.close()
    expect(answeredWhileStreaming).toBe(true)
  })

  it('close cancels running streams and silences the connection', async () => {
    const { core } = testCore()
    const seen: AbortSignal[] = []
    const spy = vi.spyOn(core.dispatcher, 'stream').mockImplementation(async (_route, _input, context) => {
      seen.push(context.signal)
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve))
      return { ok: false, error: { code: 'E_CANCELLED', message: 'Cancelled.', retryable: false } }
    })
    const { connection, messages } = connect({}, core)
    connection.receive(JSON.stringify({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 1 } }))
    expect(seen[0]?.aborted).toBe(false)
    connection.close()
    connection.close()
    expect(seen[0]?.aborted).toBe(true)
    connection.receive(JSON.stringify({ t: 'call', id: 2, route: 'app.info', input: {} }))
    connection.push('app.notice', { level: 'info', message: 'hi' })
    // Only a check that nothing is sent: a slow machine can make it pass early, never fail.
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(messages).toEqual([])
    spy.mockRestore()
  })

  it('pushes validated events', () => {
    const { connection, messages } = connect()
    connection.push('app.notice', { level: 'warning', message: 'careful', hint: 'really' })
    expect(messages).toEqual([{ t: 'push', name: 'app.notice', payload: { level: 'warning', message: 'careful', hint: 'really' } }])
    expect(() => connection.push('app.notice', { level: 'loud' } as never)).toThrow()
  })

  it('survives a transport whose send throws', async () => {
    const { core } = testCore()
    const connection = createConnection(core.dispatcher, () => {
      throw new Error('socket gone')
    }, { clientId: 'x' })
    expect(() => connection.receive('junk')).not.toThrow()
    connection.receive(JSON.stringify({ t: 'call', id: 1, route: 'app.info', input: {} }))
    await vi.waitFor(() => expect(connection.openRequests).toBe(0))
  })

  it('sends events of the same tick as one frame, in order, and cuts frames by size', async () => {
    const { connection, messages, resultFor } = connect()
    connection.receive(JSON.stringify({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 200 } }))
    await resultFor(1)
    expect(eventsIn(messages).map((e) => (e as { seq: number }).seq)).toEqual(Array.from({ length: 200 }, (_, i) => i))
    expect(messages.filter((m) => m.t === 'event' || m.t === 'events').length).toBeLessThan(20)
    const big = connect()
    big.connection.receive(JSON.stringify({ t: 'stream', id: 2, route: 'diagnostics.loopback', input: { count: 6, payloadBytes: 40_000 } }))
    await big.resultFor(2)
    const frames = big.messages.filter((m) => m.t === 'event' || m.t === 'events')
    expect(eventsIn(big.messages)).toHaveLength(6)
    for (const frame of frames) expect(JSON.stringify(frame).length).toBeLessThan(2 * 40_000 + 1000)
  })

  it('waits for drain between stream events', async () => {
    let release: () => void = () => undefined
    let drains = 0
    const drain = vi.fn(() => {
      drains++
      return drains === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined
    })
    const { connection, messages, resultFor } = connect({ drain })
    connection.receive(JSON.stringify({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 3 } }))
    await vi.waitFor(() => expect(drain).toHaveBeenCalledTimes(1))
    // Nothing more goes out until the drain: a slow machine can make this pass early, never fail.
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(eventsIn(messages)).toHaveLength(1)
    release()
    await resultFor(1)
    expect(eventsIn(messages)).toHaveLength(3)
  })

  it('every error it produces uses a contract error code', async () => {
    const { connection, messages } = connect({ maxMessageChars: 64 })
    for (const input of [1, 'x', '[]', '{"t":"stream","id":1,"route":"nope","input":1}', 'y'.repeat(100)]) connection.receive(input)
    await vi.waitFor(() => expect(messages).toHaveLength(5))
    for (const message of messages) expect(errorCodes).toContain(errorOf(message).code)
  })
})
