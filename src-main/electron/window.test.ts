import { beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeBrowserWindow, shell } from '../../test/support/electron-fake'

vi.mock('electron', async () => (await import('../../test/support/electron-fake')).electronModule())

const { createMainWindow } = await import('./window')

const rendererDir = '/app/out/renderer'
const appUrl = 'app://ollama-desk/index.html'
const base = { rendererDir, preload: '/app/out/preload/index.cjs' }

const create = (options: Partial<Parameters<typeof createMainWindow>[0]> = {}) =>
  createMainWindow({ ...base, ...options }) as unknown as FakeBrowserWindow

const fakeEvent = () => ({ preventDefault: vi.fn() })

beforeEach(() => shell.openExternal.mockClear())

describe('createMainWindow', () => {
  it('is isolated, sandboxed and without Node', () => {
    const window = create()
    expect(window.options.webPreferences).toMatchObject({
      preload: base.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    })
    expect(window.options).toMatchObject({ width: 1200, height: 800, show: false, title: 'Ollama Desk' })
    expect(window.options).not.toHaveProperty('x')
    expect(window.options).not.toHaveProperty('icon')
    expect(window.loaded).toEqual({ url: appUrl })
  })

  it('restores bounds and icon, and maximises when first shown if it was', () => {
    const window = create({ bounds: { x: 10, y: 20, width: 900, height: 600 }, maximized: true, icon: '/icon.png' })
    expect(window.options).toMatchObject({ x: 10, y: 20, width: 900, height: 600, icon: '/icon.png' })
    expect(window.shown).toBe(false)
    window.emit('ready-to-show')
    expect(window.maximized).toBe(true)
    expect(window.shown).toBe(true)
    const plain = create({ bounds: { width: 900, height: 600 } })
    expect(plain.options).not.toHaveProperty('x')
    plain.emit('ready-to-show')
    expect(plain.maximized).toBe(false)
    expect(plain.shown).toBe(true)
  })

  it('loads the dev server when there is one', () => {
    expect(create({ devServerUrl: 'http://localhost:5173/' }).loaded).toEqual({ url: 'http://localhost:5173/' })
  })

  it('stays on the app: foreign navigation is prevented, and web links open in the browser', () => {
    const { webContents } = create()
    const inside = fakeEvent()
    webContents.emit('will-navigate', inside, `${appUrl}#/settings`)
    expect(inside.preventDefault).not.toHaveBeenCalled()
    const web = fakeEvent()
    webContents.emit('will-navigate', web, 'https://evil.example/phish')
    expect(web.preventDefault).toHaveBeenCalled()
    expect(shell.openExternal).toHaveBeenCalledWith('https://evil.example/phish')
    const file = fakeEvent()
    webContents.emit('will-navigate', file, 'file:///etc/passwd')
    expect(file.preventDefault).toHaveBeenCalled()
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
  })

  it('prevents redirects away from the app', () => {
    const { webContents } = create()
    const away = fakeEvent()
    webContents.emit('will-redirect', away, 'https://evil.example/')
    expect(away.preventDefault).toHaveBeenCalled()
    const home = fakeEvent()
    webContents.emit('will-redirect', home, appUrl)
    expect(home.preventDefault).not.toHaveBeenCalled()
    expect(shell.openExternal).not.toHaveBeenCalled()
  })

  it('denies every new window, opening http(s) links externally', () => {
    const { webContents } = create()
    expect(webContents.windowOpenHandler?.({ url: 'https://ollama.com/' })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledWith('https://ollama.com/')
    expect(webContents.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(webContents.windowOpenHandler?.({ url: appUrl })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
  })

  it('refuses to attach webviews', () => {
    const { webContents } = create()
    const event = fakeEvent()
    webContents.emit('will-attach-webview', event)
    expect(event.preventDefault).toHaveBeenCalled()
  })
})
