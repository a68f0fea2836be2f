import { useMemo, useState } from 'react'
import { useDebounced } from '../../lib/use-debounced'
import { defaultFilters, toListQuery, toSearchFilters, type FilterState } from './filters'

/** Typing in the provider and model filters waits this long before the list reloads. */
const FILTER_DEBOUNCE_MS = 250

/** The filters and search text as typed, and as settled (debounced) into the list's and the search's queries. */
export function useSessionQuery() {
  const [filters, setFilters] = useState<FilterState>(defaultFilters)
  const [searchText, setSearchText] = useState('')
  const provider = useDebounced(filters.provider, FILTER_DEBOUNCE_MS)
  const model = useDebounced(filters.model, FILTER_DEBOUNCE_MS)
  const settled = useMemo(() => ({ ...filters, provider, model }), [filters, provider, model])
  const listQuery = useMemo(() => toListQuery(settled), [settled])
  const listKey = JSON.stringify(listQuery)
  const searchFilters = useMemo(() => toSearchFilters(settled), [settled])
  return { filters, setFilters, searchText, setSearchText, settled, listQuery, listKey, searchFilters }
}

export type SessionQuery = ReturnType<typeof useSessionQuery>
