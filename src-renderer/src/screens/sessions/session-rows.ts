import type { SearchHit, SessionSummary } from '../../../../src-shared/contract'

export type SortKey = 'updated' | 'created' | 'title'

/** One row of the virtual list: a group header, a session, a search hit, or a page not loaded yet. */
export type ListRow =
  | { kind: 'header'; key: string; label: string }
  | { kind: 'session'; key: string; item: number; session: SessionSummary }
  | { kind: 'hit'; key: string; item: number; hit: SearchHit }
  | { kind: 'placeholder'; key: string; item: number }

/** Fixed heights (px) per kind keep the list's arithmetic exact; CSS uses the same numbers. */
export const ROW_HEIGHT: Record<ListRow['kind'], number> = { header: 32, session: 58, hit: 80, placeholder: 58 }

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' })

/** Local midnight `days` calendar days before `now` (calendar days, so DST shifts do not matter). */
function midnightBefore(now: number, days: number): number {
  const date = new Date(now)
  date.setHours(0, 0, 0, 0)
  date.setDate(date.getDate() - days)
  return date.getTime()
}

/**
 * The date groups relative to `now`: Today, Yesterday, Previous 7 days, Previous 30 days, then by
 * month. Built once per list: formatting dates is the slow part of grouping 10,000 sessions.
 */
export function dateGrouper(now: number): (ms: number) => string {
  const bounds: [number, string][] = [
    [midnightBefore(now, 0), 'Today'],
    [midnightBefore(now, 1), 'Yesterday'],
    [midnightBefore(now, 7), 'Previous 7 days'],
    [midnightBefore(now, 30), 'Previous 30 days'],
  ]
  const months = new Map<number, string>()
  return (ms) => {
    for (const [since, label] of bounds) if (ms >= since) return label
    const date = new Date(ms)
    const key = date.getFullYear() * 12 + date.getMonth()
    let label = months.get(key)
    if (label === undefined) months.set(key, (label = monthFormat.format(date)))
    return label
  }
}

export const dateGroup = (ms: number, now: number): string => dateGrouper(now)(ms)

/** Which header a session sits under: pinned ones first, then by the date (or letter) it is sorted by. */
export function groupOf(session: SessionSummary, sort: SortKey, byDate: (ms: number) => string): string {
  if (session.pinned && session.deletedAt === null) return 'Pinned'
  if (sort === 'title') {
    const first = session.title.trim().charAt(0).toLocaleUpperCase()
    return /\p{L}/u.test(first) ? first : '#'
  }
  return byDate(sort === 'created' ? session.createdAt : session.updatedAt)
}

export interface RowModel {
  rows: ListRow[]
  /** rowOfItem[i] is the row that shows item i (a session, hit or placeholder). */
  rowOfItem: Int32Array
}

/** Sessions loaded so far under their group headers, then placeholders for the rest of `total`. */
export function sessionRows(sessions: readonly SessionSummary[], total: number, sort: SortKey, now: number): RowModel {
  const rows: ListRow[] = []
  const count = Math.max(total, sessions.length)
  const rowOfItem = new Int32Array(count)
  const byDate = dateGrouper(now)
  let group: string | undefined
  sessions.forEach((session, item) => {
    const label = groupOf(session, sort, byDate)
    if (label !== group) {
      group = label
      rows.push({ kind: 'header', key: `h:${item}:${label}`, label })
    }
    rowOfItem[item] = rows.length
    rows.push({ kind: 'session', key: session.id, item, session })
  })
  for (let item = sessions.length; item < count; item++) {
    rowOfItem[item] = rows.length
    rows.push({ kind: 'placeholder', key: `p:${item}`, item })
  }
  return { rows, rowOfItem }
}

/** Search hits in rank order; one session can have several (its title and some messages). */
export function hitRows(hits: readonly SearchHit[]): RowModel {
  const rowOfItem = new Int32Array(hits.length)
  const rows = hits.map((hit, item): ListRow => {
    rowOfItem[item] = item
    return { kind: 'hit', key: `${hit.sessionId}:${hit.messageId ?? 'title'}:${item}`, item, hit }
  })
  return { rows, rowOfItem }
}
