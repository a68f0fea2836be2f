import type { ContextBridge, IpcRenderer } from 'electron'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient, StreamEvent } from '../src-shared/contract'
import { createConnection, createTestCore, type TestCore } from '../test/support/core'
import { removeTempDirs } from '../test/support/tmp'
import { API_KEY, RPC_CHANNEL, createBridgeApi, exposeApi, ipcPort } from './bridge'

type Listener = (event: unknown, text: string) => void

/**
 * An IpcRenderer whose other end is a real core connection, as in the app: what the preload
 * sends arrives in createConnection; what the connection sends comes back asynchronously.
 */
function linkedIpc(t: TestCore) {
  const listeners = new Map<string, Set<Listener>>()
  const sent: string[] = []
  const connection = createConnection(
    t.core.dispatcher,
    (text) => queueMicrotask(() => listeners.get(RPC_CHANNEL)?.forEach((listener) => listener({}, text))),
    { clientId: 'window-1' },
  )
  const off = t.core.onBroadcast((name, payload) => connection.push(name, payload))
  const ipc = {
    send: (channel: string, text: string) => {
      expect(channel).toBe(RPC_CHANNEL)
      sent.push(text)
      connection.receive(text)
    },
    on: (channel: string, listener: Listener) => {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener)
      return ipc
    },
    removeListener: (channel: string, listener: Listener) => {
      listeners.get(channel)?.delete(listener)
      return ipc
    },
  }
  return { ipc: ipc as unknown as IpcRenderer, sent, listenerCount: () => listeners.get(RPC_CHANNEL)?.size ?? 0, close: () => (off(), connection.close()) }
}

const cleanups: (() => void)[] = []
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup())
  removeTempDirs()
})

function setup() {
  const t = createTestCore()
  const link = linkedIpc(t)
  cleanups.push(() => {
    link.close()
    t.core.close()
  })
  return { t, ...link, api: createBridgeApi(link.ipc) }
}

describe('createBridgeApi', () => {
  it('makes typed calls through IPC to the core', async () => {
    const { api, sent, t } = setup()
    expect(await api.call('app.info', {})).toMatchObject({ ok: true, value: { name: 'Ollama Desk', dataDir: t.dir } })
    expect(JSON.parse(sent[0] ?? '')).toEqual({ t: 'call', id: 1, route: 'app.info', input: {} })
    const bad = await api.call('settings.update', { appearance: { accent: 'nope' } })
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
  })

  it('refuses unknown route names locally, sending nothing', async () => {
    const { api, sent } = setup()
    const loose = api as unknown as { call(route: string, input: unknown): ReturnType<ApiClient['call']>; stream: (route: string, input: unknown, onEvent: () => void) => ReturnType<ApiClient['stream']> }
    const result = await loose.call('fs.readFile', { path: '/etc/passwd' })
    expect(result).toEqual({ ok: false, error: { code: 'E_UNKNOWN_ROUTE', message: 'There is no request named "fs.readFile".', retryable: false } })
    // A stream name is not a call, and a call name is not a stream.
    expect(await loose.call('diagnostics.loopback', {})).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_ROUTE' } })
    const handle = loose.stream('app.info', {}, () => undefined)
    expect(handle.id).toBe(-1)
    expect(() => handle.cancel()).not.toThrow()
    expect(await handle.done).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_ROUTE' } })
    expect((await loose.call('x'.repeat(1000), {})).ok).toBe(false)
    expect(sent).toEqual([])
  })

  it('runs streams to the end and cancels them', async () => {
    const { api } = setup()
    const events: StreamEvent<'diagnostics.loopback'>[] = []
    const handle = api.stream('diagnostics.loopback', { count: 3, payloadBytes: 4 }, (event) => events.push(event))
    expect(await handle.done).toEqual({ ok: true, value: { sent: 3 } })
    expect(events).toEqual([0, 1, 2].map((seq) => ({ seq, payload: 'xxxx' })))
    let seen = 0
    const long = api.stream('diagnostics.loopback', { count: 100_000, intervalMs: 1 }, () => {
      if (++seen === 3) long.cancel()
    })
    expect(await long.done).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } })
  })

  it('delivers pushed events, and ignores listeners for unknown event names', async () => {
    const { api, t } = setup()
    const themes: string[] = []
    const off = api.on('settings.changed', (settings) => themes.push(settings.appearance.theme))
    const noop = (api.on as (name: string, listener: () => void) => () => unknown)('not.an.event', () => themes.push('never'))
    await api.call('settings.update', { appearance: { theme: 'dark' } })
    await vi.waitFor(() => expect(themes).toEqual(['dark']))
    off()
    expect(noop()).toBe(false)
    // A listener still subscribed hears the next change; the one that unsubscribed does not.
    const later: string[] = []
    api.on('settings.changed', (settings) => later.push(settings.appearance.theme))
    t.core.settings.update({ appearance: { theme: 'light' } })
    await vi.waitFor(() => expect(later).toEqual(['light']))
    expect(themes).toEqual(['dark'])
  })
})

describe('ipcPort', () => {
  it('sends on the RPC channel and unsubscribes cleanly', () => {
    const { ipc, listenerCount } = setup()
    const port = ipcPort(ipc)
    const before = listenerCount()
    const off = port.onMessage(() => undefined)
    expect(listenerCount()).toBe(before + 1)
    off()
    expect(listenerCount()).toBe(before)
  })
})

describe('exposeApi', () => {
  it('exposes only the typed client, under ollamaDesk', async () => {
    const { ipc } = setup()
    const exposeInMainWorld = vi.fn()
    exposeApi({ exposeInMainWorld } as unknown as ContextBridge, ipc)
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect(exposeInMainWorld.mock.calls[0]?.[0]).toBe(API_KEY)
    expect(API_KEY).toBe('ollamaDesk')
    const exposed = exposeInMainWorld.mock.calls[0]?.[1] as ApiClient
    expect(Object.keys(exposed).sort()).toEqual(['call', 'on', 'stream'])
    expect(Object.values(exposed).every((value) => typeof value === 'function')).toBe(true)
    expect(await exposed.call('app.info', {})).toMatchObject({ ok: true })
  })
})
