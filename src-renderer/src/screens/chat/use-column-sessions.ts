import { useEffect, useRef } from 'react'
import type { ApiClient } from '../../../../src-shared/contract'
import { useSessionPages, type SessionListQuery, type SessionPages } from '../../lib/session-pages'

/** Recent chats, pinned first (the core's order), newest activity on top. */
const RECENT: SessionListQuery = { sort: 'updated', order: 'desc' }

/** Changes arrive in bursts while a reply streams: reload at most once per this long. */
const REFRESH_EVERY_MS = 400

/** The column's pages of sessions.list, reloaded (coalesced) when sessions change. */
export function useColumnSessions(api: ApiClient): SessionPages {
  const pages = useSessionPages(api, RECENT)
  const refresh = useRef(pages.refresh)
  refresh.current = pages.refresh
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const off = api.on('sessions.changed', () => {
      if (timer !== undefined) return
      timer = setTimeout(() => {
        timer = undefined
        void refresh.current()
      }, REFRESH_EVERY_MS)
    })
    return () => {
      off()
      clearTimeout(timer)
    }
  }, [api])
  return pages
}
