import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState } from 'react'
import type { SearchHit, SessionSummary } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { Icon } from '../../components/Icon'
import { Snippet } from '../../components/Snippet'
import { formatCount, formatWhen } from '../../lib/format'
import { openSession, openSessionAt, startNewChat } from '../../lib/navigation'
import { useSessionSearch } from '../../lib/session-search'
import { useAppStore } from '../../store/app-store'
import { useChatView } from '../../store/chat-view-store'
import { icons } from './icons'
import { useColumnSessions } from './use-column-sessions'

const ROW_PX = 34
const HIT_PX = 54
/** Sessions asked for beyond the last visible row, so the next page is there before it is needed. */
const LOOKAHEAD = 120
const modKey = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+'
const NO_FILTERS = {}

function SessionRow({ session, active }: { session: SessionSummary; active: boolean }) {
  const title = session.title || 'Untitled'
  return (
    <a
      href={`#/chat/${encodeURIComponent(session.id)}`}
      className="column-row"
      aria-current={active ? 'page' : undefined}
      title={title}
      onClick={(event) => {
        event.preventDefault()
        openSession(session.id)
      }}
    >
      {session.pinned && <span className="column-pin" aria-label="Pinned"><Icon path={icons.pin} size={13} /></span>}
      <span className="column-title">{title}</span>
      <time dateTime={new Date(session.updatedAt).toISOString()}>{formatWhen(session.updatedAt)}</time>
    </a>
  )
}

function HitRow({ hit, active }: { hit: SearchHit; active: boolean }) {
  return (
    <a
      href={`#/chat/${encodeURIComponent(hit.sessionId)}`}
      className="column-row column-hit"
      aria-current={active ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault()
        openSessionAt(hit.sessionId, hit.messageId)
      }}
    >
      <span className="column-title">{hit.sessionTitle || 'Untitled'}</span>
      <span className="column-snippet"><Snippet text={hit.snippet} /></span>
    </a>
  )
}

/** The chats beside the conversation: recent and pinned ones (virtualised, paged), or search hits as you type. */
export function ConversationColumn() {
  const api = useApi()
  const collapsed = useChatView((state) => state.columnCollapsed)
  const toggle = useChatView((state) => state.toggleColumn)
  const openId = useAppStore((state) => state.openSessionId)
  const [text, setText] = useState('')
  const pages = useColumnSessions(api)
  const search = useSessionSearch(api, text, NO_FILTERS)
  const showHits = text.trim() !== '' && search.searchedFor !== ''
  const count = showHits ? search.hits.length : pages.total
  const scroller = useRef<HTMLDivElement>(null)
  const virtual = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => (showHits ? HIT_PX : ROW_PX),
    overscan: 6,
  })
  useEffect(() => virtual.measure(), [showHits, virtual])
  const items = virtual.getVirtualItems()
  const last = items[items.length - 1]?.index ?? 0
  const { ensureLoaded } = pages
  useEffect(() => {
    if (!showHits) ensureLoaded(last + LOOKAHEAD)
  }, [last, showHits, ensureLoaded])

  if (collapsed) {
    return (
      <nav className="chat-column collapsed" aria-label="Conversations">
        <h1 id="screen-title" tabIndex={-1} className="visually-hidden">Chat</h1>
        <button type="button" className="icon-button" aria-label="Show conversations" aria-expanded={false} title="Show conversations" onClick={toggle}>
          <Icon path={icons.expand} size={18} />
        </button>
        <button type="button" className="icon-button" aria-label="New chat" title={`New chat (${modKey}N)`} onClick={startNewChat}>
          <Icon path={icons.newChat} size={18} />
        </button>
      </nav>
    )
  }

  const status = showHits
    ? `${formatCount(search.hits.length)} ${search.hits.length === 1 ? 'match' : 'matches'}`
    : pages.status === 'loading' && pages.sessions.length === 0
      ? 'Loading…'
      : `${formatCount(pages.total)} ${pages.total === 1 ? 'chat' : 'chats'}`
  return (
    <nav className="chat-column" aria-label="Conversations">
      <div className="column-head">
        <h1 id="screen-title" tabIndex={-1}>Chat</h1>
        <button type="button" className="icon-button" aria-label="New chat" title={`New chat (${modKey}N)`} onClick={startNewChat}>
          <Icon path={icons.newChat} size={18} />
        </button>
        <button type="button" className="icon-button" aria-label="Hide conversations" aria-expanded={true} title="Hide conversations" onClick={toggle}>
          <Icon path={icons.collapse} size={18} />
        </button>
      </div>
      <div className="column-search">
        <Icon path={icons.search} size={15} />
        <input
          type="search"
          aria-label="Search chats"
          placeholder="Search chats"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && text) {
              event.preventDefault()
              event.stopPropagation()
              setText('')
            }
          }}
        />
      </div>
      <p className="column-status" aria-live="polite">{status}</p>
      {showHits && search.hits.length === 0 && <p className="column-empty">Nothing matches “{search.searchedFor}”. Search looks at titles and message text.</p>}
      {!showHits && pages.status === 'ready' && pages.total === 0 && <p className="column-empty">No chats yet. Write a message to start one.</p>}
      <div ref={scroller} className="column-list" aria-label={showHits ? 'Search results' : 'Recent chats'} role="list">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const hit = showHits ? search.hits[item.index] : undefined
            const session = showHits ? undefined : pages.sessions[item.index]
            return (
              <div
                key={item.key}
                role="listitem"
                aria-setsize={count}
                aria-posinset={item.index + 1}
                className="column-item"
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {hit ? <HitRow hit={hit} active={hit.sessionId === openId} /> : session ? <SessionRow session={session} active={session.id === openId} /> : <span className="column-row placeholder" aria-label="Loading" />}
              </div>
            )
          })}
        </div>
      </div>
    </nav>
  )
}
