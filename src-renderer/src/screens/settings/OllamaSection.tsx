import { useCallback, useEffect, useState } from 'react'
import type { ErrorShape, OllamaDetection } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'
import { useOnboarding } from '../../store/onboarding-store'

/** Settings → Ollama: where it is, whether it runs, and the controls for the one Ollama Desk installed. */
export function OllamaSection() {
  const api = useApi()
  const [found, setFound] = useState<OllamaDetection | undefined>()
  const refresh = useCallback(async (): Promise<void> => {
    const result = await api.call('ollama.detect', {})
    if (result.ok) setFound(result.value)
  }, [api])
  useEffect(() => void refresh(), [refresh])
  return (
    <section className="card" aria-labelledby="ollama-title">
      <h3 id="ollama-title">Ollama</h3>
      <OllamaService found={found} refresh={refresh} />
      <ReleaseNotice found={found} refresh={refresh} />
      <HostForm />
      <AutoStartSwitch />
    </section>
  )
}

/** A sentence on what runs where. */
function describe(found: OllamaDetection): string {
  const ours = found.installs.find((install) => install.ours)
  if (found.reachable) return `Running: Ollama ${found.version ?? ''} at ${found.host}${ours ? ', installed by Ollama Desk' : found.installs.length > 0 ? ', installed outside Ollama Desk' : ''}.`.replace('Ollama  at', 'Ollama at')
  if (found.installs.length > 0) return `Installed${ours?.version ? ` (${ours.version})` : ''} but not running at ${found.host}.`
  return `Not installed on this computer (nothing answers at ${found.host}).`
}

type Action = 'start' | 'stop' | 'uninstall'
const doing: Record<Action, string> = { start: 'Starting…', stop: 'Stopping…', uninstall: 'Removing…' }

/** Status, then Start / Stop / Install / Update / Uninstall as they apply; uninstalling asks first. */
function OllamaService({ found, refresh }: { found: OllamaDetection | undefined; refresh(): Promise<void> }) {
  const api = useApi()
  const install = useOnboarding((state) => state.install)
  const startInstall = useOnboarding((state) => state.startInstall)
  const [busy, setBusy] = useState<Action | undefined>()
  const [note, setNote] = useState<string | undefined>()
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [confirming, setConfirming] = useState(false)
  if (!found) return <p className="muted" role="status">Looking for Ollama…</p>
  const ours = found.installs.some((i) => i.ours)
  const installing = install?.state === 'running'

  const act = async (action: Action): Promise<void> => {
    setBusy(action)
    setProblem(undefined)
    setNote(undefined)
    setConfirming(false)
    const result = await api.call(`ollama.${action}`, {})
    setBusy(undefined)
    if (!result.ok) return setProblem(result.error)
    if (action === 'uninstall') setNote('Removed. Your downloaded models are still there.')
    await refresh()
  }
  const afterInstall = (): void => void refresh()

  return (
    <div className="ollama-service" role="group" aria-label="Ollama on this computer">
      <p role="status">{describe(found)}</p>
      {found.portConflict && <p className="hint">{found.portConflict.message} {found.portConflict.hint}</p>}
      <div className="row">
        {ours && !found.reachable && <button type="button" className="button" disabled={busy !== undefined || installing} onClick={() => void act('start')}>{busy === 'start' ? doing.start : 'Start'}</button>}
        {ours && found.reachable && <button type="button" className="button secondary" disabled={busy !== undefined || installing} onClick={() => void act('stop')}>{busy === 'stop' ? doing.stop : 'Stop'}</button>}
        {found.installs.length === 0 && !found.reachable && found.methods.length > 0 && (
          <button type="button" className="button" disabled={installing} onClick={() => startInstall(api, afterInstall)}>Install Ollama</button>
        )}
        {ours && !confirming && <button type="button" className="button secondary danger" disabled={busy !== undefined || installing} onClick={() => setConfirming(true)}>{busy === 'uninstall' ? doing.uninstall : 'Uninstall…'}</button>}
      </div>
      {installing && found.installs.length === 0 && <p className="muted" role="status">Installing… ({install.phase})</p>}
      {confirming && (
        <div className="row confirm-row" role="alertdialog" aria-label="Uninstall Ollama?">
          <span>Remove the Ollama that Ollama Desk installed? Downloaded models stay.</span>
          <button type="button" className="button danger" onClick={() => void act('uninstall')}>Uninstall</button>
          <button type="button" className="button secondary" onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      )}
      {!ours && found.installs.length > 0 && <p className="hint">This Ollama was installed outside Ollama Desk: start, stop and update it the way it was installed.</p>}
      {note && <p className="muted" role="status">{note}</p>}
      {problem && (
        <p className="error-text" role="alert">
          {problem.message}
          {problem.hint ? ` ${problem.hint}` : ''}
        </p>
      )}
    </div>
  )
}

/** Which Ollama server the app talks to. */
function HostForm() {
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
    setResult(status.value.reachable ? `Reached Ollama ${status.value.version} at ${status.value.host}.` : `Not reachable at ${status.value.host}: ${status.value.error?.replace(/\.$/, '')}.`)
  }
  return (
    <>
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
    </>
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
function ReleaseNotice({ found, refresh }: { found: OllamaDetection | undefined; refresh(): Promise<void> }) {
  const api = useApi()
  const install = useOnboarding((state) => state.install)
  const startInstall = useOnboarding((state) => state.startInstall)
  if (!found?.updateAvailable || !found.latestVersion) return null
  const ours = found.installs.some((i) => i.ours) && found.methods.length > 0
  const current = found.version ?? found.installs.find((i) => i.version)?.version
  return (
    <div className="row" role="group" aria-label="Ollama update">
      <p role="status">
        Ollama {found.latestVersion} is available{current ? ` (this one is ${current})` : ''}.
      </p>
      {install?.state === 'running' ? (
        <span className="muted">Updating… ({install.phase})</span>
      ) : ours ? (
        <button type="button" className="button secondary" onClick={() => startInstall(api, () => void refresh(), { force: true })}>Update</button>
      ) : (
        <span className="hint">Update it the way it was installed.</span>
      )}
      {install?.state === 'failed' && install.error && <span className="muted">{install.error.message}</span>}
    </div>
  )
}
