import { useEffect, useState } from 'react'
import type { ApiClient, RouteOutput } from '../../../../src-shared/contract'
import { plural } from '../../lib/format'
import { useAppStore } from '../../store/app-store'
import { noteFeatureUse } from '../../lib/feature-use'

type ImportResult = RouteOutput<'sessions.import'>

const SHOWN_FILES = 5
/** The contract takes at most this many paths per call. */
const MAX_PATHS = 10_000

export const parsePaths = (text: string): string[] => [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))]

/** Imports ollama-cli sessions found on this machine in one click, or any files whose paths are pasted. */
export function ImportPanel({ api, onClose, onImported }: { api: ApiClient; onClose(): void; onImported(): void }) {
  const [found, setFound] = useState<string[] | undefined>()
  const [pasted, setPasted] = useState('')
  const [running, setRunning] = useState(false)
  const [result, setResult] = useState<ImportResult | undefined>()

  useEffect(() => {
    let live = true
    void api.call('sessions.importable', {}).then((answer) => {
      if (!live) return
      if (answer.ok) setFound(answer.value.files)
      else {
        useAppStore.getState().notifyError(answer.error)
        setFound([])
      }
    })
    return () => {
      live = false
    }
  }, [api])

  const run = async (paths: string[]): Promise<void> => {
    if (paths.length === 0) return
    setRunning(true)
    setResult(undefined)
    noteFeatureUse(api, 'import')
    const answer = await api.call('sessions.import', { paths: paths.slice(0, MAX_PATHS) })
    setRunning(false)
    if (answer.ok) {
      setResult(answer.value)
      if (answer.value.imported > 0) onImported()
    } else useAppStore.getState().notifyError(answer.error)
  }
  const paths = parsePaths(pasted)

  return (
    <section className="card import-panel" aria-labelledby="import-title">
      <div className="status-line">
        <h2 id="import-title">Import sessions</h2>
        <button type="button" className="icon-button" aria-label="Close import" onClick={onClose}>×</button>
      </div>
      <div className="import-found" aria-busy={found === undefined}>
        {found === undefined && <p className="muted">Looking for ollama-cli sessions…</p>}
        {found?.length === 0 && <p className="muted">No ollama-cli session files were found in your home folder.</p>}
        {found && found.length > 0 && (
          <>
            <p>
              Found {plural(found.length, 'ollama-cli session file')}.{' '}
              <button type="button" className="button" disabled={running} onClick={() => void run(found)}>
                Import {found.length === 1 ? 'it' : `all ${found.length}`}
              </button>
            </p>
            <ul className="file-list">
              {found.slice(0, SHOWN_FILES).map((file) => (
                <li key={file}><code>{file}</code></li>
              ))}
              {found.length > SHOWN_FILES && <li className="muted">and {plural(found.length - SHOWN_FILES, 'more file')}</li>}
            </ul>
          </>
        )}
      </div>
      <form
        className="import-paths"
        onSubmit={(event) => {
          event.preventDefault()
          void run(paths)
        }}
      >
        <label className="field">
          <span>Or paste file paths, one per line (ollama-cli sessions, ChatGPT <code>conversations.json</code>, Ollama Desk JSON exports)</span>
          <textarea rows={3} value={pasted} onChange={(event) => setPasted(event.target.value)} spellCheck={false} placeholder="/home/me/Downloads/conversations.json" />
        </label>
        <button type="submit" className="button secondary" disabled={running || paths.length === 0}>
          {running ? 'Importing…' : paths.length > 1 ? `Import ${paths.length} files` : 'Import'}
        </button>
      </form>
      {result && (
        <div className="import-result" role="status">
          <p>
            <strong>Imported {plural(result.imported, 'session')}</strong>
            {result.skipped > 0 && `, skipped ${result.skipped} already here`}
            {result.errors.length > 0 && `; ${plural(result.errors.length, 'file')} could not be read`}.
          </p>
          {result.errors.length > 0 && (
            <ul className="import-errors">
              {result.errors.map((error) => (
                <li key={error.file}>
                  <code>{error.file}</code>: {error.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  )
}
