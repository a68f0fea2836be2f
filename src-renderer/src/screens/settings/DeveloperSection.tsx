import { useCallback, useEffect, useState } from 'react'
import type { CpuProfileState, DiagnosticsBundle, MarkEntry } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'
import '../../developer.css'

/** Saves the zip the core answered as base64 through the browser's own download. */
function downloadZip(bundle: DiagnosticsBundle): void {
  if (!bundle.base64) return
  const bytes = Uint8Array.from(atob(bundle.base64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }))
  const link = document.createElement('a')
  link.href = url
  link.download = bundle.path.split(/[\\/]/).pop() ?? 'ollama-desk-diagnostics.zip'
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1))
const time = (epoch: number): string => new Date(epoch).toLocaleTimeString()

/** "Copy diagnostics": builds the bundle, copies its summary, offers the zip. */
function CopyDiagnostics() {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [bundle, setBundle] = useState<DiagnosticsBundle | undefined>()
  const [copied, setCopied] = useState<boolean | undefined>()
  const run = async (): Promise<void> => {
    setBusy(true)
    const result = await api.call('diagnostics.bundle', { includeBase64: true })
    setBusy(false)
    if (!result.ok) return useAppStore.getState().notifyError(result.error)
    setBundle(result.value)
    try {
      await navigator.clipboard.writeText(result.value.summary)
      setCopied(true)
    } catch {
      setCopied(false)
    }
  }
  return (
    <>
      <div className="developer-actions">
        <button type="button" className="button secondary" onClick={() => void run()} disabled={busy}>
          {busy ? 'Collecting…' : 'Copy diagnostics'}
        </button>
        {bundle?.base64 && (
          <button type="button" className="button secondary" onClick={() => downloadZip(bundle)}>
            Download bundle
          </button>
        )}
      </div>
      {bundle ? (
        <>
          <p className="muted" role="status">
            {copied ? 'Copied a summary to the clipboard.' : 'The clipboard was not available; the summary is below.'} The full bundle (recent logs, your
            configuration with keys and tokens removed, versions and checks) is at <code>{bundle.path}</code>.
          </p>
          <pre className="developer-summary" aria-label="Diagnostics summary">{bundle.summary}</pre>
        </>
      ) : (
        <p className="hint">Collects recent logs, your configuration with keys and tokens removed, versions and the checks, for a bug report.</p>
      )}
    </>
  )
}

/** Start/Stop of a CPU profile of the main process. */
function CpuProfileSwitch() {
  const api = useApi()
  const [state, setState] = useState<CpuProfileState>({ running: false })
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    let live = true
    void api.call('profiling.cpuProfile', { action: 'status' }).then((result) => live && result.ok && setState(result.value))
    return () => void (live = false)
  }, [api])
  const toggle = async (start: boolean): Promise<void> => {
    setBusy(true)
    const result = await api.call('profiling.cpuProfile', { action: start ? 'start' : 'stop' })
    setBusy(false)
    if (!result.ok) return useAppStore.getState().notifyError(result.error)
    setState(result.value)
  }
  return (
    <>
      <label className="check-row">
        <input type="checkbox" role="switch" checked={state.running} disabled={busy} onChange={(event) => void toggle(event.target.checked)} />
        CPU profile
      </label>
      <p className="hint" role="status" aria-label="CPU profile status">
        {state.running
          ? `Profiling the main process since ${state.startedAt ? time(state.startedAt) : 'now'}; turn it off to save it.`
          : state.path
            ? <>Saved to <code>{state.path}</code>; open it in Chrome DevTools (Performance) or VS Code.</>
            : 'Records where the main process spends its time, like node --cpu-prof.'}
      </p>
    </>
  )
}

/** Recent performance measures: startup phases, chat turns, store queries. */
function MarksTable() {
  const api = useApi()
  const [entries, setEntries] = useState<MarkEntry[] | undefined>()
  const load = useCallback(async (): Promise<void> => {
    const result = await api.call('profiling.marks', { limit: 50 })
    if (result.ok) setEntries(result.value.entries)
    else useAppStore.getState().notifyError(result.error)
  }, [api])
  useEffect(() => void load(), [load])
  return (
    <>
      <div className="status-line">
        <h4>Performance marks</h4>
        <button type="button" className="button secondary" onClick={() => void load()}>Refresh</button>
      </div>
      {entries && entries.length === 0 && <p className="muted">No marks yet.</p>}
      {entries && entries.length > 0 && (
        <table className="marks-table" aria-label="Performance marks">
          <thead>
            <tr><th>Name</th><th className="num">Duration (ms)</th><th>Ended</th></tr>
          </thead>
          <tbody>
            {entries.map((entry, index) => (
              <tr key={`${entry.name}-${entry.at}-${index}`} className={entry.ok ? undefined : 'failed'}>
                <td><code>{entry.name}</code>{entry.ok ? '' : ' (failed)'}</td>
                <td className="num">{ms(entry.duration)}</td>
                <td>{time(entry.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

/** Logs, the diagnostics bundle and the developer panel (performance marks, CPU profile). */
export function DeveloperSection() {
  const api = useApi()
  const panel = useAppStore((state) => state.settings?.developer.panel) ?? false
  return (
    <section className="card" aria-labelledby="developer-title">
      <h3 id="developer-title">Developer</h3>
      <CopyDiagnostics />
      <label className="check-row">
        <input type="checkbox" role="switch" checked={panel} onChange={(event) => void updateSettings(api, { developer: { panel: event.target.checked } })} />
        Show the developer panel
      </label>
      {panel && (
        <div className="developer-panel" role="group" aria-label="Developer panel">
          <CpuProfileSwitch />
          <MarksTable />
        </div>
      )}
    </section>
  )
}
