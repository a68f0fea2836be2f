import { useState } from 'react'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { useAppStore } from '../../store/app-store'

export function BackupButton() {
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
