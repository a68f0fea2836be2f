import { describe, expect, it } from 'vitest'
import { HIGHLIGHT_END, HIGHLIGHT_START } from './search-query'
import { testClock, useEngines, useTempDirs } from './testdata/helpers'

const mark = (word: string) => `${HIGHLIGHT_START}${word}${HIGHLIGHT_END}`

describe("search as you type (mode 'recent')", () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  function seeded() {
    const clock = testClock(Date.UTC(2024, 2, 1))
    const engine = openEngine({ now: clock.now })
    const network = engine.createSession({ title: 'Kubernetes networking' })
    const first = engine.appendMessage(network.id, { role: 'user', text: 'How do I expose a service in Kubernetes?' })
    clock.advance(60_000)
    const second = engine.appendMessage(network.id, { role: 'assistant', text: 'Use a Service of type LoadBalancer; services need a selector.' })
    clock.advance(86_400_000)
    const food = engine.createSession({ title: 'Weekend dinner' })
    const third = engine.appendMessage(food.id, { role: 'user', text: 'Serve a service of coffee with the w dessert' })
    return { engine, clock, network, food, first, second, third }
  }

  it('returns the same set as ranked search for whole words, newest first, with snippets', () => {
    const { engine, first, second, third } = seeded()
    const recent = engine.search('service', { mode: 'recent' })
    const ranked = engine.search('service')
    expect(new Set(recent.map((h) => h.messageId ?? h.sessionId))).toEqual(new Set(ranked.map((h) => h.messageId ?? h.sessionId)))
    expect(recent.map((h) => h.messageId)).toEqual([third.id, second.id, first.id])
    expect(recent.map((h) => h.createdAt)).toEqual([...recent.map((h) => h.createdAt)].sort((a, b) => b - a))
    expect(recent.every((h) => h.rank === 0)).toBe(true)
    expect(recent[0]!.snippet).toBe(`Serve a ${mark('service')} of coffee with the w dessert`)
  })

  it('matches the last word as a prefix only when whole words do not fill the page', () => {
    const { engine, second, third } = seeded()
    // "services" (second) only matches the prefix; one whole-word hit does not fill a page of 5.
    expect(engine.search('servic', { mode: 'recent', limit: 5 }).map((h) => h.messageId)).toEqual(expect.arrayContaining([second.id, third.id]))
    // A page of one is filled by the newest whole word "service": the prefix is not searched.
    expect(engine.search('service', { mode: 'recent', limit: 1 }).map((h) => h.messageId)).toEqual([third.id])
    const filled = engine.search('servic', { mode: 'recent', limit: 50 })
    expect(filled.map((h) => h.messageId)).toHaveLength(3)
    expect(filled.find((h) => h.messageId === second.id)!.snippet).toContain(mark('Service'))
  })

  it('matches one or two characters as whole words in messages and as a prefix in titles', () => {
    const { engine, network, food, second, third } = seeded()
    // "w" is a word in the third message; "weekend" starts with w but a message prefix is never searched for one letter.
    const hits = engine.search('w', { mode: 'recent' })
    expect(hits.filter((h) => h.messageId !== null).map((h) => h.messageId)).toEqual([third.id])
    expect(hits.filter((h) => h.messageId === null).map((h) => h.sessionId)).toEqual([food.id])
    expect(engine.search('ku', { mode: 'recent' }).map((h) => [h.sessionId, h.messageId])).toEqual([[network.id, null]])
    // Typing the start of a next word keeps the hits of the words before it until the page is full.
    expect(engine.search('coffee w', { mode: 'recent' }).map((h) => h.messageId)).toEqual([third.id])
    expect(engine.search('selector s', { mode: 'recent' }).map((h) => h.messageId)).toEqual([second.id])
  })

  it('keeps phrases whole and honours filters, archive and trash', () => {
    const { engine, network, food, first, second, third } = seeded()
    expect(engine.search('"service of type"', { mode: 'recent' }).map((h) => h.messageId)).toEqual([second.id])
    expect(engine.search('"service of"', { mode: 'recent' }).map((h) => h.messageId)).toEqual([third.id, second.id])
    expect(engine.search('service', { mode: 'recent', role: 'user', sessionId: network.id }).map((h) => h.messageId)).toEqual([first.id])
    engine.setArchived(food.id, true)
    expect(new Set(engine.search('service', { mode: 'recent', includeArchived: false }).map((h) => h.sessionId))).toEqual(new Set([network.id]))
    engine.softDeleteSession(network.id)
    expect(new Set(engine.search('service', { mode: 'recent' }).map((h) => h.sessionId))).toEqual(new Set([food.id]))
    expect(engine.search(':: ((', { mode: 'recent' })).toEqual([])
  })

  it('pages without overlap', () => {
    const engine = openEngine()
    const session = engine.createSession()
    for (let i = 0; i < 30; i++) engine.appendMessage(session.id, { role: 'user', text: `note number ${i}`, createdAt: 1_000 + i })
    const first = engine.search('note', { mode: 'recent', limit: 20 })
    const rest = engine.search('note', { mode: 'recent', limit: 20, offset: 20 })
    expect(first).toHaveLength(20)
    expect(rest).toHaveLength(10)
    expect(new Set([...first, ...rest].map((h) => h.messageId)).size).toBe(30)
  })

  it('refuses an unknown mode', () => {
    const engine = openEngine()
    expect(() => engine.search('x', { mode: 'fast' as never })).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
  })
})
