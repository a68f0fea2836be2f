import { useState } from 'react'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { useAppStore } from '../../store/app-store'

/** Settings → Data: where the history lives and copies of it. */
export function DataSection() {
  const api = useApi()
  const info = useAppStore((state) => state.info)
  const [backingUp, setBackingUp] = useState(false)
  if (!info) return null
  const backup = async (): Promise<void> => {
    setBackingUp(true)
    const result = await api.call('sessions.backup', {})
    setBackingUp(false)
    const store = useAppStore.getState()
    if (result.ok) store.notify({ level: 'info', message: `Backed up your history (${formatBytes(result.value.bytes)}).`, hint: `Saved to ${result.value.path}`, timeoutMs: 8000 })
    else store.notifyError(result.error)
  }
  return (
    <section className="card data-card" aria-labelledby="data-title">
      <h3 id="data-title">Your data</h3>
      <dl className="facts">
        <dt>Data folder</dt>
        <dd><code>{info.dataDir}</code></dd>
      </dl>
      <div className="setting-row">
        <div>
          <strong>Back up now</strong>
          <p className="hint">A full copy of your chat history in the data folder’s backups. One is also made every day.</p>
        </div>
        <button type="button" className="button secondary" onClick={() => void backup()} disabled={backingUp}>
          {backingUp ? 'Backing up…' : 'Back up now'}
        </button>
      </div>
    </section>
  )
}
