import { create } from 'zustand'
import type { SettingsSectionId } from '../app/settings-sections'
import { registerScreenState } from './screen-state'

export interface SettingsTarget {
  section: SettingsSectionId
  card?: string | undefined
  /** Bumped by every request, so asking for the same place twice scrolls there again. */
  seq: number
}

interface SettingsNavState {
  /** The place in Settings last asked for (the palette, a link); the screen scrolls to it. On opening, the address says where. */
  target: SettingsTarget | undefined
  request(section: SettingsSectionId, card?: string): void
}

export const useSettingsNav = create<SettingsNavState>()((set) => ({
  target: undefined,
  request: (section, card) => set((state) => ({ target: { section, card, seq: (state.target?.seq ?? 0) + 1 } })),
}))

registerScreenState(useSettingsNav)
