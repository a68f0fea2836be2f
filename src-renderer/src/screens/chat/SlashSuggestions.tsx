import { useState } from 'react'
import type { McpPrompt } from '../../../../src-shared/contract'
import { useSkills } from '../../lib/use-skills'
import { promptCommand } from './McpPromptForm'
import { useMcpPrompts } from './use-mcp-lists'

/** The word after a leading `/` while it is being typed; undefined once there is a space (or no slash). */
export const slashQuery = (text: string): string | undefined => /^\/(\S*)$/.exec(text)?.[1]

/** A skill (runs in the core as `/name args`) or an MCP server's prompt (filled here, then edited). */
export type SlashItem = { kind: 'skill'; key: string; name: string; description: string } | { kind: 'prompt'; key: string; name: string; description: string; prompt: McpPrompt }

export interface Slash {
  open: boolean
  matches: SlashItem[]
  active: number
  /** Handles the arrow keys, Tab, Enter and Escape while suggestions show; true when it did. */
  onKey(key: string): boolean
}

/** Skills, then MCP prompts, as suggestions for `/`; the lists are fetched only once a slash is typed. */
export function useSlash(text: string, workspace: string, pick: (item: SlashItem) => void): Slash {
  const query = slashQuery(text)
  const [active, setActive] = useState(0)
  const [closedFor, setClosedFor] = useState<string | undefined>()
  const { skills } = useSkills(workspace, query !== undefined)
  const prompts = useMcpPrompts(query !== undefined)
  const items: SlashItem[] = [
    ...skills.map((skill): SlashItem => ({ kind: 'skill', key: `${skill.source}:${skill.name}`, name: skill.name, description: skill.description })),
    ...prompts.map((prompt): SlashItem => ({ kind: 'prompt', key: `mcp:${promptCommand(prompt)}`, name: promptCommand(prompt), description: prompt.description ?? '', prompt })),
  ]
  const matches = query === undefined ? [] : items.filter((item) => item.name.toLowerCase().startsWith(query.toLowerCase()))
  const open = matches.length > 0 && closedFor !== text
  const current = Math.min(active, Math.max(0, matches.length - 1))
  return {
    open,
    matches,
    active: current,
    onKey(key) {
      if (!open) return false
      if (key === 'ArrowDown') setActive((current + 1) % matches.length)
      else if (key === 'ArrowUp') setActive((current - 1 + matches.length) % matches.length)
      else if (key === 'Tab' || key === 'Enter') pick(matches[current]!)
      else if (key === 'Escape') setClosedFor(text)
      else return false
      return true
    },
  }
}

export function SlashSuggestions({ slash, listId, onPick }: { slash: Slash; listId: string; onPick(item: SlashItem): void }) {
  if (!slash.open) return null
  return (
    // Named "Skills" for what most entries are; MCP prompts say so in their title.
    <ul id={listId} className="slash-list" role="listbox" aria-label="Skills">
      {slash.matches.map((item, i) => (
        <li
          key={item.key}
          id={`${listId}-${i}`}
          role="option"
          aria-selected={i === slash.active}
          title={item.kind === 'prompt' ? `Prompt of the MCP server ${item.prompt.server}` : undefined}
          onMouseDown={(event) => {
            // Keep the focus in the message box.
            event.preventDefault()
            onPick(item)
          }}
        >
          <strong>/{item.name}</strong>
          <span className="muted">{item.description}</span>
        </li>
      ))}
    </ul>
  )
}
