import { BrowserWindow, shell, type Rectangle } from 'electron'
import { APP_ENTRY_URL, isAppUrl, isExternalLink, type TrustedOrigins } from './security'

export interface WindowOptions extends TrustedOrigins {
  preload: string
  bounds?: Partial<Rectangle> | undefined
  maximized?: boolean | undefined
  icon?: string | undefined
}

/** The main window: isolated, sandboxed, no Node, and unable to navigate away from the app. */
export function createMainWindow(options: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: options.bounds?.width ?? 1200,
    height: options.bounds?.height ?? 800,
    ...(options.bounds?.x === undefined ? {} : { x: options.bounds.x, y: options.bounds.y }),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Ollama Desk',
    backgroundColor: '#15171c',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: true,
    },
  })

  window.once('ready-to-show', () => {
    if (options.maximized) window.maximize()
    window.show()
  })

  const { webContents } = window
  webContents.on('will-navigate', (event, url) => {
    if (isAppUrl(url, options)) return
    event.preventDefault()
    if (isExternalLink(url)) void shell.openExternal(url)
  })
  webContents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, options)) event.preventDefault()
  })
  webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  webContents.on('will-attach-webview', (event) => event.preventDefault())

  void window.loadURL(options.devServerUrl || APP_ENTRY_URL)
  return window
}
