import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { SessionSummary } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { ScreenHeader } from '../../components/ScreenHeader'
import { formatBytes, formatCount, plural } from '../../lib/format'
import { openSession } from '../../lib/navigation'
import { useDebounced } from '../../lib/use-debounced'
import { useAppStore } from '../../store/app-store'
import { BulkBar } from './BulkBar'
import { activeFilterCount, defaultFilters, toListQuery, toSearchFilters, type FilterState } from './filters'
import { ImportPanel } from './ImportPanel'
import { hitRows, sessionRows } from './session-rows'
import { ListMessage, SessionList, type PointerSelect } from './SessionList'
import { SessionPreview } from './SessionPreview'
import { SessionToolbar } from './SessionToolbar'
import { useBrowserKeys } from './use-browser-keys'
import { useSessionActions, type SessionPatch, type UndoOffer } from './use-session-actions'
import { useSession, useSessionTags } from './use-session-data'
import { useSessionPages } from './use-session-pages'
import { SEARCH_LIMIT, useSessionSearch } from './use-session-search'

/** Typing in the provider and model filters waits this long before the list reloads. */
const FILTER_DEBOUNCE_MS = 250
/** Several changes in a row (our own call, then the pushed event) cause one reload. */
const REFRESH_COALESCE_MS = 40
/** How long Undo stays offered; deleted sessions stay in the trash afterwards, restorable there. */
export const UNDO_MS = 10_000

function BackupButton() {
  const api = useApi()
  const [running, setRunning] = useState(false)
  const backup = async (): Promise<void> => {
    setRunning(true)
    const result = await api.call('sessions.backup', {})
    setRunning(false)
    const store = useAppStore.getState()
    if (result.ok) store.notify({ level: 'info', message: `Backed up your history (${formatBytes(result.value.bytes)}).`, hint: `Saved to ${result.value.path}` })
    else store.notifyError(result.error)
  }
  return (
    <button type="button" className="button secondary" onClick={() => void backup()} disabled={running}>
      {running ? 'Backing up…' : 'Back up now'}
    </button>
  )
}

/** The session browser: a virtual, grouped, searchable list beside a preview of the selected session. */
export function SessionsScreen() {
  const api = useApi()
  const container = useRef<HTMLDivElement>(null)
  const listRef = useRef<HTMLDivElement>(null)
  const searchRef = useRef<HTMLInputElement>(null)

  const [filters, setFilters] = useState<FilterState>(defaultFilters)
  const [searchText, setSearchText] = useState('')
  const provider = useDebounced(filters.provider, FILTER_DEBOUNCE_MS)
  const model = useDebounced(filters.model, FILTER_DEBOUNCE_MS)
  const settled = useMemo(() => ({ ...filters, provider, model }), [filters, provider, model])
  const listQuery = useMemo(() => toListQuery(settled), [settled])
  const listKey = JSON.stringify(listQuery)
  const searchFilters = useMemo(() => toSearchFilters(settled), [settled])

  const pages = useSessionPages(api, listQuery)
  const search = useSessionSearch(api, searchText, searchFilters)
  const { tags, reload: reloadTags } = useSessionTags(api)
  const showHits = searchText.trim() !== '' && search.searchedFor !== ''
  const { sessions } = pages

  const rowModel = useMemo(
    () => (showHits ? hitRows(search.hits) : sessionRows(sessions, pages.total, filters.sort, Date.now())),
    [showHits, search.hits, sessions, pages.total, filters.sort],
  )

  const [active, setActive] = useState<{ id: string; item: number } | undefined>()
  const [activeHit, setActiveHit] = useState(0)
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set())
  const anchor = useRef<number | undefined>(undefined)
  const [renaming, setRenaming] = useState(false)
  const [importOpen, setImportOpen] = useState(false)
  const [bulkBusy, setBulkBusy] = useState(false)
  const [version, setVersion] = useState(0)
  const [revealKey, setRevealKey] = useState(0)

  const idIndex = useMemo(() => new Map(sessions.map((session, i) => [session.id, i])), [sessions])
  // The selection follows its session when the list reorders; if the session left, its place is kept.
  const listItem = sessions.length === 0 ? undefined : active ? (idIndex.get(active.id) ?? Math.min(active.item, sessions.length - 1)) : 0
  const hitItem = search.hits.length === 0 ? undefined : Math.min(activeHit, search.hits.length - 1)
  const activeItem = showHits ? hitItem : listItem
  const hit = showHits && hitItem !== undefined ? search.hits[hitItem] : undefined
  const hitSession = useSession(api, hit?.sessionId, version)
  const activeSession: SessionSummary | undefined = showHits ? hitSession : listItem === undefined ? undefined : sessions[listItem]
  const activeId = showHits ? hit?.sessionId : activeSession?.id

  useEffect(() => setActiveHit(0), [search.hits])
  useEffect(() => setRenaming(false), [activeId])
  useEffect(() => {
    setChecked(new Set())
    setActive(undefined)
    anchor.current = undefined
  }, [listKey])

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const { refresh: refreshPages } = pages
  const { refresh: refreshSearch } = search
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

  // Restoring goes through a ref: the offer can outlive this render (and the screen).
  const restoreRef = useRef<(ids: string[]) => Promise<boolean>>(async () => false)
  const actions = useSessionActions(api, {
    onUpdated: pages.patch,
    onChanged: scheduleRefresh,
    onDeleted: useCallback((offer: UndoOffer) => {
      setChecked(new Set())
      useAppStore.getState().notify({ level: 'info', message: offer.message, timeoutMs: UNDO_MS, action: { label: 'Undo', run: () => void restoreRef.current(offer.ids) } })
    }, []),
  })
  restoreRef.current = actions.restore

  const select = useCallback(
    (item: number) => {
      if (showHits) return setActiveHit(item)
      const session = sessions[item]
      if (session) setActive({ id: session.id, item })
    },
    [showHits, sessions],
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
    [sessions],
  )

  const open = useCallback((item: number) => {
    const id = showHits ? search.hits[item]?.sessionId : sessions[item]?.id
    if (id) openSession(id)
  }, [showHits, search.hits, sessions])

  const bulk = async (run: (ids: string[]) => Promise<unknown>): Promise<void> => {
    setBulkBusy(true)
    await run([...checked])
    setBulkBusy(false)
  }
  const bulkUpdate = (patch: SessionPatch): Promise<void> => bulk((ids) => actions.updateMany(ids, patch))

  useBrowserKeys(container, {
    move: (to) => {
      const count = showHits ? search.hits.length : sessions.length
      if (count === 0) return
      const current = activeItem ?? -1
      const next = to === 'first' ? 0 : to === 'last' ? count - 1 : Math.max(0, Math.min(count - 1, current + to))
      select(next)
      setRevealKey((n) => n + 1)
      listRef.current?.focus({ preventScroll: true })
    },
    open: () => activeItem !== undefined && open(activeItem),
    remove: () => {
      if (filters.trash || !activeId) return
      const ids = !showHits && checked.size > 0 ? [...checked] : [activeId]
      void actions.remove(ids, ids.length === 1 && activeSession && activeSession.id === ids[0] ? activeSession.title : undefined)
    },
    rename: () => activeSession && setRenaming(true),
    toggle: () => !showHits && listItem !== undefined && onPointerSelect(listItem, 'toggle'),
    focusSearch: () => {
      searchRef.current?.focus()
      searchRef.current?.select()
    },
    escape: () => {
      if (searchText) setSearchText('')
      else setChecked(new Set())
    },
  })

  const onSearchKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Escape' && searchText) setSearchText('')
    else if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === 'Escape') listRef.current?.focus()
    else return
    event.preventDefault()
  }

  const filtered = activeFilterCount(settled) > 0
  let empty: ReactNode = null
  if (showHits && search.error) {
    empty = (
      <ListMessage title="The search could not run.">
        <p className="hint">{search.error.message} {search.error.hint}</p>
      </ListMessage>
    )
  } else if (showHits && search.hits.length === 0) {
    empty = (
      <ListMessage title={`Nothing matches “${search.searchedFor}”.`}>
        <p className="hint">Search looks at titles and message text. Try fewer or shorter words{filtered ? ', or clear the filters' : ''}.</p>
      </ListMessage>
    )
  } else if (!showHits && pages.status === 'error' && sessions.length === 0) {
    empty = (
      <ListMessage title="Your sessions could not be loaded.">
        <p className="hint">{pages.error?.message} {pages.error?.hint}</p>
        <button type="button" className="button secondary" onClick={() => void pages.refresh()}>Try again</button>
      </ListMessage>
    )
  } else if (!showHits && pages.status === 'ready' && pages.total === 0) {
    empty = filters.trash ? (
      <ListMessage title="The trash is empty.">
        <p className="hint">Deleted sessions wait here until you restore them.</p>
      </ListMessage>
    ) : filtered ? (
      <ListMessage title="No session matches these filters.">
        <button type="button" className="button secondary" onClick={() => setFilters({ ...defaultFilters, sort: filters.sort, order: filters.order })}>Clear filters</button>
      </ListMessage>
    ) : (
      <ListMessage title="No sessions yet">
        <p className="hint">Chats you have appear here; import from ollama-cli or ChatGPT.</p>
        <button type="button" className="button" onClick={() => setImportOpen(true)}>Import…</button>
      </ListMessage>
    )
  }

  const busy = showHits ? search.status === 'searching' : pages.status === 'loading'
  const countLabel = showHits
    ? `${search.hits.length >= SEARCH_LIMIT ? 'Top ' : ''}${plural(search.hits.length, 'result')} for “${search.searchedFor}”`
    : pages.status === 'loading' && sessions.length === 0
      ? 'Loading…'
      : `${formatCount(pages.total)} ${filters.trash ? 'in the trash' : pages.total === 1 ? 'session' : 'sessions'}`

  return (
    <div className="sessions-screen fill-screen" ref={container}>
      <ScreenHeader
        id="sessions"
        actions={
          <>
            <button type="button" className="button secondary" aria-expanded={importOpen} onClick={() => setImportOpen(!importOpen)}>Import…</button>
            <BackupButton />
          </>
        }
      />
      {importOpen && <ImportPanel api={api} onClose={() => setImportOpen(false)} onImported={scheduleRefresh} />}
      <SessionToolbar
        searchText={searchText}
        onSearchText={setSearchText}
        searchRef={searchRef}
        onSearchKeyDown={onSearchKeyDown}
        filters={filters}
        onFilters={setFilters}
        tags={tags}
      />
      <div className="session-browser">
        <section className="card list-pane" aria-label="Session list">
          <div className="list-status" aria-live="polite">
            <span>{countLabel}</span>
            {busy && sessions.length > 0 && <span className="muted">Updating…</span>}
          </div>
          {!showHits && checked.size > 0 && (
            <BulkBar
              count={checked.size}
              inTrash={filters.trash}
              busy={bulkBusy}
              onPin={() => void bulkUpdate({ pinned: true })}
              onArchive={() => void bulkUpdate({ archived: true })}
              onTag={(tag) => void bulkUpdate({ addTags: [tag] })}
              onDelete={() => void bulk((ids) => actions.remove(ids))}
              onRestore={() => void bulk(async (ids) => (await actions.restore(ids)) && setChecked(new Set()))}
              onClear={() => setChecked(new Set())}
            />
          )}
          {empty ?? (
            <SessionList
              model={rowModel}
              mode={showHits ? 'hits' : 'sessions'}
              setSize={showHits ? search.hits.length : pages.total}
              activeItem={activeItem}
              revealKey={revealKey}
              checked={checked}
              busy={busy}
              listRef={listRef}
              onActivate={select}
              onOpen={open}
              onPointerSelect={onPointerSelect}
              onNeedItems={pages.ensureLoaded}
            />
          )}
        </section>
        <SessionPreview
          api={api}
          session={activeSession}
          version={version}
          renaming={renaming}
          onRenaming={(value) => {
            setRenaming(value)
            if (!value) listRef.current?.focus({ preventScroll: true })
          }}
          knownTags={tags.map(({ tag }) => tag)}
          actions={actions}
          onOpen={openSession}
        />
      </div>
    </div>
  )
}
