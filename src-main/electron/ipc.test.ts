import { EventEmitter } from 'node:events'
import path from 'node:path'
import type { IpcMain, IpcMainEvent, WebContents } from 'electron'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ServerMessageSchema, type Result, type ServerMessage } from '../../src-shared/contract'
import { createTestCore, type TestCore } from '../../test/support/core'
import { FakeWebContents } from '../../test/support/electron-fake'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { RPC_CHANNEL as PRELOAD_CHANNEL } from '../../src-preload/bridge'
import { RPC_CHANNEL, wireIpc } from './ipc'

let t: TestCore
let ipcMain: EventEmitter
let rendererDir: string
let unwire: () => void

beforeEach(() => {
  t = createTestCore()
  ipcMain = new EventEmitter()
  rendererDir = path.join(makeTempDir(), 'out', 'renderer')
  unwire = wireIpc(ipcMain as unknown as IpcMain, t.core, { rendererDir })
})
afterEach(() => {
  unwire()
  t.core.close()
  removeTempDirs()
  vi.restoreAllMocks()
})

const appUrl = () => 'app://ollama-desk/index.html'
const messagesOf = (contents: FakeWebContents): ServerMessage[] =>
  contents.sent.map(([channel, text]) => {
    expect(channel).toBe(RPC_CHANNEL)
    return ServerMessageSchema.parse(JSON.parse(text))
  })

function send(contents: FakeWebContents, message: object, frame: { url: string; parent: unknown } | null = { url: appUrl(), parent: null }) {
  const event = { sender: contents as unknown as WebContents, senderFrame: frame } as unknown as IpcMainEvent
  ipcMain.emit(RPC_CHANNEL, event, JSON.stringify(message))
}

const call = (id: number, route: string, input: object = {}) => ({ t: 'call', id, route, input })

async function reply(contents: FakeWebContents, id: number): Promise<ServerMessage> {
  await vi.waitFor(() => expect(messagesOf(contents).some((m) => 'id' in m && m.id === id && m.t !== 'event' && m.t !== 'events')).toBe(true))
  return messagesOf(contents).find((m) => 'id' in m && m.id === id && m.t !== 'event' && m.t !== 'events') as ServerMessage
}

describe('wireIpc', () => {
  it('listens on the same channel the preload sends on', () => {
    expect(RPC_CHANNEL).toBe(PRELOAD_CHANNEL)
  })

  it('answers app.info to the app’s own top-level frame', async () => {
    const contents = new FakeWebContents()
    send(contents, call(1, 'app.info'))
    expect(await reply(contents, 1)).toMatchObject({ t: 'result', id: 1, result: { ok: true, value: { name: 'Ollama Desk', dataDir: t.dir } } })
  })

  it.each([
    ['a subframe of the app', { url: 'APP', parent: {} }],
    ['a foreign page', { url: 'https://evil.example/', parent: null }],
    ['another local file', { url: 'file:///tmp/evil.html', parent: null }],
    ['no frame at all', null],
  ])('drops messages from %s, and logs it', async (_name, frame) => {
    const contents = new FakeWebContents()
    send(contents, call(1, 'app.info'), frame && { ...frame, url: frame.url === 'APP' ? appUrl() : frame.url })
    await vi.waitFor(() => expect(t.lines.some((line) => line.includes('untrusted frame dropped'))).toBe(true))
    // Only a check that no answer goes out: a slow machine can make it pass early, never fail.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(contents.sent).toEqual([])
  })

  it('broadcasts settings.changed to every window', async () => {
    const a = new FakeWebContents()
    const b = new FakeWebContents()
    send(b, call(1, 'app.info'))
    await reply(b, 1)
    send(a, call(1, 'settings.update', { appearance: { theme: 'dark' } }))
    await reply(a, 1)
    for (const contents of [a, b]) {
      expect(messagesOf(contents)).toContainEqual({ t: 'push', name: 'settings.changed', payload: expect.objectContaining({ appearance: { theme: 'dark', accent: '#4f7cff' } }) })
    }
  })

  it('closes a window’s connection, cancelling its streams, when its webContents is destroyed', async () => {
    const original = t.core.dispatcher.stream.bind(t.core.dispatcher)
    const runs: { signal: AbortSignal; done: Promise<Result<unknown>> }[] = []
    vi.spyOn(t.core.dispatcher, 'stream').mockImplementation((route, input, ctx, onEvent) => {
      const done = original(route, input, ctx, onEvent)
      runs.push({ signal: ctx.signal, done })
      return done
    })
    const contents = new FakeWebContents()
    send(contents, { t: 'stream', id: 1, route: 'diagnostics.loopback', input: { count: 100_000, intervalMs: 1 } })
    await vi.waitFor(() => expect(messagesOf(contents).filter((m) => m.t === 'event' || m.t === 'events').length).toBeGreaterThan(1))
    contents.destroy()
    expect(runs[0]?.signal.aborted).toBe(true)
    expect(await runs[0]?.done).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } })
    // Broadcasts no longer reach it, and nothing is sent to a destroyed webContents.
    t.core.settings.update({ appearance: { theme: 'light' } })
    expect(messagesOf(contents).some((m) => m.t === 'push')).toBe(false)
  })

  it('a connection is reused per webContents and not written to once destroyed', async () => {
    const contents = new FakeWebContents()
    send(contents, call(1, 'app.info'))
    send(contents, call(2, 'app.info'))
    await reply(contents, 2)
    const isDestroyed = vi.spyOn(contents, 'isDestroyed').mockReturnValue(true)
    send(contents, call(3, 'app.info'))
    // Only a check that nothing is written: a slow machine can make it pass early, never fail.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(messagesOf(contents).some((m) => 'id' in m && m.id === 3)).toBe(false)
    isDestroyed.mockRestore()
  })

  it('unwiring stops listening and closes every connection', async () => {
    const contents = new FakeWebContents()
    send(contents, call(1, 'app.info'))
    await reply(contents, 1)
    expect(ipcMain.listenerCount(RPC_CHANNEL)).toBe(1)
    unwire()
    expect(ipcMain.listenerCount(RPC_CHANNEL)).toBe(0)
    t.core.settings.update({ appearance: { theme: 'dark' } })
    expect(messagesOf(contents).some((m) => m.t === 'push')).toBe(false)
  })
})
