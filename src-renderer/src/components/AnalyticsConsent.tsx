import { useState } from 'react'
import { useApi } from '../api/context'
import { useAppStore } from '../store/app-store'
import '../analytics.css'

/** Asked once, after onboarding, in plain words: analytics stays off unless the user says yes. */
export function AnalyticsConsent() {
  const api = useApi()
  const settings = useAppStore((state) => state.settings)
  const [busy, setBusy] = useState(false)
  if (!settings?.onboarding.completed || settings.analytics.consent !== 'unasked') return null
  const where = settings.analytics.endpoint || 'nowhere until you set an address in Settings'

  const answer = async (granted: boolean): Promise<void> => {
    setBusy(true)
    const result = await api.call('analytics.setConsent', { granted })
    setBusy(false)
    const store = useAppStore.getState()
    if (!result.ok) return store.notifyError(result.error)
    // The core also broadcasts settings.changed; this hides the question without waiting for it.
    const current = store.settings
    if (current) store.setSettings({ ...current, analytics: { ...current.analytics, consent: result.value.consent } })
  }

  return (
    <aside className="card analytics-consent" aria-labelledby="analytics-consent-title">
      <span className="consent-title" id="analytics-consent-title">
        Help improve Ollama Desk?
      </span>
      <p>
        Sends anonymous usage counts — never your prompts, replies, files or keys — to <strong>{where}</strong>.
      </p>
      <p className="hint">You can change your mind any time in Settings → Usage analytics, and see every event that was sent.</p>
      <div className="row">
        <button type="button" className="button" disabled={busy} onClick={() => void answer(true)}>
          Yes, share
        </button>
        <button type="button" className="button secondary" disabled={busy} onClick={() => void answer(false)}>
          No thanks
        </button>
      </div>
    </aside>
  )
}
