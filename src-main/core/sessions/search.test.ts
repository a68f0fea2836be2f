import { describe, expect, it } from 'vitest'
import { RECENT_MATCHES } from './search'
import { HIGHLIGHT_END, HIGHLIGHT_START } from './search-query'
import { testClock, useEngines, useTempDirs } from './testdata/helpers'

const mark = (word: string) => `${HIGHLIGHT_START}${word}${HIGHLIGHT_END}`

describe('search', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  function seeded() {
    const clock = testClock(Date.UTC(2024, 2, 1))
    const engine = openEngine({ now: clock.now })
    const kubernetes = engine.createSession({ title: 'Kubernetes networking', tags: ['work'] })
    engine.appendMessage(kubernetes.id, { role: 'user', text: 'How do I expose a service in Kubernetes?' })
    engine.appendMessage(kubernetes.id, { role: 'assistant', text: 'Use a Service of type LoadBalancer, or an Ingress.', provider: 'ollama', model: 'qwen3' })
    clock.advance(86_400_000)
    const recipes = engine.createSession({ title: 'Dinner ideas' })
    engine.appendMessage(recipes.id, { role: 'user', text: 'A quick café-style crêpe recipe?' })
    engine.appendMessage(recipes.id, { role: 'assistant', text: 'Crêpes: flour, eggs, milk. Serve with a service of coffee 🎉', provider: 'openai', model: 'gpt-4o' })
    return { engine, clock, kubernetes, recipes }
  }

  it('finds words in messages and titles, with highlighted snippets, best first', () => {
    const { engine, kubernetes } = seeded()
    const hits = engine.search('kubernetes')
    expect(hits).toHaveLength(2)
    expect(hits.find((h) => h.messageId === null)).toMatchObject({ sessionId: kubernetes.id, role: null, snippet: `${mark('Kubernetes')} networking`, sessionTitle: 'Kubernetes networking' })
    expect(hits.find((h) => h.messageId !== null)).toMatchObject({ sessionId: kubernetes.id, role: 'user', snippet: `How do I expose a service in ${mark('Kubernetes')}?` })
    expect(hits.map((h) => h.rank)).toEqual([...hits.map((h) => h.rank)].sort((a, b) => a - b))
  })

  it('matches prefixes while typing, folds accents and finds emoji', () => {
    const { engine, recipes } = seeded()
    expect(engine.search('crep').map((h) => h.sessionId)).toEqual([recipes.id, recipes.id])
    expect(engine.search('cafe')).toHaveLength(1)
    expect(engine.search('🎉')).toHaveLength(1)
    expect(engine.search('serv').length).toBe(3) // "service" in both sessions, "Serve" in the recipe
    expect(engine.search('expose service')).toHaveLength(1)
  })

  it('filters by session, provider, model, role, tag, dates, archive and trash', () => {
    const { engine, kubernetes, recipes } = seeded()
    const ids = (query: string, filters: Parameters<typeof engine.search>[1]) => engine.search(query, filters).map((h) => h.messageId ?? `title:${h.sessionId}`)
    const sessionsOf = (query: string, filters: Parameters<typeof engine.search>[1]) => [...new Set(engine.search(query, filters).map((h) => h.sessionId))]
    expect(sessionsOf('service', { sessionId: recipes.id })).toEqual([recipes.id])
    expect(sessionsOf('service', { provider: 'ollama' })).toEqual([kubernetes.id])
    expect(sessionsOf('service', { model: 'gpt-4o' })).toEqual([recipes.id])
    expect(engine.search('service', { role: 'user' }).map((h) => h.role)).toEqual(['user'])
    expect(sessionsOf('service', { tag: 'work' })).toEqual([kubernetes.id])
    expect(sessionsOf('service', { from: Date.UTC(2024, 2, 1, 12) })).toEqual([recipes.id])
    expect(sessionsOf('service', { to: Date.UTC(2024, 2, 1, 12) })).toEqual([kubernetes.id])
    expect(sessionsOf('kubernetes', { from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 2, 2) })).toEqual([kubernetes.id])
    expect(ids('networking', { provider: 'ollama' })).toEqual([`title:${kubernetes.id}`])
    expect(ids('networking', { provider: 'openai' })).toEqual([])

    engine.setArchived(recipes.id, true)
    expect(sessionsOf('service', {})).toHaveLength(2)
    expect(sessionsOf('service', { includeArchived: false })).toEqual([kubernetes.id])
    engine.softDeleteSession(kubernetes.id)
    expect(sessionsOf('service', {})).toEqual([recipes.id])
    expect(() => engine.search('x', { role: 'robot' as never })).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
  })

  it('pages results with limit and offset', () => {
    const engine = openEngine()
    const session = engine.createSession()
    for (let i = 0; i < 30; i++) engine.appendMessage(session.id, { role: 'user', text: `note number ${i}` })
    const first = engine.search('note', { limit: 20 })
    const rest = engine.search('note', { limit: 20, offset: 20 })
    expect(first).toHaveLength(20)
    expect(rest).toHaveLength(10)
    expect(new Set([...first, ...rest].map((h) => h.messageId)).size).toBe(30)
  })

  it('keeps the index in step with renames, streamed text and purges', () => {
    const engine = openEngine()
    const session = engine.createSession({ title: 'Draft' })
    engine.renameSession(session.id, 'Final report')
    expect(engine.search('draft')).toEqual([])
    expect(engine.search('report')).toHaveLength(1)
    const reply = engine.startStreamingMessage(session.id)
    engine.appendStreamingText(reply.id, 'alpha ')
    engine.appendStreamingText(reply.id, 'beta')
    expect(engine.search('beta').map((h) => h.messageId)).toEqual([reply.id])
    engine.softDeleteSession(session.id)
    engine.purgeSession(session.id)
    expect(engine.search('alpha', { includeDeleted: true })).toEqual([])
    expect(engine.search('report', { includeDeleted: true })).toEqual([])
  })

  it('never lets stored text fake a highlight marker', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const message = engine.appendMessage(session.id, { role: 'user', text: `fake ${HIGHLIGHT_START}marker${HIGHLIGHT_END} here` })
    expect(message.text).toBe('fake marker here')
    expect(engine.search('here')[0]!.snippet).toBe(`fake marker ${mark('here')}`)
  })

  it('ranks only the newest matches of an unfiltered search over a huge history, and all of them when filtered', () => {
    const clock = testClock(Date.UTC(2024, 0, 1))
    const engine = openEngine({ now: clock.now })
    const old = engine.createSession({ title: 'Old notes' })
    // The oldest message is the most relevant (the word three times), then many newer weak matches.
    const best = engine.appendMessage(old.id, { role: 'user', text: 'zebra zebra zebra' })
    const recent = engine.createSession({ title: 'Recent notes' })
    engine.importSessions([
      {
        title: 'Bulk', createdAt: clock.now(), source: null, sourceId: null, linked: false,
        messages: Array.from({ length: RECENT_MATCHES + 10 }, (_, i) => ({ role: 'assistant' as const, text: `a zebra crossing number ${i} with more words around it`, createdAt: clock.now() + i + 1 })),
      },
    ])
    engine.appendMessage(recent.id, { role: 'user', text: 'zebra zebra' })
    const fast = engine.search('zebra', { limit: 5 })
    expect(fast).toHaveLength(5)
    expect(fast[0]).toMatchObject({ sessionId: recent.id, snippet: `${mark('zebra')} ${mark('zebra')}` })
    expect(fast.some((hit) => hit.messageId === best.id)).toBe(false)
    expect(fast.map((h) => h.rank)).toEqual([...fast.map((h) => h.rank)].sort((a, b) => a - b))
    // The best recent hits sit in a session moved to the trash: the next best fill the page instead.
    const bulk = engine.listSessions({ limit: 10 }).sessions.find((session) => session.title === 'Bulk')!
    engine.softDeleteSession(bulk.id)
    const withoutBulk = engine.search('zebra', { limit: 5 })
    expect(withoutBulk.map((hit) => hit.messageId)).toEqual([best.id, expect.any(String)])
    expect(withoutBulk[1]?.sessionId).toBe(recent.id)
    engine.restoreSession(bulk.id)
    // Any narrowing filter ranks every match, so the best old one wins again.
    const filtered = engine.search('zebra', { role: 'user', limit: 5 })
    expect(filtered[0]).toMatchObject({ messageId: best.id, snippet: `${mark('zebra')} ${mark('zebra')} ${mark('zebra')}` })
  })
})
