import type { HookRun } from '../../../../src-shared/contract'
import { formatDateTime } from '../../lib/format'
import { durationText, exitText } from './HookOutcomeView'

/** The latest hook runs, newest first; new ones arrive live. */
export function HookRunLog({ runs }: { runs: readonly HookRun[] }) {
  return (
    <section className="hook-log" aria-label="Recent hook runs">
      <h3>Recent runs</h3>
      {runs.length === 0 ? (
        <p className="muted">No hook has run yet.</p>
      ) : (
        <table className="mini-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>Command</th>
              <th>Duration</th>
              <th>Exit</th>
              <th>Decision</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run, i) => (
              <tr key={`${run.at}-${i}`}>
                <td>{formatDateTime(run.at)}</td>
                <td>{run.event}</td>
                <td><code>{run.command}</code></td>
                <td>{durationText(run.durationMs)}</td>
                <td className={run.exitCode === 0 ? 'exit ok' : 'exit fail'}>{exitText(run)}</td>
                <td>{run.decision}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
