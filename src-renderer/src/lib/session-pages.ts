import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiClient, ErrorShape, ListSessionsInput, SessionSummary } from '../../../src-shared/contract'
import { useAppStore } from '../store/app-store'

/** Sessions per sessions.list call (the contract’s maximum): each call costs about the same, so fewer is faster. */
export const PAGE_SIZE = 500

export type SessionListQuery = Omit<ListSessionsInput, 'limit' | 'offset'>

export interface SessionPages {
  /** The loaded prefix of the list, in the order the core sorted it. */
  sessions: SessionSummary[]
  /** How many sessions match in all (the list shows placeholders for the ones not loaded yet). */
  total: number
  status: 'loading' | 'ready' | 'error'
  error: ErrorShape | undefined
  /** Make sure the first `count` sessions are (being) loaded; called as the user scrolls. */
  ensureLoaded(count: number): void
  /** Reload everything loaded so far (after a change), swapping it in at once to avoid flicker. */
  refresh(): Promise<void>
  /** Show a session's new state right away, before the next refresh confirms it. */
  patch(session: SessionSummary): void
}

const pageOffsets = (count: number): number[] => Array.from({ length: Math.max(1, Math.ceil(count / PAGE_SIZE)) }, (_, i) => i * PAGE_SIZE)

/** Pages of sessions.list loaded on demand, in order; stale answers (an older query) are dropped. */
export function useSessionPages(api: ApiClient, query: SessionListQuery): SessionPages {
  const key = JSON.stringify(query)
  const [state, setState] = useState<Pick<SessionPages, 'sessions' | 'total' | 'status' | 'error'>>({
    sessions: [],
    total: 0,
    status: 'loading',
    error: undefined,
  })
  const pages = useRef(new Map<number, SessionSummary[]>())
  const pending = useRef(new Set<number>())
  const generation = useRef(0)
  const wanted = useRef(PAGE_SIZE)
  const total = useRef<number | undefined>(undefined)
  const queryRef = useRef(query)
  queryRef.current = query

  const commitNow = useCallback(() => {
    const seen = new Set<string>()
    const sessions: SessionSummary[] = []
    for (let offset = 0; pages.current.has(offset); offset += PAGE_SIZE) {
      const page = pages.current.get(offset)!
      // A session that moved between two page loads would show twice; the next refresh settles it.
      for (const session of page) {
        if (seen.has(session.id)) continue
        seen.add(session.id)
        sessions.push(session)
      }
      if (page.length < PAGE_SIZE) break
    }
    setState({ sessions, total: Math.max(total.current ?? 0, sessions.length), status: 'ready', error: undefined })
  }, [])

  // Pages that arrive together (a jump to the end asks for many) are shown in one render.
  const commitTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const commit = useCallback(() => {
    if (commitTimer.current !== undefined) return
    commitTimer.current = setTimeout(() => {
      commitTimer.current = undefined
      commitNow()
    }, 0)
  }, [commitNow])
  useEffect(() => () => clearTimeout(commitTimer.current), [])

  const fail = useCallback((error: ErrorShape) => {
    useAppStore.getState().notifyError(error)
    setState((previous) => ({ ...previous, status: previous.sessions.length > 0 ? 'ready' : 'error', error }))
  }, [])

  const fetchPage = useCallback(
    (offset: number) => api.call('sessions.list', { ...queryRef.current, limit: PAGE_SIZE, offset }),
    [api],
  )

  const ensureLoaded = useCallback(
    (count: number) => {
      // What the view needs now: a refresh reloads this much, not everything ever scrolled past.
      wanted.current = Math.max(PAGE_SIZE, count)
      const known = total.current
      if (known === undefined) return
      const gen = generation.current
      for (const offset of pageOffsets(Math.min(count, known))) {
        if (offset >= known || pages.current.has(offset) || pending.current.has(offset)) continue
        pending.current.add(offset)
        void fetchPage(offset).then((result) => {
          if (gen !== generation.current) return
          pending.current.delete(offset)
          if (!result.ok) return fail(result.error)
          pages.current.set(offset, result.value.sessions)
          total.current = result.value.total
          commit()
        })
      }
    },
    [commit, fail, fetchPage],
  )

  const load = useCallback(
    async (count: number) => {
      const gen = ++generation.current
      pending.current.clear()
      const offsets = pageOffsets(count)
      const results = await Promise.all(offsets.map(fetchPage))
      if (gen !== generation.current) return
      const failed = results.find((result) => !result.ok)
      if (failed && !failed.ok) return fail(failed.error)
      pages.current.clear()
      results.forEach((result, i) => result.ok && pages.current.set(offsets[i]!, result.value.sessions))
      total.current = results[0]!.ok ? results[0]!.value.total : 0
      commit()
      ensureLoaded(wanted.current)
    },
    [commit, ensureLoaded, fail, fetchPage],
  )

  useEffect(() => {
    // A new query starts from the top; what was shown stays until the first page replaces it.
    wanted.current = PAGE_SIZE
    total.current = undefined
    setState((previous) => ({ ...previous, status: 'loading' }))
    void load(PAGE_SIZE)
  }, [key, load])

  const refresh = useCallback(() => load(Math.min(wanted.current, Math.max(PAGE_SIZE, total.current ?? 0))), [load])

  const patch = useCallback(
    (session: SessionSummary) => {
      for (const [offset, page] of pages.current) {
        const index = page.findIndex((candidate) => candidate.id === session.id)
        if (index >= 0) pages.current.set(offset, page.with(index, session))
      }
      commit()
    },
    [commit],
  )

  return { ...state, ensureLoaded, refresh, patch }
}
