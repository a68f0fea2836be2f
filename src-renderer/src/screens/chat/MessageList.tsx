import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { SessionMessage } from '../../../../src-shared/contract'
import { Icon } from '../../components/Icon'
import { prefixOffsets, viewportHeight, visibleWindow } from '../../lib/virtual'
import { useChatView } from '../../store/chat-view-store'
import { icons } from './icons'
import { MessageItem } from './MessageItem'

const OVERSCAN_PX = 800
/** Start fetching older messages this close to the top, so they are usually there before the user is. */
const LOAD_OLDER_PX = 400
/** Within this of the bottom counts as "at the bottom": new heights keep it pinned there. */
const BOTTOM_SLACK_PX = 8
/**
 * "Jump to latest" floats over the bottom of the list; the list ends with this much room
 * (chat-layout.css, .message-list-inner's bottom margin) so the last message's actions sit above
 * it, and the button shows only once those actions have scrolled out from under it.
 */
const BOTTOM_ROOM_PX = 64
const JUMP_AFTER_PX = BOTTOM_ROOM_PX + 16
const GAP_PX = 12

/** A guess at a message's height before it is rendered: header and padding, plus wrapped lines. */
export function estimateHeight(message: SessionMessage): number {
  let lines = 0
  for (const line of message.text.split('\n')) lines += Math.max(1, Math.ceil(line.length / 90))
  return 72 + Math.min(lines, 400) * 21 + (message.reasoning ? 28 : 0) + (message.attachments.length > 0 ? 24 : 0)
}

/** A message to bring into view (a search hit, a find match, the message being edited). */
export interface ScrollTarget {
  id: string
  /** A new value scrolls again, even to the same message. */
  nonce: number
  /** Mark the message until the next target (a search hit); find matches are marked by the find bar. */
  highlight: boolean
}

export interface MessageListProps {
  messages: readonly SessionMessage[]
  hasOlder: boolean
  loadingOlder: boolean
  onLoadOlder(): void
  target?: ScrollTarget | undefined
}

/**
 * Variable-height virtual list. Unrendered messages count at their estimated height; rendered ones
 * are measured (ResizeObserver) and the estimate replaced. Changes above the viewport (a measured
 * row, or a page of older messages put in front) move scrollTop by the same amount, so what the
 * user is reading stays put.
 */
export function MessageList({ messages, hasOlder, loadingOlder, onLoadOlder, target }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const [following, setFollowing] = useState(true)
  const [farFromBottom, setFarFromBottom] = useState(false)
  const [highlightId, setHighlightId] = useState<string | undefined>()
  const heights = useRef(new Map<string, number>())
  const [measured, setMeasured] = useState(0)
  const offsets = useMemo(
    () => prefixOffsets(messages.length, (i) => (heights.current.get(messages[i]!.id) ?? estimateHeight(messages[i]!)) + GAP_PX),
    // `measured` stands for the contents of `heights`, which is a ref.
    [messages, measured],
  )
  const offsetsRef = useRef(offsets)
  offsetsRef.current = offsets
  const indexOf = useMemo(() => new Map(messages.map((message, i) => [message.id, i])), [messages])
  const indexRef = useRef(indexOf)
  indexRef.current = indexOf
  const [range, setRange] = useState({ start: 0, end: 0 })
  const atBottom = useRef(true)
  const firstId = useRef<string | undefined>(undefined)
  const paging = useRef({ hasOlder, loadingOlder, onLoadOlder, count: messages.length })
  paging.current = { hasOlder, loadingOlder, onLoadOlder, count: messages.length }

  // Ask for older messages near the top, or when the loaded ones do not even fill the view.
  const maybeLoadOlder = useCallback(() => {
    const element = scroller.current
    const { hasOlder: more, loadingOlder: busy, onLoadOlder: load, count } = paging.current
    if (element && more && !busy && count > 0 && element.scrollTop < LOAD_OLDER_PX) load()
  }, [])

  const update = useCallback(() => {
    const element = scroller.current
    if (!element) return
    const viewport = viewportHeight(element)
    const total = offsetsRef.current[offsetsRef.current.length - 1]!
    atBottom.current = element.scrollTop + viewport >= total - BOTTOM_SLACK_PX
    setFollowing(atBottom.current)
    setFarFromBottom(element.scrollHeight - element.scrollTop - element.clientHeight > JUMP_AFTER_PX)
    const next = visibleWindow(offsetsRef.current, element.scrollTop, viewport, OVERSCAN_PX)
    setRange((previous) => (previous.start === next.start && previous.end === next.end ? previous : next))
    maybeLoadOlder()
  }, [maybeLoadOlder])

  // One observer for every rendered row; a new height above the viewport shifts scrollTop with it.
  const observer = useMemo(() => {
    if (typeof ResizeObserver === 'undefined') return undefined
    return new ResizeObserver((entries) => {
      const element = scroller.current
      let changed = false
      for (const entry of entries) {
        const id = (entry.target as HTMLElement).dataset.id
        const height = entry.borderBoxSize?.[0]?.blockSize ?? entry.contentRect.height
        if (!id || height <= 0) continue
        const index = indexRef.current.get(id)
        const old = heights.current.get(id) ?? (index === undefined ? height : offsetsRef.current[index + 1]! - offsetsRef.current[index]! - GAP_PX)
        if (Math.abs(old - height) < 0.5) continue
        heights.current.set(id, height)
        changed = true
        if (element && index !== undefined && offsetsRef.current[index]! < element.scrollTop && !atBottom.current) element.scrollTop += height - old
      }
      if (changed) setMeasured((n) => n + 1)
    })
  }, [])
  useEffect(() => () => observer?.disconnect(), [observer])

  const rowRef = useCallback(
    (element: HTMLDivElement | null) => {
      if (!element || !observer) return
      observer.observe(element)
      return () => observer.unobserve(element)
    },
    [observer],
  )

  useLayoutEffect(() => {
    const element = scroller.current
    const first = messages[0]?.id
    const previousFirst = firstId.current
    firstId.current = first
    if (!element) return
    const total = offsets[offsets.length - 1]!
    if (previousFirst === undefined) {
      // A conversation opens at its latest message.
      element.scrollTop = total
    } else if (first !== previousFirst) {
      // Older messages went in front: move down by their height so the view does not jump.
      const index = indexOf.get(previousFirst)
      if (index !== undefined && index > 0) element.scrollTop += offsets[index]!
    } else if (atBottom.current) {
      element.scrollTop = total
    }
    update()
  }, [messages, offsets, indexOf, update])

  useEffect(maybeLoadOlder, [hasOlder, loadingOlder, messages.length, maybeLoadOlder])

  const toBottom = useCallback(() => {
    const element = scroller.current
    if (!element) return
    atBottom.current = true
    element.scrollTop = offsetsRef.current[offsetsRef.current.length - 1]!
    update()
  }, [update])

  // Every send brings the latest message into view and follows the reply from there.
  const bottomNonce = useChatView((state) => state.bottomNonce)
  const seenBottom = useRef(bottomNonce)
  useLayoutEffect(() => {
    if (seenBottom.current === bottomNonce) return
    seenBottom.current = bottomNonce
    setHighlightId(undefined)
    toBottom()
  }, [bottomNonce, toBottom])

  // A target is shown once per nonce, as soon as its message is loaded (its page may come later).
  const shown = useRef<number | undefined>(undefined)
  useLayoutEffect(() => {
    const element = scroller.current
    if (!element || !target || shown.current === target.nonce) return
    const index = indexOf.get(target.id)
    if (index === undefined) return
    shown.current = target.nonce
    atBottom.current = false
    element.scrollTop = Math.max(0, offsets[index]! - viewportHeight(element) / 4)
    setHighlightId(target.highlight ? target.id : undefined)
    update()
  }, [target, indexOf, offsets, update])

  return (
    <div className="message-scroll">
      <div ref={scroller} className="message-list" onScroll={update} tabIndex={0} role="log" aria-label="Messages" aria-busy={loadingOlder}>
        {/* In the flow above the messages (never over them); it keeps its room once every page is in, so nothing jumps. */}
        <div className="older-note" aria-hidden={hasOlder ? undefined : true}>
          {hasOlder ? (loadingOlder ? 'Loading older messages…' : 'Scroll up for older messages') : null}
        </div>
        <div className="message-list-inner" style={{ height: offsets[messages.length] }}>
          {messages.slice(range.start, range.end).map((message, i) => (
            <div key={message.id} ref={rowRef} data-id={message.id} className={`message-row${message.id === highlightId ? ' highlighted' : ''}`} style={{ top: offsets[range.start + i] }}>
              <MessageItem message={message} />
            </div>
          ))}
        </div>
      </div>
      {!following && farFromBottom && messages.length > 0 && (
        <button type="button" className="jump-latest" onClick={toBottom}>
          <Icon path={icons.down} size={15} />
          Jump to latest
        </button>
      )}
    </div>
  )
}
