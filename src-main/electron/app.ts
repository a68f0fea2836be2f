import { app, BrowserWindow, ipcMain, net, protocol, screen, session, shell, systemPreferences, type App } from 'electron'
import path from 'node:path'
import { APP_VERSION, createCore, type Core } from '../core/app'
import { resolveDataDir } from '../core/paths'
import { FileSecretStore } from '../core/secrets'
import { registerAppScheme, serveAppScheme } from './app-protocol'
import { wireIpc } from './ipc'
import { installMenu } from './menu'
import { hardenSession, isExternalLink, type TrustedOrigins } from './security'
import { ElectronSettingsStorage, safeStorageCodec } from './storage'
import { createDesktopUpdater } from './updater'
import { createMainWindow } from './window'
import { WindowStateFile } from './window-state'

export interface DesktopPaths {
  /** Folder of the built main bundle (out/main). */
  mainDir: string
  /** The bundled session-store worker; without it the store runs on the main thread (tests). */
  sessionWorker?: string
  /** The bundled knowledge worker; without it knowledge bases are served on the main thread (tests). */
  knowledgeWorker?: string
  /** The bundled sherpa-onnx child (speech engine); without it local speech engines are unavailable. */
  sherpaEntry?: string
}

/** Starts the desktop app. Split from main.ts so tests can drive it with a mocked `electron`. */
export async function startDesktop(paths: DesktopPaths, electronApp: App = app): Promise<Core | undefined> {
  if (!electronApp.requestSingleInstanceLock()) {
    electronApp.quit()
    return undefined
  }
  registerAppScheme(protocol)
  await electronApp.whenReady()

  const dataDir = resolveDataDir({
    env: process.env,
    platform: process.platform,
    home: electronApp.getPath('home'),
    electronUserData: electronApp.getPath('userData'),
  }).root
  const core = createCore({
    dataDir,
    mode: 'electron',
    ownsHistory: true,
    ...(paths.sessionWorker ? { sessionWorker: { entry: paths.sessionWorker } } : {}),
    ...(paths.knowledgeWorker ? { knowledgeWorker: { entry: paths.knowledgeWorker } } : {}),
    ...(paths.sherpaEntry ? { voice: { sherpaEntry: paths.sherpaEntry } } : {}),
    version: APP_VERSION,
    electronVersion: process.versions.electron,
    settingsStorage: new ElectronSettingsStorage(dataDir),
    secrets: new FileSecretStore(path.join(dataDir, 'secrets.json'), safeStorageCodec),
    updater: createDesktopUpdater({ isPackaged: electronApp.isPackaged }),
    // Inside the desktop app the running binary is Electron itself.
    locateElectron: () => process.execPath,
    openExternal: async (url) => {
      if (!isExternalLink(url)) return false
      await shell.openExternal(url)
      return true
    },
  })

  const origins: TrustedOrigins = {
    rendererDir: path.join(paths.mainDir, '../renderer'),
    devServerUrl: electronApp.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL || undefined,
  }
  serveAppScheme(protocol, net, origins.rendererDir)
  // Dictation: macOS asks the user once (Privacy & Security → Microphone); elsewhere the page's request is enough.
  hardenSession(session.defaultSession, origins, () => (process.platform === 'darwin' ? systemPreferences.askForMediaAccess('microphone') : Promise.resolve(true)))
  const unwire = wireIpc(ipcMain, core, origins)
  installMenu(process.platform)

  const stateFile = new WindowStateFile(path.join(dataDir, 'window-state.json'))
  const openWindow = (): BrowserWindow => {
    const state = stateFile.load(screen.getAllDisplays().map((display) => display.workArea))
    const window = createMainWindow({
      ...origins,
      preload: path.join(paths.mainDir, '../preload/index.cjs'),
      bounds: state.bounds,
      maximized: state.maximized,
    })
    window.on('close', () => stateFile.save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() }))
    return window
  }

  let window = openWindow()
  electronApp.on('second-instance', () => {
    if (window.isDestroyed()) window = openWindow()
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  electronApp.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = openWindow()
  })
  electronApp.on('window-all-closed', () => {
    if (process.platform !== 'darwin') electronApp.quit()
  })
  electronApp.on('will-quit', () => {
    unwire()
    void core.close()
  })
  return core
}
