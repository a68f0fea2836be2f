import { useRef, useState } from 'react'
import type { AgentInfo, AgentProblem } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { openSession } from '../../lib/navigation'
import { useAppStore } from '../../store/app-store'
import { workspaceInput } from '../../store/workspace-store'
import { AgentEditor, type EditorTarget } from './AgentEditor'
import { NEW_AGENT_TEXT, SOURCE_LABEL, useAgents } from './use-agents'

/** Saves text as a file through the browser (both the window and the web companion). */
function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

function AgentRow({ agent, workspace, onEdit, changed }: { agent: AgentInfo; workspace: string; onEdit(target: EditorTarget): void; changed(): void }) {
  const api = useApi()
  const [copyName, setCopyName] = useState<string | null>(null)
  const fail = useAppStore.getState().notifyError
  const where = { name: agent.name, source: agent.source, ...workspaceInput(workspace) }
  const startChat = async (): Promise<void> => {
    const result = await api.call('agents.startChat', where)
    if (!result.ok) return fail(result.error)
    for (const message of result.value.notices) useAppStore.getState().notify({ level: 'warning', message })
    if (result.value.initialPrompt) await api.call('chat.drafts.set', { key: result.value.sessionId, body: result.value.initialPrompt })
    openSession(result.value.sessionId)
  }
  const edit = async (): Promise<void> => {
    const result = await api.call('agents.get', where)
    if (result.ok) onEdit({ text: result.value.text, ...(agent.editable ? { original: { name: agent.name, source: agent.source } } : {}) })
    else fail(result.error)
  }
  const exportFile = async (): Promise<void> => {
    const result = await api.call('agents.export', where)
    if (result.ok) download(result.value.fileName, result.value.text)
    else fail(result.error)
  }
  const duplicate = async (newName: string): Promise<void> => {
    const result = await api.call('agents.duplicate', { ...where, newName, into: 'user' })
    if (!result.ok) return fail(result.error)
    setCopyName(null)
    changed()
  }
  const remove = async (): Promise<void> => {
    if (!window.confirm(`Delete the agent ${agent.name}? Its file ${agent.file} is removed.`)) return
    const result = await api.call('agents.delete', { name: agent.name, source: agent.source, ...workspaceInput(workspace) })
    if (result.ok) changed()
    else fail(result.error)
  }
  return (
    <li className="agent-row" aria-label={agent.name}>
      <div className="agent-line">
        <span className="agent-dot" style={agent.color ? { background: `var(--agent-${agent.color}, ${agent.color})` } : undefined} aria-hidden="true" />
        <strong>{agent.name}</strong>
        <span className={`source-chip ${agent.source}`} title={agent.file}>{SOURCE_LABEL[agent.source] ?? agent.source}</span>
        <span className="model-chip" title="The model a chat with this agent uses">{agent.model ?? 'chat’s model'}</span>
        <span className="pill" title="Tools the agent may use">{agent.tools === null ? 'all tools' : agent.tools.length === 0 ? 'no tools' : agent.tools.join(', ')}</span>
      </div>
      <p className="muted agent-description">{agent.description}</p>
      {agent.shadows.length > 0 && (
        <p className="agent-clash" role="note">
          Also defined in {agent.shadows.map((shadow) => `${SOURCE_LABEL[shadow.source] ?? shadow.source} (${shadow.file})`).join(', ')}: this one is used.
        </p>
      )}
      {agent.unknownTools.length > 0 && <p className="hint">Not available here, left out: {agent.unknownTools.join(', ')}</p>}
      <div className="agent-actions">
        <button type="button" className="button" onClick={() => void startChat()} aria-label={`Start chat with ${agent.name}`}>Start chat</button>
        <button type="button" className="button secondary" onClick={() => void edit()} aria-label={`${agent.editable ? 'Edit' : 'View'} ${agent.name}`}>{agent.editable ? 'Edit' : 'View'}</button>
        <button type="button" className="button secondary" onClick={() => setCopyName(copyName === null ? `${agent.name}-copy` : null)} aria-label={`Duplicate ${agent.name}`} aria-expanded={copyName !== null}>Duplicate</button>
        <button type="button" className="button secondary" onClick={() => void exportFile()} aria-label={`Export ${agent.name}`}>Export</button>
        {agent.editable && <button type="button" className="button secondary danger" onClick={() => void remove()} aria-label={`Delete ${agent.name}`}>Delete</button>}
      </div>
      {copyName !== null && (
        <form
          className="agent-copy"
          onSubmit={(event) => {
            event.preventDefault()
            void duplicate(copyName)
          }}
        >
          <label className="field inline">
            <span>Name of the copy</span>
            <input value={copyName} spellCheck={false} onChange={(event) => setCopyName(event.target.value)} />
          </label>
          <button type="submit" className="button secondary">Create copy</button>
        </form>
      )}
    </li>
  )
}

function Problems({ problems }: { problems: AgentProblem[] }) {
  if (problems.length === 0) return null
  return (
    <div className="agent-problems" role="group" aria-label="Agent files that could not be read">
      <h4>Files skipped ({problems.length})</h4>
      <ul>
        {problems.map((problem) => (
          <li key={problem.file}>
            <code>{problem.file}</code>
            <ul>
              {problem.issues.map((issue, index) => (
                <li key={index}>{issue.line === null ? issue.message : `Line ${issue.line}: ${issue.message}`}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The agent library: every agent found, with clashes and broken files shown; create, edit, duplicate, import, export, start a chat. */
export function AgentLibrary({ workspace }: { workspace: string }) {
  const api = useApi()
  const { data, error, reload } = useAgents(workspace)
  const [editing, setEditing] = useState<EditorTarget | null>(null)
  const picker = useRef<HTMLInputElement>(null)
  const importFile = async (file: File): Promise<void> => {
    const result = await api.call('agents.import', { text: await file.text(), into: 'user' })
    if (!result.ok) return useAppStore.getState().notifyError(result.error)
    useAppStore.getState().notify({ level: 'info', message: `Imported the agent ${result.value.agent.name}.`, timeoutMs: 6000 })
    reload()
  }
  return (
    <section className="card agent-library" aria-label="Agent library">
      <div className="section-head">
        <h2>Agent library</h2>
        <button type="button" className="button" onClick={() => setEditing({ text: NEW_AGENT_TEXT })}>New agent</button>
        <button type="button" className="button secondary" onClick={() => picker.current?.click()}>Import…</button>
        <input
          ref={picker}
          type="file"
          accept=".md,text/markdown"
          hidden
          aria-label="Agent file to import"
          onChange={(event) => {
            const file = event.target.files?.[0]
            event.target.value = ''
            if (file) void importFile(file)
          }}
        />
      </div>
      <p className="hint">Agents are Claude Code subagent files. Starting a chat with one gives that chat its prompt, model, parameters and tools.</p>
      {editing && (
        <AgentEditor
          key={editing.original?.name ?? 'new'}
          target={editing}
          workspace={workspace}
          onDone={(saved) => {
            setEditing(null)
            if (saved) reload()
          }}
        />
      )}
      {error && <p className="hook-error" role="alert">{error}</p>}
      {data && (
        <>
          <ul className="agent-rows" aria-label="Agents">
            {data.agents.map((agent) => (
              <AgentRow key={`${agent.source}:${agent.name}`} agent={agent} workspace={workspace} onEdit={setEditing} changed={reload} />
            ))}
          </ul>
          <Problems problems={data.problems} />
        </>
      )}
    </section>
  )
}
