import { useEffect, useState } from 'react'
import type { RouteName, UpdateChannel, UpdateStatus } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes, formatWhen } from '../../lib/format'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'
import { Markdown } from '../../components/Markdown'
import '../../updates.css'

const CHANNELS: { value: UpdateChannel; label: string }[] = [
  { value: 'latest', label: 'Latest (stable releases)' },
  { value: 'beta', label: 'Beta (early releases, may have rough edges)' },
]

/** The one line that says where the updater is. */
function stateLine(status: UpdateStatus): string {
  const { update } = status
  switch (update.state) {
    case 'disabled':
      return update.reason
    case 'checking':
      return 'Checking for updates…'
    case 'available':
      return `Version ${update.version} is available.`
    case 'downloading': {
      const { percent, transferred, total } = update.progress
      const bytes = total > 0 ? ` (${formatBytes(transferred)} of ${formatBytes(total)})` : ''
      return `Downloading version ${update.version}… ${Math.round(percent)}%${bytes}`
    }
    case 'downloaded':
      return status.installPending ? `Version ${update.version} installs as soon as the streaming reply has finished.` : `Version ${update.version} is ready to install.`
    case 'error':
      return update.message
    case 'idle':
      return status.lastCheckedAt === null ? 'Not checked yet.' : `Ollama Desk ${status.currentVersion} is up to date.`
  }
}

/** Automatic updates: channel, check, download progress, release notes, restart to install. */
export function UpdatesSection() {
  const api = useApi()
  const settings = useAppStore((state) => state.settings?.updates)
  const [status, setStatus] = useState<UpdateStatus | undefined>()

  useEffect(() => {
    let live = true
    void api.call('updates.status', {}).then((result) => live && result.ok && setStatus(result.value))
    const off = api.on('updates.changed', (next) => setStatus(next))
    return () => {
      live = false
      off()
    }
  }, [api])

  if (!settings || !status) return null
  const { update } = status

  const run = async (route: Extract<RouteName, 'updates.check' | 'updates.download' | 'updates.install'>): Promise<void> => {
    const result = await api.call(route, {})
    if (result.ok) setStatus(result.value)
    else useAppStore.getState().notifyError(result.error)
  }

  if (update.state === 'disabled') {
    return (
      <section className="card updates" aria-labelledby="updates-title">
        <h3 id="updates-title">Updates</h3>
        <p className="update-state" role="status">{update.reason}</p>
        <p className="hint">This is version {status.currentVersion}.</p>
      </section>
    )
  }

  const busy = update.state === 'checking' || update.state === 'downloading'
  const notes = update.state === 'available' || update.state === 'downloading' || update.state === 'downloaded' ? update.releaseNotes : null
  return (
    <section className="card updates" aria-labelledby="updates-title">
      <h3 id="updates-title">Updates</h3>
      <label className="field">
        <span className="field-label">Channel</span>
        <select value={settings.channel} onChange={(event) => void updateSettings(api, { updates: { channel: event.target.value as UpdateChannel } })}>
          {CHANNELS.map((channel) => (
            <option key={channel.value} value={channel.value}>
              {channel.label}
            </option>
          ))}
        </select>
      </label>
      <label className="check-row">
        <input type="checkbox" role="switch" checked={settings.enabled} onChange={(event) => void updateSettings(api, { updates: { enabled: event.target.checked } })} />
        Check for updates automatically
      </label>
      <label className="check-row">
        <input type="checkbox" role="switch" checked={settings.autoDownload} onChange={(event) => void updateSettings(api, { updates: { autoDownload: event.target.checked } })} />
        Download updates in the background
      </label>

      <p className={update.state === 'error' ? 'update-state field-error' : 'update-state'} role={update.state === 'error' ? 'alert' : 'status'}>
        {stateLine(status)}
      </p>
      {update.state === 'downloading' && (
        <div className="bar" role="progressbar" aria-label={`Downloading version ${update.version}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(update.progress.percent)}>
          <span style={{ width: `${Math.min(100, Math.max(0, update.progress.percent))}%` }} />
        </div>
      )}
      <div className="row">
        <button type="button" className="button secondary" disabled={busy} onClick={() => void run('updates.check')}>
          Check now
        </button>
        {update.state === 'available' && (
          <button type="button" className="button" onClick={() => void run('updates.download')}>
            Download {update.version}
          </button>
        )}
        {update.state === 'downloaded' && (
          <button type="button" className="button" disabled={status.installBlockedBy !== null || status.installPending} onClick={() => void run('updates.install')}>
            Restart to update
          </button>
        )}
      </div>
      {update.state === 'downloaded' && status.installBlockedBy && <p className="hint">{status.installBlockedBy}</p>}
      {update.state === 'downloaded' && !status.installBlockedBy && <p className="hint">Or keep working: the update installs when you quit Ollama Desk.</p>}
      {status.lastCheckedAt !== null && <p className="hint">Last checked {formatWhen(status.lastCheckedAt)}.</p>}
      {notes && (
        <details className="release-notes" open>
          <summary>What’s new</summary>
          <Markdown text={notes} />
        </details>
      )}
    </section>
  )
}
