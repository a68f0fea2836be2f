import { app } from 'electron'
import { autoUpdater, type AppUpdater, type ProgressInfo, type UpdateInfo as FeedInfo } from 'electron-updater'
import type { UpdateChannel } from '../../src-shared/contract'
import type { UpdateInfo, UpdaterEvent, UpdaterPort } from '../core/updates'

/** Where updates come from when not from the app-update.yml that packaging wrote (build/electron-builder.json `publish`). */
export type UpdateFeed = { provider: 'generic'; url: string } | { provider: 'github'; owner: string; repo: string }

export interface UpdaterPortOptions {
  packaged: boolean
  feed?: UpdateFeed
}

/** electron-updater's release notes (a string, or one note per version) as one plain text. */
export function releaseNotesOf(info: Pick<FeedInfo, 'releaseNotes'>): string | null {
  const notes = info.releaseNotes
  if (notes == null) return null
  if (typeof notes === 'string') return notes.trim() === '' ? null : notes
  const parts = notes.filter((note) => note.note).map((note) => `## ${note.version}\n\n${note.note ?? ''}`)
  return parts.length > 0 ? parts.join('\n\n') : null
}

const infoOf = (info: FeedInfo): UpdateInfo => ({ version: info.version, releaseNotes: releaseNotesOf(info), releaseDate: info.releaseDate || null })

/**
 * The core's UpdaterPort over an electron-updater instance. The core decides when to download
 * and when to restart, so the library's own automatic download is off; a downloaded update still
 * installs when the user quits.
 */
export function createUpdaterPort(updater: AppUpdater, options: UpdaterPortOptions): UpdaterPort {
  updater.autoDownload = false
  updater.autoInstallOnAppQuit = true
  if (options.feed) updater.setFeedURL(options.feed)
  return {
    packaged: options.packaged,
    configure({ channel }) {
      updater.channel = channel
      // Setting a channel allows downgrades; a beta user who goes back to latest keeps the newer beta until latest passes it.
      updater.allowDowngrade = false
      updater.allowPrerelease = channel === 'beta'
    },
    async check() {
      const result = await updater.checkForUpdates()
      if (!result?.isUpdateAvailable) return null
      return infoOf(result.updateInfo)
    },
    async download() {
      await updater.downloadUpdate()
    },
    quitAndInstall() {
      updater.quitAndInstall(false, true)
    },
    on(listener: (event: UpdaterEvent) => void) {
      const progress = (info: ProgressInfo): void =>
        listener({ type: 'progress', progress: { percent: info.percent, transferred: info.transferred, total: info.total, bytesPerSecond: info.bytesPerSecond } })
      const error = (failure: Error): void => listener({ type: 'error', error: failure })
      updater.on('download-progress', progress)
      updater.on('error', error)
      return () => {
        updater.off('download-progress', progress)
        updater.off('error', error)
      }
    },
  }
}

/** A development run: the core reports "not packaged" and never calls these. */
const notPackaged: UpdaterPort = {
  packaged: false,
  configure() {},
  check: () => Promise.reject(new Error('not packaged')),
  download: () => Promise.reject(new Error('not packaged')),
  quitAndInstall() {},
  on: () => () => undefined,
}

export interface DesktopUpdaterOptions {
  isPackaged?: boolean
  env?: Record<string, string | undefined>
  /** The platform's updater; electron-updater's `autoUpdater` picks NSIS, macOS, AppImage, deb or rpm. */
  load?: () => AppUpdater
}

/**
 * The desktop app's updater. The feed comes from app-update.yml (written from the `publish`
 * entry at packaging); OLLAMA_DESK_UPDATE_URL points a build at another generic feed (staging).
 * electron-updater itself is built on the first check, not at start, so starting stays cheap.
 */
export function createDesktopUpdater(options: DesktopUpdaterOptions = {}): UpdaterPort {
  const packaged = options.isPackaged ?? app.isPackaged
  // Never built in development: electron-updater would look for an app-update.yml that is not there.
  if (!packaged) return notPackaged
  const url = (options.env ?? process.env).OLLAMA_DESK_UPDATE_URL
  const load = options.load ?? (() => autoUpdater)
  const listeners = new Set<(event: UpdaterEvent) => void>()
  let channel: UpdateChannel | null = null
  let port: UpdaterPort | null = null
  const real = (): UpdaterPort => {
    if (port) return port
    port = createUpdaterPort(load(), { packaged, ...(url ? { feed: { provider: 'generic', url } } : {}) })
    if (channel) port.configure({ channel })
    port.on((event) => listeners.forEach((listener) => listener(event)))
    return port
  }
  return {
    packaged,
    configure(next) {
      channel = next.channel
      port?.configure(next)
    },
    check: () => real().check(),
    download: () => real().download(),
    quitAndInstall: () => real().quitAndInstall(),
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
