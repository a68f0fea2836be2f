import { describe, expect, it } from 'vitest'
import { makeMessage, makeMessages } from '../../../test/session-fixtures'
import type { ChatEvent } from '../../../../src-shared/contract'
import { replyAfter, type LiveReply } from './reply-store'
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

describe('a turn of several rounds (tool results, a Stop hook’s continuation)', () => {
  const [q, a1, a2] = [makeMessage('s', 0), makeMessage('s', 1, { role: 'assistant' }), makeMessage('s', 2, { role: 'assistant' })]
  const start = (): LiveReply => ({
    input: { sessionId: 's', text: q.text, target: { auto: true } }, startedAt: 0, status: 'streaming', attempts: [], text: '', reasoning: '', toolCalls: [],
    permissions: [], toolResults: [], hookNotices: [], cancel: () => undefined,
  })
  const play = (events: ChatEvent[]): LiveReply => events.reduce(replyAfter, start())
  const answering: ChatEvent = { type: 'answering', providerId: 'ollama', model: 'llama3.2' }
  const firstRound: ChatEvent[] = [
    { type: 'started', sessionId: 's', userMessageId: q.id, assistantMessageId: a1.id },
    answering,
    { type: 'text', text: 'I updated ' },
    { type: 'text', text: 'the checklist.' },
    { type: 'hook', event: 'Stop', blocked: false, message: 'the reply continues — Say which tests you ran.' },
  ]
  const secondRound: ChatEvent[] = [{ type: 'round', assistantMessageId: a2.id, parentId: a1.id }, answering, { type: 'text', text: 'I ran the unit tests' }]
  const texts = (shown: { id: string; text: string }[]) => shown.map((m) => [m.id, m.text])

  it('streams the new round into its own message, and the first one keeps its words', () => {
    // The pages were read while the first round streamed: its row is unfinished, the second not there yet.
    const pages = [q, { ...a1, text: 'I upd', status: 'streaming' as const }]
    expect(texts(withLiveReply(pages, play([...firstRound, ...secondRound]), 's'))).toEqual([
      [q.id, q.text],
      [a1.id, 'I updated the checklist.'],
      [a2.id, 'I ran the unit tests'],
    ])
  })

  it('shows each round once when the pages already hold the new round’s row', () => {
    const pages = [q, { ...a1, text: 'I updated the checklist.' }, { ...a2, parentId: a1.id, text: 'I ran the', status: 'streaming' as const }]
    const shown = withLiveReply(pages, play([...firstRound, ...secondRound]), 's')
    expect(texts(shown)).toEqual([
      [q.id, q.text],
      [a1.id, 'I updated the checklist.'],
      [a2.id, 'I ran the unit tests'],
    ])
    expect(shown[2]!.status).toBe('streaming')
    expect(shown[2]!.parentId).toBe(a1.id)
  })

  it('reads a finished earlier round as stored', () => {
    const stored = { ...a1, text: 'I updated the checklist.', usage: { inputTokens: 10, outputTokens: 5 } }
    expect(withLiveReply([q, stored], play([...firstRound, ...secondRound]), 's')[1]).toBe(stored)
  })

  it('a round starts empty: no words, thinking, tool calls or usage of the round before', () => {
    const reply = play([...firstRound, { type: 'tool_call', call: { id: 'c1', name: 'Bash', arguments: {} } }, { type: 'reasoning', text: 'hmm' }, { type: 'usage', usage: { inputTokens: 1, outputTokens: 2, estimated: false }, costUsd: null }, secondRound[0]!])
    expect(reply).toMatchObject({ assistantMessageId: a2.id, text: '', reasoning: '', toolCalls: [], usage: undefined })
    // The hook notice stays with the reply: it is what made it go on.
    expect(reply.hookNotices).toHaveLength(1)
  })

  it('a Continue that goes on for another round does not put the stopped text before the new message', () => {
    const stopped = { ...a1, text: 'Once upon', timings: { stopped: 1 } }
    const events: ChatEvent[] = [
      { type: 'started', sessionId: 's', userMessageId: null, assistantMessageId: a1.id },
      { type: 'text', text: ' a time.' },
      { type: 'round', assistantMessageId: a2.id, parentId: a1.id },
      { type: 'text', text: 'The end.' },
    ]
    const reply = events.reduce(replyAfter, { ...start(), input: { sessionId: 's', text: '', continueOf: a1.id, target: { auto: true } } })
    expect(texts(withLiveReply([q, stopped], reply, 's'))).toEqual([
      [q.id, q.text],
      [a1.id, 'Once upon a time.'],
      [a2.id, 'The end.'],
    ])
  })
})
