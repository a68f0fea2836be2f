import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useState, type MouseEvent, type ReactNode, type RefObject } from 'react'
import type { SearchHit, SessionSummary } from '../../../../src-shared/contract'
import { formatWhen, plural } from '../../lib/format'
import { prefixOffsets, scrollToReveal, viewportHeight, visibleWindow } from '../../lib/virtual'
import { ROW_HEIGHT, type ListRow, type RowModel } from './session-rows'
import { Snippet } from '../../components/Snippet'

/** Pixels rendered beyond the viewport each way, so fast scrolling does not show blank rows. */
const OVERSCAN_PX = 600
/** Items requested beyond the last visible one, so the next page is there before it is needed. */
const LOOKAHEAD = 100

export type PointerSelect = 'toggle' | 'range'

export interface SessionListProps {
  model: RowModel
  mode: 'sessions' | 'hits'
  /** How many items the whole list has (for aria-setsize). */
  setSize: number
  activeItem: number | undefined
  /** Changes on every keyboard move, so the active row is revealed even when it stays the same. */
  revealKey?: number
  checked: ReadonlySet<string>
  busy: boolean
  listRef: RefObject<HTMLDivElement | null>
  onActivate(item: number): void
  onOpen(item: number): void
  onPointerSelect(item: number, how: PointerSelect): void
  onNeedItems(count: number): void
}

export const optionId = (item: number): string => `session-option-${item}`

const roleLabel: Record<NonNullable<SearchHit['role']>, string> = { user: 'You', assistant: 'Assistant', system: 'System', tool: 'Tool' }

interface RowProps {
  row: ListRow
  top: number
  active: boolean
  checked: boolean
  setSize: number
  onActivate(item: number): void
  onOpen(item: number): void
  onPointerSelect(item: number, how: PointerSelect): void
}

function SessionRowContent({ session, checked, item, onPointerSelect }: { session: SessionSummary; checked: boolean; item: number; onPointerSelect: RowProps['onPointerSelect'] }) {
  const title = session.title || 'Untitled'
  return (
    <>
      {/* A box to click, not a control: the row is an option whose aria-selected says it is ticked
          (a focusable checkbox inside an option is a nested control to screen readers). */}
      <span
        className={`row-check${checked ? ' checked' : ''}`}
        aria-hidden="true"
        title={`Select ${title}`}
        // Keep focus on the list, so the keyboard keeps working after a click.
        onMouseDown={(event) => event.preventDefault()}
        onClick={(event) => {
          event.stopPropagation()
          onPointerSelect(item, event.shiftKey ? 'range' : 'toggle')
        }}
      />
      <div className="row-main">
        <div className="row-title">
          <span className="row-title-text">{title}</span>
          {/* Live pinned sessions sit under the Pinned header; in the trash the flag says what they were. */}
          {session.pinned && session.deletedAt !== null && <span className="row-flag">Pinned</span>}
          {session.archived && <span className="row-flag">Archived</span>}
          <time dateTime={new Date(session.updatedAt).toISOString()}>{formatWhen(session.updatedAt)}</time>
        </div>
        <div className="row-meta">
          <span>{plural(session.messageCount, 'message')}</span>
          {session.source && <span>from {session.source}</span>}
          {session.tags.map((tag) => (
            <span key={tag} className="tag-chip small">{tag}</span>
          ))}
        </div>
      </div>
    </>
  )
}

function HitRowContent({ hit }: { hit: SearchHit }) {
  return (
    <div className="row-main">
      <div className="row-title">
        <span className="row-title-text">{hit.sessionTitle || 'Untitled'}</span>
        <span className="row-flag">{hit.role ? roleLabel[hit.role] : 'Title'}</span>
        <time dateTime={new Date(hit.createdAt).toISOString()}>{formatWhen(hit.createdAt)}</time>
      </div>
      <p className="hit-snippet">
        <Snippet text={hit.snippet} />
      </p>
    </div>
  )
}

const Row = memo(function Row({ row, top, active, checked, setSize, onActivate, onOpen, onPointerSelect }: RowProps) {
  const style = { top, height: ROW_HEIGHT[row.kind] }
  if (row.kind === 'header') {
    return (
      <div role="presentation" className="list-header" style={style}>
        {row.label}
      </div>
    )
  }
  if (row.kind === 'placeholder') {
    return (
      <div role="presentation" className="list-placeholder" style={style}>
        <span className="skeleton" />
      </div>
    )
  }
  const onClick = (event: MouseEvent): void => {
    if (row.kind === 'session' && event.shiftKey) onPointerSelect(row.item, 'range')
    else if (row.kind === 'session' && (event.ctrlKey || event.metaKey)) onPointerSelect(row.item, 'toggle')
    else onActivate(row.item)
  }
  return (
    <div
      role="option"
      id={optionId(row.item)}
      aria-selected={row.kind === 'session' ? checked : active}
      aria-current={active || undefined}
      aria-posinset={row.item + 1}
      aria-setsize={setSize}
      className={`list-row list-${row.kind}${active ? ' active' : ''}${checked ? ' checked' : ''}`}
      style={style}
      onClick={onClick}
      onDoubleClick={() => onOpen(row.item)}
    >
      {row.kind === 'session' ? <SessionRowContent session={row.session} checked={checked} item={row.item} onPointerSelect={onPointerSelect} /> : <HitRowContent hit={row.hit} />}
    </div>
  )
})

/**
 * The virtual list: every row has a fixed height by kind, so positions are exact sums; only rows in
 * the viewport (plus overscan) are in the DOM, whatever the number of sessions.
 */
export function SessionList(props: SessionListProps) {
  const { model, mode, setSize, activeItem, revealKey, checked, busy, listRef, onActivate, onOpen, onPointerSelect, onNeedItems } = props
  const { rows, rowOfItem } = model
  const offsets = useMemo(() => prefixOffsets(rows.length, (i) => ROW_HEIGHT[rows[i]!.kind]), [rows])
  const [range, setRange] = useState({ start: 0, end: 0 })

  const measure = useCallback(() => {
    const element = listRef.current
    const next = visibleWindow(offsets, element?.scrollTop ?? 0, viewportHeight(element), OVERSCAN_PX)
    setRange((previous) => (previous.start === next.start && previous.end === next.end ? previous : next))
  }, [listRef, offsets])

  useLayoutEffect(measure, [measure])

  useEffect(() => {
    const element = listRef.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => measure())
    observer.observe(element)
    return () => observer.disconnect()
  }, [listRef, measure])

  useEffect(() => {
    for (let i = range.end - 1; i >= range.start; i--) {
      const row = rows[i]
      if (row && row.kind !== 'header') return onNeedItems(row.item + 1 + LOOKAHEAD)
    }
  }, [range, rows, onNeedItems])

  // Keyboard moves must keep the active row visible (with its group header when it is the first).
  useLayoutEffect(() => {
    const element = listRef.current
    const row = activeItem === undefined ? undefined : rowOfItem[activeItem]
    if (!element || row === undefined) return
    const first = rows[row - 1]?.kind === 'header' ? row - 1 : row
    const target = scrollToReveal(offsets, first, row, element.scrollTop, viewportHeight(element))
    if (target === undefined) return
    element.scrollTop = target
    measure()
    // Only a move scrolls; a refresh that reorders rows must not yank the view.
  }, [activeItem, revealKey])

  const focusList = useCallback(() => listRef.current?.focus({ preventScroll: true }), [listRef])
  const activate = useCallback(
    (item: number) => {
      onActivate(item)
      focusList()
    },
    [focusList, onActivate],
  )
  const pointerSelect = useCallback(
    (item: number, how: PointerSelect) => {
      onPointerSelect(item, how)
      focusList()
    },
    [focusList, onPointerSelect],
  )

  return (
    <div
      ref={listRef}
      className="session-list"
      role="listbox"
      tabIndex={0}
      aria-label={mode === 'hits' ? 'Search results' : 'Sessions'}
      aria-multiselectable={mode === 'sessions' || undefined}
      aria-activedescendant={activeItem === undefined ? undefined : optionId(activeItem)}
      aria-busy={busy}
      onScroll={measure}
    >
      <div className="session-list-inner" style={{ height: offsets[rows.length] }}>
        {rows.slice(range.start, range.end).map((row, i) => (
          <Row
            key={row.key}
            row={row}
            top={offsets[range.start + i]!}
            active={row.kind !== 'header' && row.item === activeItem}
            checked={row.kind === 'session' && checked.has(row.session.id)}
            setSize={setSize}
            onActivate={activate}
            onOpen={onOpen}
            onPointerSelect={pointerSelect}
          />
        ))}
      </div>
    </div>
  )
}

export function ListMessage({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="list-empty" role="status">
      <strong>{title}</strong>
      {children}
    </div>
  )
}
