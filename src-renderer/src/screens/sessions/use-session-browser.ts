import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { ApiClient } from '../../../../src-shared/contract'
import { hitRows, sessionRows } from './session-rows'
import { useBulkActions, useUndoableActions } from './use-browser-actions'
import { useCoalescedRefresh } from './use-coalesced-refresh'
import { useSessionTags } from './use-session-data'
import { useSessionKeys } from './use-session-keys'
import { useSessionPages } from '../../lib/session-pages'
import { useSessionQuery } from './use-session-query'
import { useSessionSearch } from '../../lib/session-search'
import { useSessionSelection } from './use-session-selection'

/** The session browser's state: query, pages or hits, selection, actions, and the keys over them. */
export function useSessionBrowser(api: ApiClient) {
  const container = useRef<HTMLDivElement>(null)
  const listRef = useRef<HTMLDivElement>(null)
  const searchRef = useRef<HTMLInputElement>(null)

  const query = useSessionQuery()
  const pages = useSessionPages(api, query.listQuery)
  const search = useSessionSearch(api, query.searchText, query.searchFilters)
  const { tags, reload: reloadTags } = useSessionTags(api)
  const showHits = query.searchText.trim() !== '' && search.searchedFor !== ''
  const { sessions } = pages
  const { sort } = query.filters
  const rowModel = useMemo(
    () => (showHits ? hitRows(search.hits) : sessionRows(sessions, pages.total, sort, Date.now())),
    [showHits, search.hits, sessions, pages.total, sort],
  )

  const [renaming, setRenaming] = useState(false)
  const [importOpen, setImportOpen] = useState(false)
  const [revealKey, setRevealKey] = useState(0)
  const { version, scheduleRefresh } = useCoalescedRefresh(api, pages.refresh, search.refresh, reloadTags)
  const selection = useSessionSelection(api, { sessions, hits: search.hits, showHits, listKey: query.listKey, version })
  useEffect(() => setRenaming(false), [selection.activeId])
  const actions = useUndoableActions(api, pages.patch, scheduleRefresh, selection.clearChecked)
  const bulk = useBulkActions(selection.checked, actions, selection.clearChecked)

  const { searchText, setSearchText } = query
  useSessionKeys(container, {
    selection, actions, showHits, listRef, searchRef, searchText, setSearchText, setRenaming,
    count: showHits ? search.hits.length : sessions.length,
    inTrash: query.filters.trash,
    reveal: () => setRevealKey((n) => n + 1),
  })
  const onSearchKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Escape' && searchText) setSearchText('')
    else if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === 'Escape') listRef.current?.focus()
    else return
    event.preventDefault()
  }

  return { container, listRef, searchRef, query, pages, search, tags, showHits, rowModel, renaming, setRenaming, importOpen, setImportOpen, revealKey, version, scheduleRefresh, selection, actions, bulk, onSearchKeyDown }
}

export type SessionBrowser = ReturnType<typeof useSessionBrowser>
