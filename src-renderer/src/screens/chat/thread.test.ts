import { describe, expect, it } from 'vitest'
import { makeMessage, makeMessages } from '../../../test/session-fixtures'
import type { LiveReply } from './reply-store'
import { visiblePath, withLiveReply } from './thread'

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

describe('withLiveReply', () => {
  const reply = (over: Partial<LiveReply>): LiveReply => ({
    input: { text: '', target: { auto: true } }, startedAt: 0, status: 'streaming', attempts: [], text: '', reasoning: '', toolCalls: [],
    permissions: [], toolResults: [], hookNotices: [], cancel: () => undefined, ...over,
  })

  it('streams a continued reply onto the end of the stored text, in the same message', () => {
    const [q, a] = makeMessages('s', 2)
    const stopped = { ...a!, role: 'assistant' as const, text: 'Once upon', timings: { stopped: 1 } }
    const live = reply({ input: { sessionId: 's', text: '', continueOf: stopped.id, target: { auto: true } }, assistantMessageId: stopped.id, text: ' a time' })
    const shown = withLiveReply([q!, stopped], live, 's')
    expect(shown.map((m) => m.text)).toEqual([q!.text, 'Once upon a time'])
    expect(shown[1]!.id).toBe(stopped.id)
  })

  it('reads a stopped reply as stored once it is, so its Stopped mark and Continue show', () => {
    const [q, a] = makeMessages('s', 2)
    const stored = { ...a!, role: 'assistant' as const, text: 'partial', timings: { stopped: 1 } }
    const live = reply({ input: { sessionId: 's', text: q!.text, target: { auto: true } }, status: 'cancelled', userMessageId: q!.id, assistantMessageId: stored.id, text: 'partial' })
    expect(withLiveReply([q!, stored], live, 's')[1]).toBe(stored)
  })
})
