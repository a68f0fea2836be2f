import { useState } from 'react'
import type { HookEntry, HookEvent, HookOutcome } from '../../../../src-shared/contract'
import { HOOK_EVENTS } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'
import { HookOutcomeView } from './HookOutcomeView'
import type { HooksData, HookSource } from './use-hooks'

export interface HookListProps {
  data: HooksData
  onEdit(source: HookSource): void
}

/** Hooks grouped by event, in the order the events happen, each with its switch; a test run per event. */
export function HookList({ data, onEdit }: HookListProps) {
  const [outcomes, setOutcomes] = useState<Partial<Record<HookEvent, HookOutcome>>>({})
  const [testing, setTesting] = useState<HookEvent | undefined>()
  const events = HOOK_EVENTS.filter((event) => data.entries.some((entry) => entry.event === event))

  const testRun = async (event: HookEvent): Promise<void> => {
    setTesting(event)
    const result = await data.test(event)
    setTesting(undefined)
    if (result.ok) setOutcomes((all) => ({ ...all, [event]: result.value }))
    else useAppStore.getState().notifyError(result.error)
  }

  if (events.length === 0) {
    return <p className="muted">{data.loading ? 'Loading hooks…' : 'No hooks yet. Edit the user hooks, or import them from Claude Code.'}</p>
  }
  return (
    <div className="hook-groups">
      {events.map((event) => (
        <section key={event} className="hook-group" aria-label={`${event} hooks`}>
          <div className="hook-group-head">
            <h3>{event}</h3>
            <button type="button" className="button secondary" disabled={testing !== undefined} onClick={() => void testRun(event)}>
              {testing === event ? 'Running…' : 'Test run'}
            </button>
          </div>
          <ul className="hook-entries">
            {data.entries.filter((entry) => entry.event === event).map((entry) => (
              <HookRow key={`${entry.source}:${entry.id}`} entry={entry} onToggle={(on) => void data.setEnabled(entry, on)} onEdit={() => onEdit(entry.source)} />
            ))}
          </ul>
          {outcomes[event] && <HookOutcomeView outcome={outcomes[event]} />}
        </section>
      ))}
    </div>
  )
}

function HookRow({ entry, onToggle, onEdit }: { entry: HookEntry; onToggle(enabled: boolean): void; onEdit(): void }) {
  return (
    <li className={`hook-entry${entry.enabled ? '' : ' off'}`} aria-label={entry.command}>
      <label className="switch-row">
        <input type="checkbox" role="switch" checked={entry.enabled} aria-label={`Run ${entry.command}`} onChange={(e) => onToggle(e.target.checked)} />
      </label>
      <span className="hook-matcher" title="Matcher (a regular expression; empty matches all)">{entry.matcher || '*'}</span>
      <code className="hook-command">{entry.command}</code>
      <span className={`source-chip ${entry.source}`}>{entry.source}</span>
      <span className="muted">{entry.timeout} s</span>
      <button type="button" className="link-button" onClick={onEdit}>Edit</button>
    </li>
  )
}
