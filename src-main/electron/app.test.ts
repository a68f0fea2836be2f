import fs from 'node:fs'
import path from 'node:path'
import type { App, IpcMainEvent } from 'electron'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ServerMessageSchema, type ServerMessage } from '../../src-shared/contract'
import { FakeBrowserWindow, Menu, app, appState, ipcMain, protocol, session, shell } from '../../test/support/electron-fake'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import type { Core } from '../core/app'

vi.mock('electron', async () => (await import('../../test/support/electron-fake')).electronModule())

const { startDesktop } = await import('./app')
const { RPC_CHANNEL } = await import('./ipc')

let mainDir: string
let userData: string
const started: Core[] = []

beforeEach(() => {
  const root = makeTempDir()
  mainDir = path.join(root, 'out', 'main')
  userData = path.join(makeTempDir(), 'Ollama Desk')
  appState.paths = { home: makeTempDir(), userData }
  appState.lock = true
  appState.isPackaged = false
  vi.stubEnv('OLLAMA_DESK_HOME', '')
  vi.stubEnv('ELECTRON_RENDERER_URL', '')
})

afterEach(() => {
  app.emit('will-quit')
  app.removeAllListeners()
  app.quit.mockClear()
  ipcMain.removeAllListeners()
  FakeBrowserWindow.instances.splice(0)
  started.splice(0)
  vi.unstubAllEnvs()
  removeTempDirs()
})

async function start(): Promise<Core> {
  const core = await startDesktop({ mainDir }, app as unknown as App)
  if (!core) throw new Error('did not start')
  started.push(core)
  return core
}

const rendererUrl = () => 'app://ollama-desk/index.html'

async function ask(window: FakeBrowserWindow, id: number, route: string, input: object = {}): Promise<ServerMessage> {
  const event = { sender: window.webContents, senderFrame: { url: rendererUrl(), parent: null } } as unknown as IpcMainEvent
  ipcMain.emit(RPC_CHANNEL, event, JSON.stringify({ t: 'call', id, route, input }))
  const find = () => window.webContents.sent.map(([, text]) => ServerMessageSchema.parse(JSON.parse(text))).find((m) => m.t === 'result' && m.id === id)
  await vi.waitFor(() => expect(find()).toBeDefined())
  return find() as ServerMessage
}

describe('startDesktop', () => {
  it('quits at once when another instance holds the lock', async () => {
    appState.lock = false
    expect(await startDesktop({ mainDir }, app as unknown as App)).toBeUndefined()
    expect(app.quit).toHaveBeenCalled()
    expect(FakeBrowserWindow.instances).toHaveLength(0)
  })

  it('opens one hardened window over a core in userData', async () => {
    const core = await start()
    expect(core.paths.root).toBe(userData)
    expect(core.secrets.kind).toBe('os-keychain')
    expect(FakeBrowserWindow.instances).toHaveLength(1)
    const [window] = FakeBrowserWindow.instances as [FakeBrowserWindow]
    expect(window.options.webPreferences).toMatchObject({ preload: path.join(mainDir, '../preload/index.cjs'), sandbox: true, contextIsolation: true })
    expect(window.loaded).toEqual({ url: 'app://ollama-desk/index.html' })
    expect(protocol.privileged).toContainEqual(expect.objectContaining({ scheme: 'app' }))
    expect(protocol.handlers.has('app')).toBe(true)
    expect(session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled()
    expect(session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled()
    expect(Menu.setApplicationMenu).toHaveBeenCalled()
    expect(ipcMain.listenerCount(RPC_CHANNEL)).toBe(1)
    for (const event of ['second-instance', 'activate', 'window-all-closed', 'will-quit']) expect(app.listenerCount(event)).toBe(1)
  })

  it('answers the window over IPC in electron mode, with Electron found and links opened in the browser', async () => {
    await start()
    const [window] = FakeBrowserWindow.instances as [FakeBrowserWindow]
    expect(await ask(window, 1, 'app.info')).toMatchObject({ result: { ok: true, value: { mode: 'electron', dataDir: userData } } })
    const doctor = await ask(window, 2, 'diagnostics.doctor')
    const checks = doctor.t === 'result' && doctor.result.ok ? (doctor.result.value as { checks: { id: string; status: string; detail: string }[] }).checks : []
    expect(checks.find((check) => check.id === 'electron')).toMatchObject({ status: 'ok', detail: process.execPath })
    shell.openExternal.mockClear()
    expect(await ask(window, 3, 'shell.openExternal', { url: 'https://ollama.com/library' })).toMatchObject({ result: { ok: true, value: { opened: true } } })
    expect(shell.openExternal).toHaveBeenCalledWith('https://ollama.com/library')
    await ask(window, 4, 'settings.update', { appearance: { theme: 'dark' } })
    expect(JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8'))).toMatchObject({ appearance: { theme: 'dark' } })
  })

  it('remembers the window position on close and reopens there on second-instance', async () => {
    await start()
    const [first] = FakeBrowserWindow.instances as [FakeBrowserWindow]
    first.maximized = true
    first.close()
    expect(JSON.parse(fs.readFileSync(path.join(userData, 'window-state.json'), 'utf8'))).toEqual({
      bounds: { x: 40, y: 50, width: 1000, height: 700 },
      maximized: true,
    })
    app.emit('second-instance')
    expect(FakeBrowserWindow.instances).toHaveLength(2)
    const second = FakeBrowserWindow.instances[1] as FakeBrowserWindow
    expect(second.options).toMatchObject({ x: 40, y: 50, width: 1000, height: 700 })
    expect(second.focused).toBe(1)
    second.emit('ready-to-show')
    expect(second.maximized).toBe(true)
  })

  it('second-instance restores and focuses a minimised window instead of opening another', async () => {
    await start()
    const [window] = FakeBrowserWindow.instances as [FakeBrowserWindow]
    window.minimized = true
    app.emit('second-instance')
    expect(window.restored).toBe(1)
    expect(window.focused).toBe(1)
    app.emit('second-instance')
    expect(window.restored).toBe(1)
    expect(window.focused).toBe(2)
    expect(FakeBrowserWindow.instances).toHaveLength(1)
  })

  it('activate reopens a window only when none is left', async () => {
    await start()
    app.emit('activate')
    expect(FakeBrowserWindow.instances).toHaveLength(1)
    FakeBrowserWindow.instances[0]?.close()
    app.emit('activate')
    expect(FakeBrowserWindow.getAllWindows()).toHaveLength(1)
    expect(FakeBrowserWindow.instances).toHaveLength(2)
  })

  it('quits when the last window closes, except on macOS', async () => {
    await start()
    const platform = Object.getOwnPropertyDescriptor(process, 'platform') as PropertyDescriptor
    try {
      Object.defineProperty(process, 'platform', { value: 'darwin' })
      app.emit('window-all-closed')
      expect(app.quit).not.toHaveBeenCalled()
    } finally {
      Object.defineProperty(process, 'platform', platform)
    }
    app.emit('window-all-closed')
    expect(app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1)
  })

  it('will-quit unwires IPC and closes the core', async () => {
    const core = await start()
    const listener = vi.fn()
    core.onBroadcast(listener)
    app.emit('will-quit')
    expect(ipcMain.listenerCount(RPC_CHANNEL)).toBe(0)
    core.settings.update({ appearance: { theme: 'light' } })
    expect(listener).not.toHaveBeenCalled()
  })

  it('loads the dev server in development, but never when packaged', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/')
    await start()
    expect(FakeBrowserWindow.instances[0]?.loaded).toEqual({ url: 'http://localhost:5173/' })
    app.emit('will-quit')
    app.removeAllListeners()
    ipcMain.removeAllListeners()
    appState.isPackaged = true
    await start()
    expect(FakeBrowserWindow.instances[1]?.loaded).toEqual({ url: 'app://ollama-desk/index.html' })
  })
})
