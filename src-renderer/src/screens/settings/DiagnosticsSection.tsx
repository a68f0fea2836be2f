import { useState } from 'react'
import type { DoctorCheck } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'

const statusLabel: Record<DoctorCheck['status'], string> = { ok: 'OK', warn: 'Warning', fail: 'Failed' }

export function DiagnosticsSection() {
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
        <h3 id="diagnostics-title">Diagnostics</h3>
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
