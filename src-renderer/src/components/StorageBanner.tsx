import { useCallback, useEffect, useState } from 'react'
import type { ReadOnlyReason } from '../../../src-shared/contract'
import { useApi } from '../api/context'
import { useAppStore } from '../store/app-store'

/** How often a read-only history checks whether the disk has room again. */
const RECHECK_MS = 30_000

/**
 * Says, for as long as it lasts, that the history cannot save anything (a full disk) and what to
 * do; it goes away by itself once there is room again. Checked at start, after every E_DISK_FULL
 * answer, every half minute while shown, and on "Check again".
 */
export function StorageBanner() {
  const api = useApi()
  const diskFullSeen = useAppStore((state) => state.diskFullSeen)
  const [readOnly, setReadOnly] = useState<ReadOnlyReason | null>(null)
  const [checking, setChecking] = useState(false)

  const check = useCallback(async () => {
    setChecking(true)
    const result = await api.call('sessions.storage', {})
    setChecking(false)
    // Another failure (e.g. the store did not open) is shown by whoever needed the history.
    if (result.ok) setReadOnly(result.value.readOnly)
  }, [api])

  useEffect(() => void check(), [check, diskFullSeen])
  useEffect(() => {
    if (!readOnly) return
    const timer = setInterval(() => void check(), RECHECK_MS)
    return () => clearInterval(timer)
  }, [readOnly, check])

  if (!readOnly) return null
  return (
    <aside className="card storage-banner" role="alert" aria-labelledby="storage-banner-title">
      <div className="storage-banner-text">
        <span className="storage-banner-title" id="storage-banner-title">
          Your history is read-only
        </span>
        <p>{readOnly.message}</p>
        <p className="hint">{readOnly.hint}</p>
      </div>
      <button type="button" className="button secondary" disabled={checking} onClick={() => void check()}>
        {checking ? 'Checking…' : 'Check again'}
      </button>
    </aside>
  )
}
