import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { vi } from 'vitest'

/**
 * Just enough of Electron's main-process API for the adapter tests, with real event emitters so
 * handlers can be fired the way Electron fires them. Use it with:
 *   vi.mock('electron', async () => (await import('../../test/support/electron-fake')).electronModule())
 */

let nextContentsId = 1

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++
  readonly sent: [string, string][] = []
  destroyed = false
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined
  isDestroyed(): boolean {
    return this.destroyed
  }
  send(channel: string, text: string): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    this.sent.push([channel, text])
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  destroy(): void {
    this.destroyed = true
    this.emit('destroyed')
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly instances: FakeBrowserWindow[] = []
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((window) => !window.destroyed)
  }
  readonly webContents = new FakeWebContents()
  loaded: { url?: string; file?: string } | undefined
  maximized = false
  minimized = false
  shown = false
  focused = 0
  restored = 0
  destroyed = false
  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
    super()
    FakeBrowserWindow.instances.push(this)
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url }
    return Promise.resolve()
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { file }
    return Promise.resolve()
  }
  maximize(): void {
    this.maximized = true
  }
  show(): void {
    this.shown = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
    this.restored++
  }
  focus(): void {
    this.focused++
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getNormalBounds() {
    return { x: 40, y: 50, width: 1000, height: 700 }
  }
  close(): void {
    this.emit('close')
    this.destroyed = true
    this.webContents.destroy()
    this.emit('closed')
  }
}

export const shell = { openExternal: vi.fn(async (_url: string) => undefined) }

export const ipcMain = new EventEmitter()

export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
  },
}

/** macOS's microphone prompt; tests set the user's answer. */
export const systemPreferences = { askForMediaAccess: vi.fn(async (_media: 'microphone' | 'camera') => true) }

export const safeStorageState = { available: true }
export const safeStorage = {
  isEncryptionAvailable: () => safeStorageState.available,
  encryptString: (plain: string) => Buffer.from(`enc:${[...plain].reverse().join('')}`),
  decryptString: (buffer: Buffer) => [...buffer.toString().replace(/^enc:/, '')].reverse().join(''),
}

export const appState = { lock: true, isPackaged: false, paths: {} as Record<string, string> }

/** The `app` object: an emitter plus the few methods the code calls. */
export class FakeApp extends EventEmitter {
  readonly quit = vi.fn()
  get isPackaged(): boolean {
    return appState.isPackaged
  }
  requestSingleInstanceLock(): boolean {
    return appState.lock
  }
  whenReady(): Promise<void> {
    return Promise.resolve()
  }
  getPath(name: string): string {
    const found = appState.paths[name]
    if (!found) throw new Error(`no fake path for ${name}`)
    return found
  }
  getName(): string {
    return 'Ollama Desk'
  }
  getVersion(): string {
    return '0.1.0'
  }
}
export const app = new FakeApp()

export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] }

export const Menu = {
  setApplicationMenu: vi.fn(),
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
}

/** Records scheme registrations and handlers so tests can call a handler like Electron would. */
export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    this.privileged.push(...schemes)
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler)
  },
}

/** Electron's net.fetch reads file:// URLs; Node's fetch does not, so the fake reads the file. */
export const net = {
  fetch: async (url: string): Promise<Response> => new Response(fs.readFileSync(fileURLToPath(url))),
}

export function electronModule() {
  const api = { app, BrowserWindow: FakeBrowserWindow, ipcMain, net, protocol, screen, session, shell, safeStorage, systemPreferences, Menu }
  return { ...api, default: api }
}
