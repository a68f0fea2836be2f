import { create } from 'zustand'
import { registerScreenState } from '../../store/screen-state'
import { defaultFilters, type FilterState } from './filters'

/**
 * What the Sessions screen is showing — the search text, the filters and the selected row — kept
 * outside the screen's components, so going to a chat and back finds the browser as it was left.
 */
export interface SessionsView {
  filters: FilterState
  searchText: string
  /** The selected session (and its place, kept if it leaves the list) for the list query in `selectionKey`. */
  active: { id: string; item: number } | undefined
  /** The selected search hit, by position. */
  activeHit: number
  /** The list query the selection belongs to: a different query starts the selection over. */
  selectionKey: string | undefined
  setFilters(filters: FilterState): void
  setSearchText(text: string): void
  setActive(active: { id: string; item: number } | undefined): void
  setActiveHit(item: number): void
  setSelectionKey(key: string): void
}

export const useSessionsView = create<SessionsView>()((set) => ({
  filters: defaultFilters,
  searchText: '',
  active: undefined,
  activeHit: 0,
  selectionKey: undefined,
  setFilters: (filters) => set({ filters }),
  setSearchText: (searchText) => set({ searchText }),
  setActive: (active) => set({ active }),
  setActiveHit: (activeHit) => set({ activeHit }),
  setSelectionKey: (selectionKey) => set({ selectionKey }),
}))

registerScreenState(useSessionsView)
