import { formatCount, plural } from '../../lib/format'
import { BulkBar } from './BulkBar'
import { activeFilterCount, defaultFilters } from './filters'
import { ListMessage, SessionList } from './SessionList'
import type { SessionBrowser } from './use-session-browser'
import { SEARCH_LIMIT } from '../../lib/session-search'

type Empty = 'search-failed' | 'no-hits' | 'load-failed' | 'trash-empty' | 'no-match' | 'no-sessions'

/** Why the list has no rows to show, if it has none. */
function emptyOf({ showHits, search, pages, query }: SessionBrowser, filtered: boolean): Empty | undefined {
  if (showHits && search.error) return 'search-failed'
  if (showHits && search.hits.length === 0) return 'no-hits'
  if (!showHits && pages.status === 'error' && pages.sessions.length === 0) return 'load-failed'
  if (!showHits && pages.status === 'ready' && pages.total === 0) return query.filters.trash ? 'trash-empty' : filtered ? 'no-match' : 'no-sessions'
  return undefined
}

function EmptyList({ kind, browser, filtered }: { kind: Empty; browser: SessionBrowser; filtered: boolean }) {
  const { search, pages, query } = browser
  switch (kind) {
    case 'search-failed':
      return (
        <ListMessage title="The search could not run.">
          <p className="hint">{search.error?.message} {search.error?.hint}</p>
        </ListMessage>
      )
    case 'no-hits':
      return (
        <ListMessage title={`Nothing matches “${search.searchedFor}”.`}>
          <p className="hint">Search looks at titles and message text. Try fewer or shorter words{filtered ? ', or clear the filters' : ''}.</p>
        </ListMessage>
      )
    case 'load-failed':
      return (
        <ListMessage title="Your sessions could not be loaded.">
          <p className="hint">{pages.error?.message} {pages.error?.hint}</p>
          <button type="button" className="button secondary" onClick={() => void pages.refresh()}>Try again</button>
        </ListMessage>
      )
    case 'trash-empty':
      return (
        <ListMessage title="The trash is empty.">
          <p className="hint">Deleted sessions wait here until you restore them.</p>
        </ListMessage>
      )
    case 'no-match':
      return (
        <ListMessage title="No session matches these filters.">
          <button type="button" className="button secondary" onClick={() => query.setFilters({ ...defaultFilters, sort: query.filters.sort, order: query.filters.order })}>Clear filters</button>
        </ListMessage>
      )
    case 'no-sessions':
      return (
        <ListMessage title="No sessions yet">
          <p className="hint">Chats you have appear here; import from ollama-cli or ChatGPT.</p>
          <button type="button" className="button" onClick={() => browser.setImportOpen(true)}>Import…</button>
        </ListMessage>
      )
  }
}

/** "1,234 sessions", "12 in the trash", "Top 200 results for “x”" above the list. */
function countLabel({ showHits, search, pages, query }: SessionBrowser): string {
  if (showHits) return `${search.hits.length >= SEARCH_LIMIT ? 'Top ' : ''}${plural(search.hits.length, 'result')} for “${search.searchedFor}”`
  if (pages.status === 'loading' && pages.sessions.length === 0) return 'Loading…'
  return `${formatCount(pages.total)} ${query.filters.trash ? 'in the trash' : pages.total === 1 ? 'session' : 'sessions'}`
}

/** The list side of the browser: its count, the bulk bar, and the rows (or why there are none). */
export function SessionListPane({ browser }: { browser: SessionBrowser }) {
  const { showHits, search, pages, query, selection } = browser
  const filtered = activeFilterCount(query.settled) > 0
  const empty = emptyOf(browser, filtered)
  const busy = showHits ? search.status === 'searching' : pages.status === 'loading'
  return (
    <section className="card list-pane" aria-label="Session list">
      <div className="list-status" aria-live="polite">
        <span>{countLabel(browser)}</span>
        {busy && pages.sessions.length > 0 && <span className="muted">Updating…</span>}
      </div>
      {!showHits && selection.checked.size > 0 && <BulkBar count={selection.checked.size} inTrash={query.filters.trash} {...browser.bulk} />}
      {empty ? (
        <EmptyList kind={empty} browser={browser} filtered={filtered} />
      ) : (
        <SessionList
          model={browser.rowModel}
          mode={showHits ? 'hits' : 'sessions'}
          setSize={showHits ? search.hits.length : pages.total}
          activeItem={selection.activeItem}
          revealKey={browser.revealKey}
          checked={selection.checked}
          busy={busy}
          listRef={browser.listRef}
          onActivate={selection.select}
          onOpen={selection.open}
          onPointerSelect={selection.onPointerSelect}
          onNeedItems={pages.ensureLoaded}
        />
      )}
    </section>
  )
}
