import { useEffect, useState } from 'react'
import type { DoctorCheck, OllamaDetection, Theme } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { ScreenHeader } from '../../components/ScreenHeader'
import { useAppStore } from '../../store/app-store'
import { useOnboarding } from '../../store/onboarding-store'
import { updateSettings } from '../../store/bootstrap'
import { ChatDefaultsSection } from './ChatDefaultsSection'
import { VoiceSection } from './VoiceSection'
import { UpdatesSection } from './UpdatesSection'
import { TelemetrySection } from './TelemetrySection'
import { DeveloperSection } from './DeveloperSection'
import { AnalyticsSection } from './AnalyticsSection'

const ACCENTS = ['#4f7cff', '#8b5cf6', '#10b981', '#f59e0b', '#ef4444', '#ec4899']
const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

function AppearanceSection() {
  const api = useApi()
  const appearance = useAppStore((state) => state.settings?.appearance)
  if (!appearance) return null
  return (
    <section className="card" aria-labelledby="appearance-title">
      <h2 id="appearance-title">Appearance</h2>
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

function OllamaSection() {
  const api = useApi()
  const saved = useAppStore((state) => state.settings?.ollama.host) ?? ''
  const fromEnv = useAppStore((state) => state.info?.ollamaHostFromEnv)
  const [host, setHost] = useState(saved)
  const [result, setResult] = useState<string | undefined>()
  useEffect(() => setHost(saved), [saved])
  const test = async (): Promise<void> => {
    setResult('Testing…')
    const status = await api.call('ollama.status', { host })
    if (!status.ok) return setResult(status.error.message)
    setResult(status.value.reachable ? `Reached Ollama ${status.value.version} at ${status.value.host}.` : `Not reachable at ${status.value.host}: ${status.value.error?.replace(/\.$/, "")}.`)
  }
  return (
    <section className="card" aria-labelledby="ollama-title">
      <h2 id="ollama-title">Ollama</h2>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault()
          void updateSettings(api, { ollama: { host } })
        }}
      >
        <label className="field">
          Host
          <input value={host} onChange={(event) => setHost(event.target.value)} placeholder="127.0.0.1:11434" spellCheck={false} />
        </label>
        <button type="button" className="button secondary" onClick={() => void test()}>Test</button>
        <button type="submit" className="button" disabled={host === saved}>Save</button>
      </form>
      {result && <p className="muted" role="status">{result}</p>}
      {fromEnv ? (
        <p className="hint" role="note">
          <code>OLLAMA_HOST={fromEnv}</code> is set where Ollama Desk was started, so that host is used instead of this one.
        </p>
      ) : (
        <p className="hint">The <code>OLLAMA_HOST</code> environment variable, when set, takes precedence, as it does for Ollama itself.</p>
      )}
      <AutoStartSwitch />
      <ReleaseNotice />
    </section>
  )
}

/** Start our Ollama with the app (and on login where a service exists). */
function AutoStartSwitch() {
  const api = useApi()
  const enabled = useAppStore((state) => state.settings?.ollama.autoStart) ?? true
  const [detail, setDetail] = useState<string | undefined>()
  const toggle = async (next: boolean): Promise<void> => {
    const result = await api.call('ollama.autoStart', { enabled: next })
    if (!result.ok) return useAppStore.getState().notifyError(result.error)
    setDetail(result.value.detail)
    await updateSettings(api, { ollama: { autoStart: next } })
  }
  return (
    <>
      <label className="check-row">
        <input type="checkbox" role="switch" checked={enabled} onChange={(event) => void toggle(event.target.checked)} />
        Start Ollama automatically
      </label>
      <p className="hint">{detail ?? 'Starts the Ollama that Ollama Desk installed when the app opens (and at login where a service exists). An Ollama you installed yourself is never started.'}</p>
    </>
  )
}

/** "Ollama X is available", with Update for the Ollama we installed. */
function ReleaseNotice() {
  const api = useApi()
  const [found, setFound] = useState<OllamaDetection | undefined>()
  const install = useOnboarding((state) => state.install)
  const startInstall = useOnboarding((state) => state.startInstall)
  useEffect(() => {
    let live = true
    void api.call('ollama.detect', {}).then((result) => live && result.ok && setFound(result.value))
    return () => void (live = false)
  }, [api])
  if (!found?.updateAvailable || !found.latestVersion) return null
  const ours = found.installs.some((i) => i.ours) && found.methods.length > 0
  const current = found.version ?? found.installs.find((i) => i.version)?.version
  const refresh = (): void => void api.call('ollama.detect', {}).then((result) => result.ok && setFound(result.value))
  return (
    <div className="row" role="group" aria-label="Ollama update">
      <p role="status">
        Ollama {found.latestVersion} is available{current ? ` (this one is ${current})` : ''}.
      </p>
      {install?.state === 'running' ? (
        <span className="muted">Updating… ({install.phase})</span>
      ) : ours ? (
        <button type="button" className="button secondary" onClick={() => startInstall(api, refresh, { force: true })}>Update</button>
      ) : (
        <span className="hint">Update it the way it was installed.</span>
      )}
      {install?.state === 'failed' && install.error && <span className="muted">{install.error.message}</span>}
    </div>
  )
}

const statusLabel: Record<DoctorCheck['status'], string> = { ok: 'OK', warn: 'Warning', fail: 'Failed' }

function DiagnosticsSection() {
  const api = useApi()
  const [checks, setChecks] = useState<DoctorCheck[] | undefined>()
  const [running, setRunning] = useState(false)
  const run = async (): Promise<void> => {
    setRunning(true)
    const result = await api.call('diagnostics.doctor', {})
    setRunning(false)
    if (result.ok) setChecks(result.value.checks)
    else useAppStore.getState().notifyError(result.error)
  }
  return (
    <section className="card" aria-labelledby="diagnostics-title">
      <div className="status-line">
        <h2 id="diagnostics-title">Diagnostics</h2>
        <button type="button" className="button secondary" onClick={() => void run()} disabled={running}>
          {running ? 'Running…' : 'Run checks'}
        </button>
      </div>
      {checks && (
        <ul className="checks">
          {checks.map((check) => (
            <li key={check.id} className={`check check-${check.status}`}>
              <span className="badge">{statusLabel[check.status]}</span>
              <div>
                <strong>{check.title}</strong> <span className="muted">{check.detail}</span>
                {check.hint && check.status !== 'ok' && <p className="hint">{check.hint}</p>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function AboutSection() {
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
      <h2 id="about-title">About</h2>
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

export function SettingsScreen() {
  return (
    <>
      <ScreenHeader id="settings" />
      <AppearanceSection />
      <ChatDefaultsSection />
      <OllamaSection />
      <VoiceSection />
      <UpdatesSection />
      <AnalyticsSection />
      <TelemetrySection />
      <DiagnosticsSection />
      <DeveloperSection />
      <AboutSection />
    </>
  )
}
