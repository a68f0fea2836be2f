import { useState } from 'react'
import type { Theme } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { useOnboarding } from '../../store/onboarding-store'
import { updateSettings } from '../../store/bootstrap'

const ACCENTS = ['#4f7cff', '#8b5cf6', '#10b981', '#f59e0b', '#ef4444', '#ec4899']
const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

export function AppearanceSection() {
  const api = useApi()
  const appearance = useAppStore((state) => state.settings?.appearance)
  if (!appearance) return null
  return (
    <section className="card" aria-labelledby="appearance-title">
      <h3 id="appearance-title">Appearance</h3>
      <fieldset className="segmented">
        <legend>Theme</legend>
        {THEMES.map(({ value, label }) => (
          <label key={value} className={appearance.theme === value ? 'selected' : undefined}>
            <input type="radio" name="theme" value={value} checked={appearance.theme === value} onChange={() => void updateSettings(api, { appearance: { theme: value } })} />
            {label}
          </label>
        ))}
      </fieldset>
      <fieldset className="swatches">
        <legend>Accent colour</legend>
        {ACCENTS.map((accent) => (
          <button
            key={accent}
            type="button"
            className="swatch"
            style={{ background: accent }}
            aria-label={`Accent ${accent}`}
            aria-pressed={appearance.accent === accent}
            onClick={() => void updateSettings(api, { appearance: { accent } })}
          />
        ))}
        <label className="custom-accent">
          Custom
          <input type="color" value={appearance.accent} onChange={(event) => void updateSettings(api, { appearance: { accent: event.target.value } })} />
        </label>
      </fieldset>
    </section>
  )
}

export function AboutSection() {
  const api = useApi()
  const info = useAppStore((state) => state.info)
  const [confirming, setConfirming] = useState(false)
  if (!info) return null
  const reset = async (): Promise<void> => {
    setConfirming(false)
    const result = await api.call('settings.reset', {})
    if (result.ok) useAppStore.getState().setSettings(result.value)
    else useAppStore.getState().notifyError(result.error)
  }
  return (
    <section className="card" aria-labelledby="about-title">
      <h3 id="about-title">About</h3>
      <dl className="facts">
        <dt>Version</dt>
        <dd>{info.version}</dd>
        <dt>Running as</dt>
        <dd>{info.mode === 'electron' ? `Desktop app (Electron ${info.versions.electron ?? ''})` : 'Web companion'}</dd>
        <dt>Platform</dt>
        <dd>{info.platform} {info.arch} · Node {info.versions.node}</dd>
        <dt>Data folder</dt>
        <dd><code>{info.dataDir}</code></dd>
      </dl>
      <button type="button" className="button secondary align-start" onClick={() => useOnboarding.getState().show()}>
        Run setup again
      </button>
      {confirming ? (
        <div className="row" role="group" aria-label="Confirm reset">
          <p className="muted">Reset every setting to its default? The current file is kept as a backup.</p>
          <button type="button" className="button danger" onClick={() => void reset()}>Reset</button>
          <button type="button" className="button secondary" onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      ) : (
        <button type="button" className="button danger" onClick={() => setConfirming(true)}>
          Reset settings…
        </button>
      )}
    </section>
  )
}
