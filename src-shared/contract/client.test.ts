import { describe, expect, it, vi } from 'vitest'
import { createRpcClient, type MessagePort } from './client'
import type { ClientMessage, ServerMessage } from './wire'

/** A MessagePort the test drives by hand: it sees what the client sends and answers for the server. */
function fakePort(options: { withClose?: boolean; sendThrows?: boolean } = {}) {
  const sent: ClientMessage[] = []
  const messageListeners = new Set<(text: string) => void>()
  const closeListeners = new Set<() => void>()
  const port: MessagePort = {
    send(text) {
      if (options.sendThrows) throw new Error('pipe broken')
      sent.push(JSON.parse(text) as ClientMessage)
    },
    onMessage(listener) {
      messageListeners.add(listener)
      return () => messageListeners.delete(listener)
    },
    ...(options.withClose === false
      ? {}
      : {
          onClose(listener: () => void) {
            closeListeners.add(listener)
            return () => closeListeners.delete(listener)
          },
        }),
  }
  return {
    port,
    sent,
    deliver: (message: ServerMessage | string) =>
      messageListeners.forEach((listener) => listener(typeof message === 'string' ? message : JSON.stringify(message))),
    close: () => closeListeners.forEach((listener) => listener()),
  }
}

const info = {
  name: 'Ollama Desk',
  version: '1.0.0',
  mode: 'web' as const,
  platform: 'linux',
  arch: 'x64',
  versions: { node: '24.0.0' },
  dataDir: '/tmp/x',
}

describe('createRpcClient', () => {
  it('sends a call envelope and resolves with the matching result', async () => {
    const { port, sent, deliver } = fakePort()
    const client = createRpcClient(port)
    const first = client.call('app.info', {})
    const second = client.call('settings.get', {})
    expect(sent).toEqual([
      { t: 'call', id: 1, route: 'app.info', input: {} },
      { t: 'call', id: 2, route: 'settings.get', input: {} },
    ])
    // Answer out of order: results are matched by id, not by arrival.
    deliver({ t: 'result', id: 2, result: { ok: false, error: { code: 'E_CONFIG', message: 'bad', retryable: false } } })
    deliver({ t: 'result', id: 1, result: { ok: true, value: info } })
    await expect(first).resolves.toEqual({ ok: true, value: info })
    await expect(second).resolves.toEqual({ ok: false, error: { code: 'E_CONFIG', message: 'bad', retryable: false } })
  })

  it('ignores junk, unknown ids, rejected notices and non-object JSON from the server', async () => {
    const { port, deliver } = fakePort()
    const client = createRpcClient(port)
    const pending = client.call('app.info', {})
    for (const junk of ['not json', 'null', '42', '"text"', '[]', '{}']) expect(() => deliver(junk)).not.toThrow()
    deliver({ t: 'result', id: 99, result: { ok: true, value: 1 } })
    deliver({ t: 'event', id: 99, event: {} })
    deliver({ t: 'rejected', error: { code: 'E_VALIDATION', message: 'x', retryable: false } })
    deliver({ t: 'result', id: 1, result: { ok: true, value: info } })
    await expect(pending).resolves.toEqual({ ok: true, value: info })
  })

  it('settles a call only once even when the server repeats a result', async () => {
    const { port, deliver } = fakePort()
    const client = createRpcClient(port)
    const pending = client.call('app.info', {})
    deliver({ t: 'result', id: 1, result: { ok: true, value: 'first' } })
    deliver({ t: 'result', id: 1, result: { ok: true, value: 'second' } })
    await expect(pending).resolves.toEqual({ ok: true, value: 'first' })
  })

  it('delivers stream events in order and ends with the result', async () => {
    const { port, sent, deliver } = fakePort()
    const client = createRpcClient(port)
    const events: unknown[] = []
    const handle = client.stream('diagnostics.loopback', { count: 2 }, (event) => events.push(event))
    expect(handle.id).toBe(1)
    expect(sent[0]).toEqual({ t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 2 } })
    deliver({ t: 'event', id: 1, event: { seq: 0, payload: '' } })
    deliver({ t: 'event', id: 1, event: { seq: 1, payload: '' } })
    deliver({ t: 'end', id: 1, result: { ok: true, value: { sent: 2 } } })
    await expect(handle.done).resolves.toEqual({ ok: true, value: { sent: 2 } })
    expect(events).toEqual([
      { seq: 0, payload: '' },
      { seq: 1, payload: '' },
    ])
    // Events after the end are dropped, and cancelling a finished stream sends nothing.
    deliver({ t: 'event', id: 1, event: { seq: 2, payload: '' } })
    handle.cancel()
    expect(events).toHaveLength(2)
    expect(sent).toHaveLength(1)
  })

  it('sends a cancel message for a running stream', async () => {
    const { port, sent, deliver } = fakePort()
    const client = createRpcClient(port)
    const handle = client.stream('diagnostics.loopback', { count: 100 }, () => undefined)
    handle.cancel()
    expect(sent[1]).toEqual({ t: 'cancel', id: 1 })
    deliver({ t: 'end', id: 1, result: { ok: false, error: { code: 'E_CANCELLED', message: 'Cancelled.', retryable: false } } })
    const done = await handle.done
    expect(done.ok).toBe(false)
    if (!done.ok) expect(done.error.code).toBe('E_CANCELLED')
  })

  it('fans push events out to every listener of that name until they unsubscribe', () => {
    const { port, deliver } = fakePort()
    const client = createRpcClient(port)
    const a = vi.fn()
    const b = vi.fn()
    const notice = vi.fn()
    const offA = client.on('settings.changed', a)
    client.on('settings.changed', b)
    client.on('app.notice', notice)
    deliver({ t: 'push', name: 'settings.changed', payload: { version: 1 } })
    expect(a).toHaveBeenCalledWith({ version: 1 })
    expect(b).toHaveBeenCalledTimes(1)
    expect(notice).not.toHaveBeenCalled()
    offA()
    deliver({ t: 'push', name: 'settings.changed', payload: { version: 1 } })
    expect(a).toHaveBeenCalledTimes(1)
    expect(b).toHaveBeenCalledTimes(2)
    // A push nobody listens to is harmless.
    expect(() => deliver({ t: 'push', name: 'nobody.listens', payload: null })).not.toThrow()
  })

  it('fails every pending request with a retryable E_NETWORK when the port closes', async () => {
    const { port, close } = fakePort()
    const client = createRpcClient(port)
    const call = client.call('app.info', {})
    const stream = client.stream('diagnostics.loopback', { count: 5 }, () => undefined)
    close()
    for (const result of [await call, await stream.done]) {
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.error.code).toBe('E_NETWORK')
        expect(result.error.retryable).toBe(true)
        expect(result.error.hint).toBeTruthy()
      }
    }
  })

  it('works over a port without onClose', async () => {
    const { port, deliver } = fakePort({ withClose: false })
    const client = createRpcClient(port)
    const call = client.call('app.info', {})
    deliver({ t: 'result', id: 1, result: { ok: true, value: info } })
    await expect(call).resolves.toMatchObject({ ok: true })
  })

  it('settles with E_NETWORK instead of throwing when send throws', async () => {
    const { port } = fakePort({ sendThrows: true })
    const client = createRpcClient(port)
    const result = await client.call('app.info', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'E_NETWORK', retryable: true } })
    const stream = client.stream('diagnostics.loopback', { count: 1 }, () => undefined)
    expect(await stream.done).toMatchObject({ ok: false, error: { code: 'E_NETWORK' } })
  })
})
