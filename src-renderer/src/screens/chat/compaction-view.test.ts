import { describe, expect, it } from 'vitest'
import type { CompactionEntry, SessionMessage } from '../../../../src-shared/contract'
import { emptyMessage } from '../../lib/empty-message'
import { withCompactionMarker, withoutSummaries } from './compaction-view'
import { visiblePath } from './thread'

const message = (id: string, parentId: string | null, at: number, role: SessionMessage['role'] = 'user'): SessionMessage => ({ ...emptyMessage('s', at), id, parentId, role, text: id })
/** m0 → m1 → … → m5, then the summary (a root, newest) written for m0..m3. */
const chain = Array.from({ length: 6 }, (_, i) => message(`m${i}`, i === 0 ? null : `m${i - 1}`, i))
const summary = message('sum', null, 10, 'system')
const loaded = [...chain, summary]
const compaction: CompactionEntry = { summaryMessageId: 'sum', uptoMessageId: 'm3', tokensBefore: 900, tokensAfter: 200, createdAt: 10, summary: 'what was said' }
const ids = (messages: readonly SessionMessage[]) => messages.map((m) => m.id)
const noop = () => undefined

describe('the compaction marker in the thread', () => {
  it('keeps the summary out of the branch being read (it would otherwise be read as the newest message)', () => {
    expect(ids(visiblePath(loaded))).toEqual(['sum'])
    expect(ids(visiblePath(withoutSummaries(loaded, [compaction])))).toEqual(ids(chain))
  })

  it('collapsed, the marker stands in for the summarised originals; expanded, they come back above it', () => {
    const thread = withoutSummaries(loaded, [compaction])
    const collapsed = withCompactionMarker(thread, loaded, [compaction], false, false, noop)
    expect(ids(collapsed.messages)).toEqual(['sum', 'm4', 'm5'])
    expect(collapsed.markers.get('sum')).toMatchObject({ originals: 4, summary: 'what was said', expanded: false })
    expect(collapsed.hidesOlder).toBe(true)
    const expanded = withCompactionMarker(thread, loaded, [compaction], false, true, noop)
    expect(ids(expanded.messages)).toEqual(['m0', 'm1', 'm2', 'm3', 'sum', 'm4', 'm5'])
    expect(expanded.hidesOlder).toBe(false)
  })

  it('the deepest compaction on the branch applies', () => {
    const later = { ...compaction, summaryMessageId: 'sum2', uptoMessageId: 'm4', createdAt: 11 }
    const view = withCompactionMarker(chain, [...loaded, message('sum2', null, 11, 'system')], [compaction, later], false, false, noop)
    expect(ids(view.messages)).toEqual(['sum2', 'm5'])
  })

  it('a compaction of an older page puts the marker on top of everything loaded', () => {
    const page = chain.slice(4)
    const view = withCompactionMarker(page, page, [compaction], true, false, noop)
    expect(ids(view.messages)).toEqual(['sum', 'm4', 'm5'])
    expect(view.markers.get('sum')).toMatchObject({ originals: 0, summary: 'what was said' })
  })

  it('without compactions, or one on another branch with nothing older, the thread is unchanged', () => {
    expect(ids(withCompactionMarker(chain, chain, [], false, false, noop).messages)).toEqual(ids(chain))
    const elsewhere = { ...compaction, uptoMessageId: 'other' }
    expect(ids(withCompactionMarker(chain, chain, [elsewhere], false, false, noop).messages)).toEqual(ids(chain))
  })
})
