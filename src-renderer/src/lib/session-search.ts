import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiClient, ErrorShape, RouteInput, SearchHit } from '../../../src-shared/contract'
import { useAppStore } from '../store/app-store'
import { noteFeatureUse } from './feature-use'

export type SearchFilters = Omit<RouteInput<'sessions.search'>, 'query' | 'limit'>

/** Wait this long after the last keystroke before searching: instant to the eye, kind to the core. */
export const SEARCH_DEBOUNCE_MS = 150
export const SEARCH_LIMIT = 200

export interface SessionSearch {
  hits: SearchHit[]
  status: 'idle' | 'searching' | 'ready'
  /** The text the shown hits are for (lags behind what is typed by the debounce). */
  searchedFor: string
  /** Why the last search failed (its message was also shown as a notice). */
  error?: ErrorShape | undefined
  refresh(): void
}

/** Full-text search as you type; answers to older keystrokes are dropped when they arrive late. */
export function useSessionSearch(api: ApiClient, text: string, filters: SearchFilters): SessionSearch {
  const [state, setState] = useState<Omit<SessionSearch, 'refresh'>>({ hits: [], status: 'idle', searchedFor: '' })
  const [bump, setBump] = useState(0)
  const sequence = useRef(0)
  const filtersKey = JSON.stringify(filters)
  const query = text.trim()

  useEffect(() => {
    const seq = ++sequence.current
    if (!query) {
      setState({ hits: [], status: 'idle', searchedFor: '' })
      return
    }
    setState((previous) => ({ ...previous, status: 'searching' }))
    const timer = setTimeout(() => {
      noteFeatureUse(api, 'search')
      void api.call('sessions.search', { ...(JSON.parse(filtersKey) as SearchFilters), query, limit: SEARCH_LIMIT }).then((result) => {
        if (seq !== sequence.current) return
        if (result.ok) setState({ hits: result.value.hits, status: 'ready', searchedFor: query })
        else {
          useAppStore.getState().notifyError(result.error)
          setState({ hits: [], status: 'ready', searchedFor: query, error: result.error })
        }
      })
    }, SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [api, query, filtersKey, bump])

  const refresh = useCallback(() => setBump((n) => n + 1), [])
  return { ...state, refresh }
}
