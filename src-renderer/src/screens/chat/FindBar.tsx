import { useEffect, useRef, useState } from 'react'
import { useApi } from '../../api/context'
import { Icon } from '../../components/Icon'
import { useAppStore } from '../../store/app-store'
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

/** What the core found for the find bar's text in the whole chat (not only its loaded pages). */
interface Found {
  query: string
  matches: FindMatch[]
  /** More messages hold the text than the core lists. */
  truncated: boolean
}

/** Asks the core (`sessions.find`) on every change of the text, and again when the chat changes; a late answer to older text is dropped. */
function useFound(sessionId: string, query: string, version: unknown): Found | undefined {
  const api = useApi()
  const [found, setFound] = useState<Found | undefined>()
  useEffect(() => {
    if (!query) return setFound(undefined)
    let live = true
    void api.call('sessions.find', { sessionId, query }).then((result) => {
      if (!live) return
      if (!result.ok) useAppStore.getState().notifyError(result.error)
      setFound(result.ok ? { query, matches: findMatches(result.value.matches), truncated: result.value.truncated } : { query, matches: [], truncated: false })
    })
    return () => {
      live = false
    }
  }, [api, sessionId, query, version])
  return found?.query === query ? found : undefined
}

export interface FindBarProps {
  sessionId: string
  /** Changes whenever the chat's messages may have: the find runs again. */
  version: unknown
  /** Bring a match's message into view, loading its page first when it is not loaded. */
  onShow(messageId: string): void
  /** The element holding the rendered messages. */
  list: HTMLElement | null
}

/** Ctrl/Cmd+F: find text in the whole open chat, with next/previous across its pages, a count, and highlights. */
export function FindBar({ sessionId, version, onShow, list }: FindBarProps) {
  const setOpen = useChatView((state) => state.setFindOpen)
  const [query, setQuery] = useState('')
  // Which match is current; undefined: the newest (nearest the bottom, where one reads), until Next or Previous.
  const [index, setIndex] = useState<number | undefined>()
  const input = useRef<HTMLInputElement>(null)
  const needle = query.trim()
  const found = useFound(sessionId, needle, version)
  const matches = found?.matches ?? []
  const at = matches.length === 0 ? -1 : Math.min(index ?? matches.length - 1, matches.length - 1)
  const current = matches[at]
  useFindHighlights(list, needle, current)
  const findNonce = useChatView((state) => state.findNonce)
  useEffect(() => {
    input.current?.focus()
    input.current?.select()
  }, [findNonce])
  useEffect(() => setIndex(undefined), [needle])
  const currentId = current?.messageId
  useEffect(() => {
    if (currentId) onShow(currentId)
  }, [currentId, at, onShow])

  const step = (by: number): void => {
    if (matches.length === 0) return
    setIndex((at + by + matches.length) % matches.length)
  }
  const close = (): void => setOpen(false)
  const says = !needle || !found ? '' : matches.length === 0 ? 'No matches' : `${at + 1} of ${matches.length}${found.truncated ? '+' : ''}`
  return (
    <div className="find-bar" role="search" aria-label="Find in chat">
      <Icon path={icons.search} size={15} />
      <input
        ref={input}
        type="text"
        aria-label="Find in chat"
        placeholder="Find in this chat"
        value={query}
        onChange={(event) => setQuery(event.target.value.slice(0, 500))}
        onKeyDown={(event) => {
          if (event.key === 'Enter') step(event.shiftKey ? -1 : 1)
          else if (event.key === 'Escape') close()
          else return
          event.preventDefault()
          event.stopPropagation()
        }}
      />
      <span className="find-count" role="status" aria-live="polite">{says}</span>
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
