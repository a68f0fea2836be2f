import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { fuzzyFilter, type FuzzyMatch } from '../lib/fuzzy'
import { paletteCommands, type CommandContext, type PaletteCommand } from '../lib/commands'
import { openSessionAt } from '../lib/navigation'
import { useSessionSearch } from '../lib/session-search'
import { loadSkillNames, skillCommands, useSkillNames } from '../lib/skill-commands'
import { useAppStore } from '../store/app-store'
import { Snippet } from './Snippet'

/** Chats found by full-text search, listed after the commands. */
const CHAT_HITS = 8
const NO_FILTERS = {}
const NO_MATCH: FuzzyMatch = { score: 0, indices: [] }

function Highlighted({ text, indices }: { text: string; indices: number[] }) {
  const marks = new Set(indices)
  return (
    <>
      {[...text].map((char, i) => (marks.has(i) ? <mark key={i}>{char}</mark> : <span key={i}>{char}</span>))}
    </>
  )
}

/** Ctrl/Cmd+K: fuzzy search over every screen and command, fully keyboard driven. */
export function CommandPalette({ context }: { context: CommandContext }) {
  const open = useAppStore((state) => state.paletteOpen)
  const setOpen = useAppStore((state) => state.setPaletteOpen)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const skillNames = useSkillNames((state) => state.names)
  const commands = useMemo(() => [...paletteCommands(), ...skillCommands(skillNames)], [skillNames])
  const found = useSessionSearch(context.api, open ? query : '', NO_FILTERS)
  const results = useMemo(() => {
    const matched = fuzzyFilter(commands, query, (command) => `${command.section} ${command.title}`)
    // One row per chat: its best hit, which opens the chat at that message.
    const seen = new Set<string>()
    const chats: { item: PaletteCommand; match: FuzzyMatch }[] = []
    for (const hit of query.trim() ? found.hits : []) {
      if (seen.has(hit.sessionId) || chats.length >= CHAT_HITS) continue
      seen.add(hit.sessionId)
      const item: PaletteCommand = { id: `chat-hit.${hit.sessionId}`, title: hit.sessionTitle || 'Untitled', detail: hit.snippet, section: 'Chats', run: () => openSessionAt(hit.sessionId, hit.messageId) }
      chats.push({ item, match: NO_MATCH })
    }
    return [...matched, ...chats]
  }, [commands, query, found.hits])

  useEffect(() => {
    if (!open) return
    void loadSkillNames(context.api)
    setQuery('')
    setActive(0)
    input.current?.focus()
  }, [open])
  useEffect(() => setActive(0), [query])
  useEffect(() => setActive((i) => Math.min(i, Math.max(0, results.length - 1))), [results.length])

  if (!open) return null

  const run = (command: PaletteCommand | undefined): void => {
    if (!command) return
    setOpen(false)
    void command.run(context)
  }
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown') setActive((i) => Math.min(i + 1, results.length - 1))
    else if (event.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0))
    else if (event.key === 'Enter') run(results[active]?.item)
    else if (event.key === 'Escape') setOpen(false)
    else return
    event.preventDefault()
  }

  return (
    <div className="palette-backdrop" onMouseDown={() => setOpen(false)}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onMouseDown={(event) => event.stopPropagation()}>
        <input
          ref={input}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={results[active] ? `palette-${results[active].item.id}` : undefined}
          aria-autocomplete="list"
          placeholder="Type a command, a screen, or words from a chat…"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <ul id="palette-list" role="listbox" aria-label="Commands">
          {results.length === 0 && <li className="palette-empty">{found.status === 'searching' ? 'Searching your chats…' : `No command or chat matches “${query}”.`}</li>}
          {results.map(({ item, match }, index) => {
            const offset = item.section.length + 1
            return (
              <li
                key={item.id}
                id={`palette-${item.id}`}
                role="option"
                aria-selected={index === active}
                className="palette-option"
                onMouseEnter={() => setActive(index)}
                onClick={() => run(item)}
              >
                <span className="palette-section">{item.section}</span>
                <span className="palette-title">
                  <Highlighted text={item.title} indices={match.indices.filter((i) => i >= offset).map((i) => i - offset)} />
                  {item.detail && <span className="palette-detail"><Snippet text={item.detail} /></span>}
                </span>
                {item.hint && <kbd>{item.hint}</kbd>}
              </li>
            )
          })}
        </ul>
      </div>
    </div>
  )
}
