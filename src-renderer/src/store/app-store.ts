import { create } from 'zustand'
import type { AppInfo, ErrorShape, Settings } from '../../../src-shared/contract'
import type { ConnectionState } from '../api/web-port'
import { isScreenId, type ScreenId } from '../screens/registry'

export interface Notice {
  id: number
  level: 'info' | 'warning' | 'error'
  message: string
  hint?: string | undefined
}

export interface AppState {
  screen: ScreenId
  paletteOpen: boolean
  connection: ConnectionState
  transport: 'electron' | 'web' | undefined
  settings: Settings | undefined
  info: AppInfo | undefined
  notices: Notice[]
  setScreen(screen: ScreenId): void
  setPaletteOpen(open: boolean): void
  setConnection(state: ConnectionState): void
  setTransport(transport: 'electron' | 'web'): void
  setSettings(settings: Settings): void
  setInfo(info: AppInfo): void
  notify(notice: Omit<Notice, 'id'>): void
  notifyError(error: ErrorShape): void
  dismiss(id: number): void
}

let nextNoticeId = 1

export const screenFromHash = (hash: string): ScreenId => {
  const id = hash.replace(/^#\/?/, '')
  return isScreenId(id) ? id : 'chat'
}

export const useAppStore = create<AppState>()((set) => ({
  screen: typeof location === 'undefined' ? 'chat' : screenFromHash(location.hash),
  paletteOpen: false,
  connection: 'connecting',
  transport: undefined,
  settings: undefined,
  info: undefined,
  notices: [],
  setScreen: (screen) => set({ screen }),
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  setConnection: (connection) => set({ connection }),
  setTransport: (transport) => set({ transport }),
  setSettings: (settings) => set({ settings }),
  setInfo: (info) => set({ info }),
  notify: (notice) => set((state) => ({ notices: [...state.notices.slice(-4), { ...notice, id: nextNoticeId++ }] })),
  notifyError: (error) =>
    set((state) => ({
      notices: [...state.notices.slice(-4), { id: nextNoticeId++, level: 'error', message: error.message, hint: error.hint }],
    })),
  dismiss: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
}))
