import { create } from 'zustand'
import type { AppInfo, ErrorShape, Settings } from '../../../src-shared/contract'
import type { ConnectionState } from '../api/web-port'
import { isScreenId, type ScreenId } from '../app/screen-registry'

export interface Notice {
  id: number
  level: 'info' | 'warning' | 'error'
  message: string
  hint?: string | undefined
  /** One button that does something about the notice (e.g. Undo); it also dismisses it. */
  action?: { label: string; run(): void } | undefined
  /** Dismiss by itself after this long (undo offers expire; errors stay until dismissed). */
  timeoutMs?: number | undefined
}

export interface AppState {
  screen: ScreenId
  /** The session the Chat screen shows (#/chat/<id>); undefined shows the plain Chat screen. */
  openSessionId: string | undefined
  paletteOpen: boolean
  /** The keyboard shortcuts sheet (`?`). */
  shortcutsOpen: boolean
  connection: ConnectionState
  transport: 'electron' | 'web' | undefined
  settings: Settings | undefined
  info: AppInfo | undefined
  notices: Notice[]
  setScreen(screen: ScreenId): void
  setOpenSession(id: string | undefined): void
  setPaletteOpen(open: boolean): void
  setShortcutsOpen(open: boolean): void
  setConnection(state: ConnectionState): void
  setTransport(transport: 'electron' | 'web'): void
  setSettings(settings: Settings): void
  setInfo(info: AppInfo): void
  notify(notice: Omit<Notice, 'id'>): void
  notifyError(error: ErrorShape): void
  /** Counts E_DISK_FULL answers, so the storage banner checks the disk again after each. */
  diskFullSeen: number
  dismiss(id: number): void
}

let nextNoticeId = 1

const hashParts = (hash: string): string[] => hash.replace(/^#\/?/, '').split('/')

export const screenFromHash = (hash: string): ScreenId => {
  const id = hashParts(hash)[0] ?? ''
  return isScreenId(id) ? id : 'chat'
}

/** The session in a #/chat/<id> address, if any. */
export const sessionFromHash = (hash: string): string | undefined => {
  const [screen, id] = hashParts(hash)
  if (screen !== 'chat' || !id) return undefined
  try {
    return decodeURIComponent(id)
  } catch {
    return undefined
  }
}

/** The address of a screen; Chat carries its open session so a reload or a link reopens it. */
export const hashFor = (screen: ScreenId, openSessionId?: string): string =>
  screen === 'chat' && openSessionId ? `#/chat/${encodeURIComponent(openSessionId)}` : `#/${screen}`

export const useAppStore = create<AppState>()((set) => ({
  screen: typeof location === 'undefined' ? 'chat' : screenFromHash(location.hash),
  openSessionId: typeof location === 'undefined' ? undefined : sessionFromHash(location.hash),
  paletteOpen: false,
  shortcutsOpen: false,
  connection: 'connecting',
  transport: undefined,
  settings: undefined,
  info: undefined,
  notices: [],
  setScreen: (screen) => set({ screen }),
  setOpenSession: (openSessionId) => set({ openSessionId }),
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
  setConnection: (connection) => set({ connection }),
  setTransport: (transport) => set({ transport }),
  setSettings: (settings) => set({ settings }),
  setInfo: (info) => set({ info }),
  notify: (notice) => set((state) => ({ notices: [...state.notices.slice(-4), { ...notice, id: nextNoticeId++ }] })),
  diskFullSeen: 0,
  notifyError: (error) =>
    set((state) => ({
      diskFullSeen: state.diskFullSeen + (error.code === 'E_DISK_FULL' ? 1 : 0),
      notices: [...state.notices.slice(-4), { id: nextNoticeId++, level: 'error', message: error.message, hint: error.hint }],
    })),
  dismiss: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
}))
