import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiClient } from '../../../../src-shared/contract'

/** Several changes in a row (our own call, then the pushed event) cause one reload. */
const REFRESH_COALESCE_MS = 40

/**
 * One reload of the list, the search and the tags per burst of changes, ours or pushed
 * (sessions.changed); `version` counts the reloads so the preview reloads too.
 */
export function useCoalescedRefresh(api: ApiClient, refreshPages: () => Promise<void>, refreshSearch: () => void, reloadTags: () => void) {
  const [version, setVersion] = useState(0)
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current !== undefined) return
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = undefined
      void refreshPages()
      refreshSearch()
      reloadTags()
      setVersion((n) => n + 1)
    }, REFRESH_COALESCE_MS)
  }, [refreshPages, refreshSearch, reloadTags])
  useEffect(() => () => clearTimeout(refreshTimer.current), [])
  useEffect(() => api.on('sessions.changed', scheduleRefresh), [api, scheduleRefresh])
  return { version, scheduleRefresh }
}
