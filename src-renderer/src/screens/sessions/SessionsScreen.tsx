import { useApi } from '../../api/context'
import { ScreenHeader } from '../../components/ScreenHeader'
import { openSession } from '../../lib/navigation'
import { BackupButton } from './BackupButton'
import { ImportPanel } from './ImportPanel'
import { SessionListPane } from './SessionListPane'
import { SessionPreview } from './SessionPreview'
import { SessionToolbar } from './SessionToolbar'
import { useSessionBrowser } from './use-session-browser'

/** The session browser: a virtual, grouped, searchable list beside a preview of the selected session. */
export function SessionsScreen() {
  const api = useApi()
  const browser = useSessionBrowser(api)
  const { query, importOpen, setImportOpen, listRef, tags } = browser
  return (
    <div className="sessions-screen fill-screen" ref={browser.container}>
      <ScreenHeader
        id="sessions"
        actions={
          <>
            <button type="button" className="button secondary" aria-expanded={importOpen} onClick={() => setImportOpen(!importOpen)}>Import…</button>
            <BackupButton />
          </>
        }
      />
      {importOpen && <ImportPanel api={api} onClose={() => setImportOpen(false)} onImported={browser.scheduleRefresh} />}
      <SessionToolbar
        searchText={query.searchText}
        onSearchText={query.setSearchText}
        searchRef={browser.searchRef}
        onSearchKeyDown={browser.onSearchKeyDown}
        filters={query.filters}
        onFilters={query.setFilters}
        tags={tags}
      />
      <div className="session-browser">
        <SessionListPane browser={browser} />
        <SessionPreview
          api={api}
          session={browser.selection.activeSession}
          version={browser.version}
          renaming={browser.renaming}
          onRenaming={(value) => {
            browser.setRenaming(value)
            if (!value) listRef.current?.focus({ preventScroll: true })
          }}
          knownTags={tags.map(({ tag }) => tag)}
          actions={browser.actions}
          onOpen={openSession}
        />
      </div>
    </div>
  )
}
