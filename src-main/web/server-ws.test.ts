import { describe, expect, it, vi } from 'vitest'
import { errorCodes, type Result } from '../../src-shared/contract'
import { client, errorCode, server, t, useCompanion } from '../../test/support/companion'

useCompanion()

/** 16 events of 64 KiB are the 1 MiB a connection may leave unsent: the server produces at least that much, then waits for drain. */
const DRAIN_THRESHOLD_EVENTS = 16

/** Counts the streams the core runs and the events they produce (whether or not they reached the client yet). */
function countProduced() {
  const original = t.core.dispatcher.stream.bind(t.core.dispatcher)
  const produced = { events: 0, runs: [] as Promise<Result<unknown>>[] }
  vi.spyOn(t.core.dispatcher, 'stream').mockImplementation((route, input, ctx, onEvent) => {
    const done = original(route, input, ctx, (event) => {
      produced.events++
      return onEvent(event)
    })
    produced.runs.push(done)
    return done
  })
  return produced
}

describe('web companion: WebSocket sessions', () => {
  it('pushes settings.changed to every other connected client', async () => {
    const a = await client()
    const b = await client()
    const seen = new Promise((resolve) => b.api.on('settings.changed', resolve))
    const result = await a.api.call('settings.update', { appearance: { theme: 'light' } })
    expect(result.ok).toBe(true)
    expect(await seen).toMatchObject({ version: 1, appearance: { theme: 'light' } })
  })

  it('cancels a stream mid-way and ends it with E_CANCELLED', async () => {
    const { api } = await client()
    const events: number[] = []
    let cancelled = false
    const handle = api.stream('diagnostics.loopback', { count: 100_000, intervalMs: 1 }, (event) => {
      events.push(event.seq)
      if (events.length === 5 && !cancelled) {
        cancelled = true
        handle.cancel()
      }
    })
    const done = await handle.done
    expect(errorCode(done)).toBe('E_CANCELLED')
    expect(events.length).toBeGreaterThanOrEqual(5)
    expect(events.length).toBeLessThan(100_000)
    expect(events.slice(0, 5)).toEqual([0, 1, 2, 3, 4])
    // The socket is still usable afterwards.
    expect((await api.call('app.info', {})).ok).toBe(true)
  })

  it('runs a stream to its end with every event', async () => {
    const { api } = await client()
    const events: string[] = []
    const handle = api.stream('diagnostics.loopback', { count: 50, payloadBytes: 1000 }, (event) => events.push(event.payload))
    expect(await handle.done).toEqual({ ok: true, value: { sent: 50 } })
    expect(events).toHaveLength(50)
    expect(events.every((payload) => payload.length === 1000)).toBe(true)
  })

  it('closing the socket cancels its streams on the server', async () => {
    const original = t.core.dispatcher.stream.bind(t.core.dispatcher)
    const runs: { signal: AbortSignal; done: Promise<Result<unknown>> }[] = []
    vi.spyOn(t.core.dispatcher, 'stream').mockImplementation((route, input, ctx, onEvent) => {
      const done = original(route, input, ctx, onEvent)
      runs.push({ signal: ctx.signal, done })
      return done
    })
    const { ws, api } = await client()
    let events = 0
    const handle = api.stream('diagnostics.loopback', { count: 100_000, intervalMs: 1 }, () => void events++)
    await vi.waitFor(() => expect(events).toBeGreaterThan(2))
    expect(runs).toHaveLength(1)
    expect(runs[0]?.signal.aborted).toBe(false)
    ws.close()
    expect(errorCode(await handle.done)).toBe('E_NETWORK')
    await vi.waitFor(() => expect(runs[0]?.signal.aborted).toBe(true))
    expect(errorCode(await (runs[0] as { done: Promise<Result<unknown>> }).done)).toBe('E_CANCELLED')
    await vi.waitFor(() => expect(server.connections).toBe(0))
  })

  it('holds a fast stream back while the client reads slowly, losing nothing', async () => {
    const produced = countProduced()
    const { ws } = await client()
    const COUNT = 300
    const SIZE = 65_536
    let events = 0
    let intact = true
    let end: unknown
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { t: string; event?: { seq: number; payload: string }; events?: { seq: number; payload: string }[]; result?: unknown }
      for (const event of message.t === 'event' ? [message.event] : message.t === 'events' ? (message.events ?? []) : []) {
        intact &&= event?.seq === events && event.payload.length === SIZE
        events++
      }
      if (message.t === 'end') end = message.result
    })
    ws.pause()
    ws.send(JSON.stringify({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: COUNT, payloadBytes: SIZE } }))
    // ~20 MB queued against a reader that is not reading: the server must wait for drain, not buffer it
    // all. Past the drain threshold (1 MiB unsent) it holds back; the reader resumes once it got there.
    await vi.waitFor(() => expect(produced.events).toBeGreaterThanOrEqual(DRAIN_THRESHOLD_EVENTS))
    ws.resume()
    await vi.waitFor(() => expect(end).toBeDefined())
    expect(end).toEqual({ ok: true, value: { sent: COUNT } })
    expect(events).toBe(COUNT)
    expect(intact).toBe(true)
  })

  it('a slow reader that disconnects mid-stream releases the stream', async () => {
    const produced = countProduced()
    const { ws } = await client()
    ws.pause()
    ws.send(JSON.stringify({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 100_000, payloadBytes: 65_536 } }))
    // Mid-stream, and held back by the reader that does not read.
    await vi.waitFor(() => expect(produced.events).toBeGreaterThanOrEqual(DRAIN_THRESHOLD_EVENTS))
    ws.terminate()
    await vi.waitFor(() => expect(produced.runs).toHaveLength(1))
    expect(errorCode(await (produced.runs[0] as Promise<Result<unknown>>))).toBe('E_CANCELLED')
    await vi.waitFor(() => expect(server.connections).toBe(0))
  })

  it('a client that vanishes while reading a fast stream stops it at once, and others are answered meanwhile (issue 19.2)', async () => {
    const produced = countProduced()
    const { ws } = await client()
    const other = await client()
    let received = 0
    ws.on('message', () => void received++)
    ws.send(JSON.stringify({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 1_000_000, payloadBytes: 1024 } }))
    await vi.waitFor(() => expect(received).toBeGreaterThan(3))
    expect(await other.api.call('app.info', {})).toMatchObject({ ok: true })
    ws.terminate()
    await vi.waitFor(() => expect(produced.runs).toHaveLength(1))
    expect(errorCode(await (produced.runs[0] as Promise<Result<unknown>>))).toBe('E_CANCELLED')
    expect(produced.events).toBeLessThan(1_000_000)
    await vi.waitFor(() => expect(server.connections).toBe(1))
  })

  it('answers binary frames and junk with typed rejections, and keeps the socket open', async () => {
    const { ws, api } = await client()
    const messages: { t: string; error?: { code: string } }[] = []
    ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())))
    ws.send(Buffer.from([1, 2, 3]), { binary: true })
    ws.send('not json')
    await vi.waitFor(() => expect(messages).toHaveLength(2))
    for (const message of messages) {
      expect(message.t).toBe('rejected')
      expect(errorCodes).toContain(message.error?.code)
    }
    expect((await api.call('app.info', {})).ok).toBe(true)
  })

  it('close() terminates open sockets and stops pushing', async () => {
    const { ws } = await client()
    const closed = new Promise((resolve) => ws.once('close', resolve))
    await server.close()
    await closed
    expect(server.connections).toBe(0)
    t.core.settings.update({ appearance: { theme: 'dark' } })
    // afterEach closes again: close() must tolerate that.
  })
})
