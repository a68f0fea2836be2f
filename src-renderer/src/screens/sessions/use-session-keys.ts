import type { RefObject } from 'react'
import type { SessionActions } from './use-session-actions'
import { useBrowserKeys } from './use-browser-keys'
import type { SessionSelection } from './use-session-selection'

export interface SessionKeysInput {
  selection: SessionSelection
  actions: SessionActions
  /** How many rows the list shows (hits or sessions). */
  count: number
  showHits: boolean
  inTrash: boolean
  listRef: RefObject<HTMLDivElement | null>
  searchRef: RefObject<HTMLInputElement | null>
  searchText: string
  setSearchText(text: string): void
  setRenaming(renaming: boolean): void
  /** A keyboard move: scroll the active row into view even when it stays the same. */
  reveal(): void
}

/** What each browser key does to the selection, the checked sessions and the search. */
export function useSessionKeys(container: RefObject<HTMLElement | null>, input: SessionKeysInput): void {
  const { selection, actions, count, showHits, listRef, searchRef, searchText } = input
  const { activeItem, activeId, activeSession, checked, listItem } = selection
  useBrowserKeys(container, {
    move: (to) => {
      if (count === 0) return
      const current = activeItem ?? -1
      const next = to === 'first' ? 0 : to === 'last' ? count - 1 : Math.max(0, Math.min(count - 1, current + to))
      selection.select(next)
      input.reveal()
      listRef.current?.focus({ preventScroll: true })
    },
    open: () => activeItem !== undefined && selection.open(activeItem),
    remove: () => {
      if (input.inTrash || !activeId) return
      const ids = !showHits && checked.size > 0 ? [...checked] : [activeId]
      void actions.remove(ids, ids.length === 1 && activeSession && activeSession.id === ids[0] ? activeSession.title : undefined)
    },
    rename: () => activeSession && input.setRenaming(true),
    toggle: () => !showHits && listItem !== undefined && selection.onPointerSelect(listItem, 'toggle'),
    focusSearch: () => {
      searchRef.current?.focus()
      searchRef.current?.select()
    },
    escape: () => {
      if (searchText) input.setSearchText('')
      else selection.clearChecked()
    },
  })
}
