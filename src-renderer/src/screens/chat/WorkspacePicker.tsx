import { useEffect, useId, useState } from 'react'
import '../../agents.css'
import { Icon } from '../../components/Icon'
import { icons } from './icons'
import { folderName, useWorkspace } from '../../store/workspace-store'

/** The folder built-in tools may work in (shared with the Agents screen); tools still ask first. */
export function WorkspacePicker({ disabled }: { disabled?: boolean }) {
  const path = useWorkspace((state) => state.path)
  const setPath = useWorkspace((state) => state.setPath)
  const [open, setOpen] = useState(false)
  const [draft, setDraft] = useState(path)
  const popId = useId()
  useEffect(() => setDraft(path), [path])
  const note = 'Tools can read and change files in this folder, after asking.'
  const use = (next: string): void => {
    setPath(next)
    setOpen(false)
  }
  return (
    <div
      className="workspace-chip"
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !open) return
        event.stopPropagation()
        setOpen(false)
      }}
    >
      <button
        type="button"
        className="button secondary tool-button"
        aria-expanded={open}
        aria-controls={popId}
        disabled={disabled}
        title={path ? `${path}. ${note}` : 'Give tools a folder to work in'}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon path={icons.folder} size={16} />
        <span className={path ? 'tool-name' : 'tool-label'}>{path ? `Folder: ${folderName(path)}` : 'No folder'}</span>
      </button>
      {open && (
        <div id={popId} className="workspace-pop" role="group" aria-label="Workspace folder">
          <input aria-label="Folder path" placeholder="/path/to/your/project" spellCheck={false} value={draft} autoFocus onChange={(e) => setDraft(e.target.value)} onKeyDown={(event) => {
            if (event.key !== 'Enter') return
            event.preventDefault()
            use(draft)
          }} />
          <p className="hint">{note}</p>
          <div className="form-actions">
            <button type="button" className="button" onClick={() => use(draft)}>Use folder</button>
            {path && <button type="button" className="button secondary" onClick={() => use('')}>No folder</button>}
          </div>
        </div>
      )}
    </div>
  )
}
