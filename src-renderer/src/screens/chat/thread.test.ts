import { describe, expect, it } from 'vitest'
import { makeMessage, makeMessages } from '../../../test/session-fixtures'
import { visiblePath } from './thread'

const ids = (messages: { id: string }[]) => messages.map((m) => m.id.replace(/^s-m0+/, 'm'))

describe('visiblePath', () => {
  it('shows a linear conversation as it is', () => {
    const messages = makeMessages('s', 4)
    expect(visiblePath(messages)).toEqual(messages)
  })

  it('hides the branch a regeneration replaced', () => {
    const [q, a] = makeMessages('s', 2)
    const again = makeMessage('s', 2, { role: 'assistant', parentId: q!.id })
    expect(ids(visiblePath([q!, a!, again]))).toEqual(['m', 'm2'])
  })

  it('hides the old question and answer after an edit of the first message', () => {
    const [q, a] = makeMessages('s', 2)
    const edited = makeMessage('s', 2, { role: 'user', parentId: null })
    const reply = makeMessage('s', 3, { role: 'assistant', parentId: edited.id })
    expect(ids(visiblePath([q!, a!, edited, reply]))).toEqual(['m2', 'm3'])
  })

  it('keeps older messages whose parents are on a page not loaded yet', () => {
    const page = makeMessages('s', 10).slice(5)
    expect(visiblePath(page)).toEqual(page)
  })

  it('shows history without parent links as it is', () => {
    const messages = makeMessages('s', 4).map((m) => ({ ...m, parentId: null }))
    expect(visiblePath(messages)).toEqual(messages)
  })
})
