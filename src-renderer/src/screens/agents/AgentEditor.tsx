import { useState } from 'react'
import type { AgentInfo, AgentTarget } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { workspaceInput } from '../../store/workspace-store'
import { useAgentValidation } from './use-agents'

export interface EditorTarget {
  text: string
  /** The agent being edited; none for a new one. */
  original?: Pick<AgentInfo, 'name' | 'source'>
}

/** The agent file as text, checked as it is typed: every problem with its line; Save only when there are none. */
export function AgentEditor({ target, workspace, onDone }: { target: EditorTarget; workspace: string; onDone(saved: boolean): void }) {
  const api = useApi()
  const [text, setText] = useState(target.text)
  const [into, setInto] = useState<AgentTarget>('user')
  const [busy, setBusy] = useState(false)
  const issues = useAgentValidation(text)
  const valid = issues !== null && issues.length === 0
  const save = async (): Promise<void> => {
    setBusy(true)
    const result = await api.call('agents.save', { text, ...(target.original ? { original: target.original } : { into }), ...workspaceInput(workspace) })
    setBusy(false)
    if (!result.ok) return useAppStore.getState().notifyError(result.error)
    useAppStore.getState().notify({ level: 'info', message: `Saved the agent ${result.value.agent.name} (${result.value.agent.file}).`, timeoutMs: 6000 })
    onDone(true)
  }
  const title = target.original ? `Edit ${target.original.name}` : 'New agent'
  return (
    <section className="card agent-editor" aria-label={title}>
      <div className="section-head">
        <h3>{title}</h3>
        <span className="hint">Claude Code’s subagent format: frontmatter between the --- lines, then the system prompt.</span>
      </div>
      <textarea
        aria-label="Agent file"
        rows={16}
        spellCheck={false}
        value={text}
        aria-invalid={issues !== null && issues.length > 0}
        aria-describedby="agent-editor-status"
        onChange={(event) => setText(event.target.value)}
      />
      <div id="agent-editor-status" role="status" aria-live="polite" className={valid ? 'agent-valid' : 'agent-issues'}>
        {issues === null ? (
          <p className="hint">Checking…</p>
        ) : issues.length === 0 ? (
          <p>No problems found.</p>
        ) : (
          <ul aria-label="Problems">
            {issues.map((issue, index) => (
              <li key={index}>{issue.line === null ? issue.message : `Line ${issue.line}: ${issue.message}`}</li>
            ))}
          </ul>
        )}
      </div>
      <div className="form-actions">
        {!target.original && (
          <label className="field inline">
            <span>Keep in</span>
            <select value={into} onChange={(event) => setInto(event.target.value as AgentTarget)} aria-label="Keep the agent in">
              <option value="user">your agents (data folder)</option>
              <option value="workspace" disabled={!workspace}>the workspace{workspace ? '' : ' (choose a folder first)'}</option>
            </select>
          </label>
        )}
        <button type="button" className="button" disabled={!valid || busy} onClick={() => void save()}>
          {busy ? 'Saving…' : 'Save agent'}
        </button>
        <button type="button" className="button secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </section>
  )
}
