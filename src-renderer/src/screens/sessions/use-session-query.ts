import { useMemo } from 'react'
import { useDebounced } from '../../lib/use-debounced'
import { toListQuery, toSearchFilters } from './filters'
import { useSessionsView } from './sessions-view-store'

/** Typing in the provider and model filters waits this long before the list reloads. */
const FILTER_DEBOUNCE_MS = 250

/** The filters and search text as typed, and as settled (debounced) into the list's and the search's queries. */
export function useSessionQuery() {
  // In a store, not component state: leaving the screen and coming back keeps them.
  const filters = useSessionsView((state) => state.filters)
  const setFilters = useSessionsView((state) => state.setFilters)
  const searchText = useSessionsView((state) => state.searchText)
  const setSearchText = useSessionsView((state) => state.setSearchText)
  const provider = useDebounced(filters.provider, FILTER_DEBOUNCE_MS)
  const model = useDebounced(filters.model, FILTER_DEBOUNCE_MS)
  const settled = useMemo(() => ({ ...filters, provider, model }), [filters, provider, model])
  const listQuery = useMemo(() => toListQuery(settled), [settled])
  const listKey = JSON.stringify(listQuery)
  const searchFilters = useMemo(() => toSearchFilters(settled), [settled])
  return { filters, setFilters, searchText, setSearchText, settled, listQuery, listKey, searchFilters }
}

export type SessionQuery = ReturnType<typeof useSessionQuery>
