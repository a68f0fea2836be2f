import { useEffect, useMemo, useRef, useState } from 'react'
import type { SessionMessage } from '../../../../src-shared/contract'
import { Icon } from '../../components/Icon'
import { useChatView } from '../../store/chat-view-store'
import { findMatches, rangesIn, type FindMatch } from './find-matches'
import { icons } from './icons'

/** The CSS Custom Highlight API where the engine has it (Chromium, Electron); nothing elsewhere. */
interface HighlightRegistry {
  set(name: string, highlight: unknown): void
  delete(name: string): void
}
const registry = (): HighlightRegistry | undefined => (globalThis.CSS as unknown as { highlights?: HighlightRegistry } | undefined)?.highlights
const makeHighlight = (ranges: Range[]): unknown => new (globalThis as unknown as { Highlight: new (...ranges: Range[]) => unknown }).Highlight(...ranges)

/** Marks every visible occurrence, the current one apart; redone whenever the list's rows change. */
function useFindHighlights(list: HTMLElement | null, query: string, current: FindMatch | undefined): void {
  useEffect(() => {
    const highlights = registry()
    if (!list || !highlights || typeof globalThis.Highlight === 'undefined') return
    let frame = 0
    const paint = (): void => {
      frame = 0
      const all = rangesIn(list, query)
      const row = current ? list.querySelector(`[data-id="${CSS.escape(current.messageId)}"]`) : null
      const inRow = row ? rangesIn(row, query) : []
      const mine = inRow[Math.min(current?.occurrence ?? 0, inRow.length - 1)]
      highlights.set('chat-find', makeHighlight(all))
      if (mine) highlights.set('chat-find-current', makeHighlight([mine]))
      else highlights.delete('chat-find-current')
    }
    paint()
    const observer = new MutationObserver(() => {
      if (!frame) frame = requestAnimationFrame(paint)
    })
    observer.observe(list, { subtree: true, childList: true, characterData: true })
    return () => {
      observer.disconnect()
      cancelAnimationFrame(frame)
      highlights.delete('chat-find')
      highlights.delete('chat-find-current')
    }
  }, [list, query, current])
}

export interface FindBarProps {
  messages: readonly SessionMessage[]
  /** Scroll the list to a match's message. */
  onShow(messageId: string): void
  /** The element holding the rendered messages. */
  list: HTMLElement | null
}

/** Ctrl/Cmd+F: find text in the open chat, with next/previous, a count, and highlights. */
export function FindBar({ messages, onShow, list }: FindBarProps) {
  const setOpen = useChatView((state) => state.setFindOpen)
  const [query, setQuery] = useState('')
  const [index, setIndex] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const matches = useMemo(() => findMatches(messages, query.trim()), [messages, query])
  const current = matches.length > 0 ? matches[Math.min(index, matches.length - 1)] : undefined
  useFindHighlights(list, query.trim(), current)
  const findNonce = useChatView((state) => state.findNonce)
  useEffect(() => {
    input.current?.focus()
    input.current?.select()
  }, [findNonce])
  useEffect(() => setIndex(0), [query])
  const currentId = current?.messageId
  useEffect(() => {
    if (currentId) onShow(currentId)
  }, [currentId, index, onShow])

  const step = (by: number): void => {
    if (matches.length === 0) return
    setIndex((i) => (Math.min(i, matches.length - 1) + by + matches.length) % matches.length)
  }
  const close = (): void => setOpen(false)
  const shown = current ? Math.min(index, matches.length - 1) + 1 : 0
  return (
    <div className="find-bar" role="search" aria-label="Find in chat">
      <Icon path={icons.search} size={15} />
      <input
        ref={input}
        type="text"
        aria-label="Find in chat"
        placeholder="Find in this chat"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') step(event.shiftKey ? -1 : 1)
          else if (event.key === 'Escape') close()
          else return
          event.preventDefault()
          event.stopPropagation()
        }}
      />
      <span className="find-count" role="status" aria-live="polite">{query.trim() ? (matches.length === 0 ? 'No matches' : `${shown} of ${matches.length}`) : ''}</span>
      <button type="button" className="icon-button" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={matches.length === 0} onClick={() => step(-1)}>
        <Icon path={icons.up} size={16} />
      </button>
      <button type="button" className="icon-button" aria-label="Next match" title="Next match (Enter)" disabled={matches.length === 0} onClick={() => step(1)}>
        <Icon path={icons.chevronDown} size={16} />
      </button>
      <button type="button" className="icon-button" aria-label="Close find" title="Close (Esc)" onClick={close}>
        <Icon path={icons.close} size={16} />
      </button>
    </div>
  )
}
