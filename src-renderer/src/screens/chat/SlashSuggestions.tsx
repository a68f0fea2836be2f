import { useState } from 'react'
import type { Skill } from '../../../../src-shared/contract'
import { useSkills } from '../agents/use-skills'

/** The word after a leading `/` while it is being typed; undefined once there is a space (or no slash). */
export const slashQuery = (text: string): string | undefined => /^\/(\S*)$/.exec(text)?.[1]

export interface Slash {
  open: boolean
  matches: Skill[]
  active: number
  /** Handles the arrow keys, Tab, Enter and Escape while suggestions show; true when it did. */
  onKey(key: string): boolean
}

/** Skills as suggestions for `/`; the list is fetched only once a slash is typed. */
export function useSlash(text: string, workspace: string, pick: (name: string) => void): Slash {
  const query = slashQuery(text)
  const [active, setActive] = useState(0)
  const [closedFor, setClosedFor] = useState<string | undefined>()
  const { skills } = useSkills(workspace, query !== undefined)
  const matches = query === undefined ? [] : skills.filter((skill) => skill.name.toLowerCase().startsWith(query.toLowerCase()))
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
      else if (key === 'Tab' || key === 'Enter') pick(matches[current]!.name)
      else if (key === 'Escape') setClosedFor(text)
      else return false
      return true
    },
  }
}

export function SlashSuggestions({ slash, listId, onPick }: { slash: Slash; listId: string; onPick(name: string): void }) {
  if (!slash.open) return null
  return (
    <ul id={listId} className="slash-list" role="listbox" aria-label="Skills">
      {slash.matches.map((skill, i) => (
        <li
          key={`${skill.source}:${skill.name}`}
          id={`${listId}-${i}`}
          role="option"
          aria-selected={i === slash.active}
          onMouseDown={(event) => {
            // Keep the focus in the message box.
            event.preventDefault()
            onPick(skill.name)
          }}
        >
          <strong>/{skill.name}</strong>
          <span className="muted">{skill.description}</span>
        </li>
      ))}
    </ul>
  )
}
