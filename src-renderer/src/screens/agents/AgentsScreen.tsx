import { useEffect, useState } from 'react'
import { ScreenHeader } from '../../components/ScreenHeader'
import '../../agents.css'
import { AgentLibrary } from './AgentLibrary'
import { HooksSection } from './HooksSection'
import { SkillsSection } from './SkillsSection'
import { useWorkspace } from '../../store/workspace-store'

/** The folder that scopes workspace hooks and skills; the chat's workspace picker shares it. */
export function WorkspaceField() {
  const path = useWorkspace((state) => state.path)
  const setPath = useWorkspace((state) => state.setPath)
  const [draft, setDraft] = useState(path)
  useEffect(() => setDraft(path), [path])
  return (
    <form
      className="card workspace-field"
      aria-label="Workspace"
      onSubmit={(event) => {
        event.preventDefault()
        setPath(draft)
      }}
    >
      <label className="field">
        <span>Workspace folder</span>
        <input value={draft} placeholder="/path/to/your/project" spellCheck={false} onChange={(e) => setDraft(e.target.value)} />
      </label>
      <div className="form-actions">
        <button type="submit" className="button secondary" disabled={draft.trim() === path}>Use folder</button>
        {path && <button type="button" className="button secondary" onClick={() => setPath('')}>Clear</button>}
      </div>
      <p className="hint">{path ? `Workspace hooks and skills come from ${path}/.ollama-desk.` : 'No folder: only your user-level hooks and skills apply.'}</p>
    </form>
  )
}

/** Agents: the agent library, then hooks and skills, for the user and the chosen workspace. */
export function AgentsScreen() {
  const workspace = useWorkspace((state) => state.path)
  return (
    <>
      <ScreenHeader id="agents" />
      <WorkspaceField />
      <AgentLibrary workspace={workspace} />
      <HooksSection workspace={workspace} />
      <SkillsSection workspace={workspace} />
    </>
  )
}
