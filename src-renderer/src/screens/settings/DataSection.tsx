import { useState } from 'react'
import { DELETE_ALL_CONFIRMATION } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { useAppStore } from '../../store/app-store'

type Mode = 'merge' | 'replace'

const joinPath = (platform: string, ...parts: string[]): string => parts.join(platform === 'win32' ? '\\' : '/')
const today = (): string => new Date().toISOString().slice(0, 10)

function useBusy(): [string | undefined, (what: string, run: () => Promise<void>) => Promise<void>] {
  const [busy, setBusy] = useState<string | undefined>()
  const run = async (what: string, action: () => Promise<void>): Promise<void> => {
    setBusy(what)
    try {
      await action()
    } finally {
      setBusy(undefined)
    }
  }
  return [busy, run]
}

/** Settings → Data: where the history lives, a backup now, restoring one (merge, or replace after a confirmation), and every chat in one zip. */
export function DataSection() {
  const api = useApi()
  const info = useAppStore((state) => state.info)
  const [busy, run] = useBusy()
  const [restorePath, setRestorePath] = useState('')
  const [mode, setMode] = useState<Mode>('merge')
  const [confirmReplace, setConfirmReplace] = useState(false)
  const [exportPath, setExportPath] = useState<string | undefined>()
  const [overwrite, setOverwrite] = useState(false)
  const [deleting, setDeleting] = useState<string | undefined>()
  if (!info) return null
  const notify = useAppStore.getState().notify
  const exportTarget = exportPath ?? joinPath(info.platform, info.dataDir, `ollama-desk-chats-${today()}.zip`)

  const backup = (): Promise<void> =>
    run('backup', async () => {
      const result = await api.call('sessions.backup', {})
      if (!result.ok) return useAppStore.getState().notifyError(result.error)
      setRestorePath((current) => current || result.value.path)
      notify({ level: 'info', message: `Backed up your history (${formatBytes(result.value.bytes)}).`, hint: `Saved to ${result.value.path}`, timeoutMs: 8000 })
    })
  const restore = (): Promise<void> =>
    run('restore', async () => {
      setConfirmReplace(false)
      const result = await api.call('sessions.restoreBackup', { path: restorePath.trim(), mode, confirmReplace: mode === 'replace' })
      if (!result.ok) return useAppStore.getState().notifyError(result.error)
      const { sessionsAdded, messagesAdded, snapshot } = result.value
      notify({
        level: 'info',
        message: result.value.mode === 'replace' ? `Your history is now the backup’s (${sessionsAdded} chats).` : `Restored ${sessionsAdded} chats and ${messagesAdded} messages; nothing you had was changed.`,
        hint: snapshot ? `Your previous history was saved to ${snapshot}` : undefined,
        timeoutMs: 10_000,
      })
    })
  const exportAll = (): Promise<void> =>
    run('export', async () => {
      const result = await api.call('sessions.exportAll', { path: exportTarget.trim(), overwrite })
      if (!result.ok) return useAppStore.getState().notifyError(result.error)
      setOverwrite(false)
      notify({ level: 'info', message: `Exported ${result.value.sessions} chats (${formatBytes(result.value.bytes)}).`, hint: `Saved to ${result.value.path}`, timeoutMs: 10_000 })
    })

  const deleteAll = (): Promise<void> =>
    run('delete', async () => {
      const result = await api.call('sessions.deleteAll', { confirm: DELETE_ALL_CONFIRMATION })
      if (!result.ok) return useAppStore.getState().notifyError(result.error)
      setDeleting(undefined)
      setRestorePath(result.value.backup)
      notify({ level: 'info', message: `Deleted ${result.value.deleted} chats.`, hint: `A backup was made first: ${result.value.backup}`, timeoutMs: 15_000 })
    })

  return (
    <section className="card data-card" aria-labelledby="data-title">
      <h3 id="data-title">Your data</h3>
      <dl className="facts">
        <dt>Data folder</dt>
        <dd><code>{info.dataDir}</code></dd>
        <dt>Backups</dt>
        <dd><code>{joinPath(info.platform, info.dataDir, 'backups')}</code></dd>
      </dl>

      <div className="setting-row">
        <div>
          <strong>Back up now</strong>
          <p className="hint">A full copy of your chat history in the backups folder. One is also made every day.</p>
        </div>
        <button type="button" className="button secondary" onClick={() => void backup()} disabled={busy !== undefined}>
          {busy === 'backup' ? 'Backing up…' : 'Back up now'}
        </button>
      </div>

      <div className="data-block" role="group" aria-labelledby="restore-title">
        <strong id="restore-title">Restore from a backup</strong>
        <label className="field">
          <span className="field-label">Backup file (full path)</span>
          <input value={restorePath} placeholder={joinPath(info.platform, info.dataDir, 'backups', 'manual-….sqlite')} onChange={(event) => setRestorePath(event.target.value)} />
        </label>
        <fieldset className="segmented">
          <legend>How</legend>
          {(['merge', 'replace'] as const).map((value) => (
            <label key={value} className={mode === value ? 'selected' : undefined}>
              <input type="radio" name="restore-mode" value={value} checked={mode === value} onChange={() => { setMode(value); setConfirmReplace(false) }} />
              {value === 'merge' ? 'Merge: add what is missing' : 'Replace everything'}
            </label>
          ))}
        </fieldset>
        <p className="hint">{mode === 'merge' ? 'Chats from the backup that you no longer have come back; nothing you have is changed.' : 'Your history becomes exactly the backup. The current one is saved as a snapshot first.'}</p>
        {confirmReplace ? (
          <div className="row confirm-row" role="group" aria-label="Confirm replace">
            <p className="muted">Replace your whole chat history with this backup?</p>
            <button type="button" className="button danger" onClick={() => void restore()}>Replace</button>
            <button type="button" className="button secondary" onClick={() => setConfirmReplace(false)}>Cancel</button>
          </div>
        ) : (
          <button type="button" className="button secondary align-start" disabled={!restorePath.trim() || busy !== undefined} onClick={() => (mode === 'replace' ? setConfirmReplace(true) : void restore())}>
            {busy === 'restore' ? 'Restoring…' : mode === 'replace' ? 'Replace with this backup…' : 'Restore'}
          </button>
        )}
      </div>

      <div className="data-block" role="group" aria-labelledby="export-title">
        <strong id="export-title">Export all chats</strong>
        <p className="hint">Every chat as JSON (to import again) and Markdown, in one zip file on this computer.</p>
        <label className="field">
          <span className="field-label">Zip file (full path, in an existing folder)</span>
          <input value={exportTarget} onChange={(event) => setExportPath(event.target.value)} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={overwrite} onChange={(event) => setOverwrite(event.target.checked)} /> Replace the file if it exists
        </label>
        <button type="button" className="button secondary align-start" disabled={!exportTarget.trim() || busy !== undefined} onClick={() => void exportAll()}>
          {busy === 'export' ? 'Exporting…' : 'Export all'}
        </button>
      </div>

      <div className="data-block data-danger" role="group" aria-labelledby="delete-all-title">
        <strong id="delete-all-title">Delete all chats</strong>
        <p className="hint">Every chat and its messages, the trash included, are deleted for good. A backup is made first, so Restore can bring them back.</p>
        {deleting === undefined ? (
          <button type="button" className="button danger" disabled={busy !== undefined} onClick={() => setDeleting('')}>Delete all chats…</button>
        ) : (
          <div className="confirm-delete" role="group" aria-label="Confirm deleting all chats">
            <label className="field">
              <span className="field-label">Type “{DELETE_ALL_CONFIRMATION}” to confirm</span>
              <input value={deleting} autoComplete="off" spellCheck={false} onChange={(event) => setDeleting(event.target.value)} />
            </label>
            <div className="row">
              <button type="button" className="button danger" disabled={deleting !== DELETE_ALL_CONFIRMATION || busy !== undefined} onClick={() => void deleteAll()}>
                {busy === 'delete' ? 'Deleting…' : 'Delete everything'}
              </button>
              <button type="button" className="button secondary" onClick={() => setDeleting(undefined)}>Cancel</button>
            </div>
          </div>
        )}
      </div>
    </section>
  )
}
