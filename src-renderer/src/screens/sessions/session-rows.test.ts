import { describe, expect, it } from 'vitest'
import { makeSession } from '../../../test/session-fixtures'
import { dateGroup, dateGrouper, groupOf, hitRows, ROW_HEIGHT, sessionRows } from './session-rows'

const now = new Date(2025, 5, 15, 14, 30).getTime()
const at = (days: number, hours = 0): number => new Date(2025, 5, 15 - days, 10 + hours).getTime()

describe('date groups', () => {
  it('puts times into Today, Yesterday, Previous 7 and 30 days, then months', () => {
    expect(dateGroup(at(0), now)).toBe('Today')
    expect(dateGroup(now + 60_000, now)).toBe('Today')
    expect(dateGroup(at(1), now)).toBe('Yesterday')
    expect(dateGroup(at(6), now)).toBe('Previous 7 days')
    expect(dateGroup(at(20), now)).toBe('Previous 30 days')
    expect(dateGroup(new Date(2025, 1, 3).getTime(), now)).toBe(new Date(2025, 1, 3).toLocaleDateString(undefined, { month: 'long', year: 'numeric' }))
    expect(dateGroup(new Date(2023, 11, 31).getTime(), now)).toMatch(/2023/)
    // One grouper remembers month labels.
    const byDate = dateGrouper(now)
    expect(byDate(new Date(2024, 3, 2).getTime())).toBe(byDate(new Date(2024, 3, 28).getTime()))
  })

  it('groups pinned sessions first, by the sorted date or by initial letter', () => {
    const session = makeSession(1, { title: 'zebra facts', createdAt: at(40), updatedAt: at(0) })
    const byDate = dateGrouper(now)
    expect(groupOf({ ...session, pinned: true }, 'updated', byDate)).toBe('Pinned')
    expect(groupOf({ ...session, pinned: true, deletedAt: at(0) }, 'updated', byDate)).toBe('Today')
    expect(groupOf(session, 'updated', byDate)).toBe('Today')
    expect(groupOf(session, 'created', byDate)).not.toBe('Today')
    expect(groupOf(session, 'title', byDate)).toBe('Z')
    expect(groupOf({ ...session, title: '  42 ideas' }, 'title', byDate)).toBe('#')
    expect(groupOf({ ...session, title: 'éclair' }, 'title', byDate)).toBe('É')
  })
})

describe('rows', () => {
  it('inserts a header whenever the group changes and placeholders for unloaded sessions', () => {
    const sessions = [
      makeSession(0, { pinned: true, updatedAt: at(3) }),
      makeSession(1, { updatedAt: at(0) }),
      makeSession(2, { updatedAt: at(0, 1) }),
      makeSession(3, { updatedAt: at(1) }),
    ]
    const { rows, rowOfItem } = sessionRows(sessions, 6, 'updated', now)
    expect(rows.map((row) => (row.kind === 'header' ? row.label : row.kind))).toEqual([
      'Pinned', 'session', 'Today', 'session', 'session', 'Yesterday', 'session', 'placeholder', 'placeholder',
    ])
    expect([...rowOfItem]).toEqual([1, 3, 4, 6, 7, 8])
    expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length)
  })

  it('lists hits one per row, with unique keys even for the same session', () => {
    const hit = { sessionId: 'a', sessionTitle: 'A', messageId: null, role: null, snippet: 'x', rank: -1, createdAt: 0 }
    const { rows, rowOfItem } = hitRows([hit, hit])
    expect(rows.every((row) => row.kind === 'hit')).toBe(true)
    expect(rows[0]!.key).not.toBe(rows[1]!.key)
    expect([...rowOfItem]).toEqual([0, 1])
    expect(ROW_HEIGHT.hit).toBeGreaterThan(ROW_HEIGHT.session)
  })
})
