import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ApiClient, SearchHit, SessionSummary } from '../../../../src-shared/contract'
import { openSession } from '../../lib/navigation'
import type { PointerSelect } from './SessionList'
import { useSessionsView } from './sessions-view-store'
import { useSession } from './use-session-data'

export interface SelectionInput {
  sessions: SessionSummary[]
  hits: SearchHit[]
  /** The list shows search hits rather than sessions. */
  showHits: boolean
  /** Changes with the list's query: the selection and the checks start over. */
  listKey: string
  /** Changes on every reload, so a hit's session is fetched again. */
  version: number
}

/** The active row (sessions or hits), the checked sessions, and how clicks and the keyboard change them. */
export function useSessionSelection(api: ApiClient, { sessions, hits, showHits, listKey, version }: SelectionInput) {
  // The selection lives in the screen's store, so it is still there after a visit to a chat.
  const active = useSessionsView((state) => state.active)
  const setActive = useSessionsView((state) => state.setActive)
  const activeHit = useSessionsView((state) => state.activeHit)
  const setActiveHit = useSessionsView((state) => state.setActiveHit)
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set())
  const anchor = useRef<number | undefined>(undefined)

  const idIndex = useMemo(() => new Map(sessions.map((session, i) => [session.id, i])), [sessions])
  // The selection follows its session when the list reorders; if the session left, its place is kept.
  const listItem = sessions.length === 0 ? undefined : active ? (idIndex.get(active.id) ?? Math.min(active.item, sessions.length - 1)) : 0
  const hitItem = hits.length === 0 ? undefined : Math.min(activeHit, hits.length - 1)
  const activeItem = showHits ? hitItem : listItem
  const hit = showHits && hitItem !== undefined ? hits[hitItem] : undefined
  const hitSession = useSession(api, hit?.sessionId, version)
  const activeSession: SessionSummary | undefined = showHits ? hitSession : listItem === undefined ? undefined : sessions[listItem]
  const activeId = showHits ? hit?.sessionId : activeSession?.id

  // New hits start at the first, except the same search answered again on the way back to the screen.
  const firstHits = useRef(true)
  useEffect(() => {
    if (firstHits.current && hits.length === 0) return
    if (!firstHits.current) setActiveHit(0)
    firstHits.current = false
  }, [hits, setActiveHit])
  useEffect(() => {
    setChecked(new Set())
    anchor.current = undefined
    const view = useSessionsView.getState()
    if (view.selectionKey === listKey) return
    view.setSelectionKey(listKey)
    setActive(undefined)
  }, [listKey, setActive])

  const select = useCallback(
    (item: number) => {
      if (showHits) return setActiveHit(item)
      const session = sessions[item]
      if (session) setActive({ id: session.id, item })
    },
    [showHits, sessions, setActive, setActiveHit],
  )

  const onPointerSelect = useCallback(
    (item: number, how: PointerSelect) => {
      const session = sessions[item]
      if (!session) return
      setChecked((previous) => {
        const next = new Set(previous)
        if (how === 'range' && anchor.current !== undefined) {
          const [from, to] = anchor.current < item ? [anchor.current, item] : [item, anchor.current]
          for (let i = from; i <= to; i++) if (sessions[i]) next.add(sessions[i]!.id)
        } else if (next.has(session.id)) next.delete(session.id)
        else next.add(session.id)
        return next
      })
      if (how === 'toggle' || anchor.current === undefined) anchor.current = item
      setActive({ id: session.id, item })
    },
    [sessions, setActive],
  )

  const open = useCallback((item: number) => {
    const id = showHits ? hits[item]?.sessionId : sessions[item]?.id
    if (id) openSession(id)
  }, [showHits, hits, sessions])

  const clearChecked = useCallback(() => setChecked(new Set()), [])
  return { listItem, activeItem, activeSession, activeId, checked, clearChecked, select, onPointerSelect, open }
}

export type SessionSelection = ReturnType<typeof useSessionSelection>
