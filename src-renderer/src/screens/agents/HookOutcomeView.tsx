import type { HookOutcome, HookRun } from '../../../../src-shared/contract'

export const exitText = (run: HookRun): string => (run.timedOut ? 'timed out' : run.exitCode === null ? 'killed' : `exit ${run.exitCode}`)
export const durationText = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`)

/** What a test run decided, and each hook's exit code, time and output. */
export function HookOutcomeView({ outcome }: { outcome: HookOutcome }) {
  return (
    <div className={`hook-outcome ${outcome.allowed ? 'allowed' : 'blocked'}`} role="status" aria-label={`Test result for ${outcome.event}`}>
      <p>
        <strong>{outcome.allowed ? 'Allowed' : 'Blocked'}</strong>
        <span className="muted"> · decision: {outcome.decision}</span>
        {outcome.runs.length === 0 && <span className="muted"> · no hook matched</span>}
      </p>
      {outcome.reason && <p className="hook-reason">Reason: {outcome.reason}</p>}
      {outcome.systemMessages.map((message, i) => <p key={`m${i}`} className="hint">{message}</p>)}
      {outcome.errors.map((error, i) => <p key={`e${i}`} className="hook-error">{error}</p>)}
      {outcome.runs.length > 0 && (
        <ul className="hook-runs">
          {outcome.runs.map((run, i) => (
            <li key={i}>
              <details>
                <summary>
                  <code>{run.command}</code> <span className={`exit ${run.exitCode === 0 ? 'ok' : 'fail'}`}>{exitText(run)}</span>
                  <span className="muted"> · {durationText(run.durationMs)} · {run.decision}</span>
                </summary>
                <p className="field-label">stdout</p>
                <pre>{run.stdout || '(empty)'}</pre>
                <p className="field-label">stderr</p>
                <pre>{run.stderr || '(empty)'}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
