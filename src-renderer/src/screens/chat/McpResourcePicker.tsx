import { useId, useState, type KeyboardEvent } from 'react'
import type { McpResource } from '../../../../src-shared/contract'
import '../../agents.css'
import '../../mcp-chat.css'
import type { ResourceAttachment } from './resource-attachments'
import { Icon } from '../../components/Icon'
import { icons } from './icons'

const matches = (resource: McpResource, query: string): boolean => {
  const q = query.trim().toLowerCase()
  return q === '' || [resource.name, resource.server, resource.uri].some((field) => field.toLowerCase().includes(q))
}

export interface McpResourcePickerProps {
  resources: McpResource[]
  disabled?: boolean
  onPick(resource: McpResource): void
}

/** "MCP resource…": a searchable list of the connected servers' resources. Absent when there are none. */
export function McpResourcePicker({ resources, disabled, onPick }: McpResourcePickerProps) {
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const popId = useId()
  if (resources.length === 0) return null
  const shown = resources.filter((r) => matches(r, query))
  const current = Math.min(active, Math.max(0, shown.length - 1))
  const close = (): void => {
    setOpen(false)
    setQuery('')
    setActive(0)
  }
  const pick = (resource: McpResource): void => {
    close()
    onPick(resource)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'ArrowDown' && shown.length > 0) setActive((current + 1) % shown.length)
    else if (event.key === 'ArrowUp' && shown.length > 0) setActive((current - 1 + shown.length) % shown.length)
    // Enter must not send the message this popover sits in.
    else if (event.key === 'Enter') {
      const chosen = shown[current]
      if (chosen) pick(chosen)
    }
    else if (event.key === 'Escape') close()
    else return
    event.preventDefault()
    event.stopPropagation()
  }
  return (
    <div className="workspace-chip">
      <button type="button" className="button secondary tool-button" aria-expanded={open} aria-controls={popId} disabled={disabled} title="Attach a resource of an MCP server" onClick={() => (open ? close() : setOpen(true))}>
        <Icon path={icons.plug} size={16} />
        <span className="tool-label">MCP resource…</span>
      </button>
      {open && (
        <div id={popId} className="workspace-pop" role="group" aria-label="MCP resources">
          <input
            aria-label="Search resources"
            placeholder="Search by name, server or URI"
            spellCheck={false}
            autoFocus
            value={query}
            aria-controls={`${popId}-list`}
            aria-activedescendant={shown.length > 0 ? `${popId}-${current}` : undefined}
            onChange={(event) => {
              setQuery(event.target.value)
              setActive(0)
            }}
            onKeyDown={onKeyDown}
          />
          {shown.length === 0 ? (
            <p className="hint">No resource matches “{query.trim()}”.</p>
          ) : (
            <ul id={`${popId}-list`} className="slash-list resource-list" role="listbox" aria-label="Resources">
              {shown.map((resource, i) => (
                <li key={`${resource.server}:${resource.uri}`} id={`${popId}-${i}`} role="option" aria-selected={i === current} title={resource.description} onClick={() => pick(resource)}>
                  <strong>{resource.name}</strong>
                  <span className="muted">{resource.server} · {resource.uri}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}

/** The resources that go with the next message, each removable; a cut one says so. */
export function ResourceChips({ attachments, onRemove }: { attachments: ResourceAttachment[]; onRemove(attachment: ResourceAttachment): void }) {
  if (attachments.length === 0) return null
  return (
    <ul className="resource-chips" aria-label="Resources to send">
      {attachments.map((a) => (
        <li key={`${a.server}:${a.uri}`} title={`${a.uri} (${a.server})`}>
          <span className="resource-chip-name">{a.name}</span>
          <span className="muted">{a.server}</span>
          {a.cut > 0 && <span className="resource-cut" title={`${a.cut.toLocaleString('en-US')} characters past the limit are left out`}>(cut)</span>}
          <button type="button" className="chip-remove" aria-label={`Remove ${a.name}`} onClick={() => onRemove(a)}>×</button>
        </li>
      ))}
    </ul>
  )
}
