import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { testClock, useEngines, useTempDirs } from './testdata/helpers'

describe('messages', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('appends messages with every field and reads them back', () => {
    const engine = openEngine()
    const session = engine.createSession({ title: 'Weather' })
    const user = engine.appendMessage(session.id, { role: 'user', text: 'Weather in Oslo?' })
    const reply = engine.appendMessage(session.id, {
      role: 'assistant',
      text: 'Cold, 2 °C.',
      reasoning: 'Look it up.',
      toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Oslo' } }],
      provider: 'ollama',
      model: 'qwen3',
      usage: { inputTokens: 40, outputTokens: 6, cachedTokens: 12 },
      cost: 0.0004,
      timings: { firstTokenMs: 120, totalMs: 900 },
    })
    expect(user).toMatchObject({ role: 'user', parentId: null, status: 'complete', content: [{ type: 'text', text: 'Weather in Oslo?' }], usage: { inputTokens: 4, estimated: true } })
    expect(reply).toMatchObject({
      parentId: user.id,
      reasoning: 'Look it up.',
      toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Oslo' } }],
      usage: { inputTokens: 40, outputTokens: 6, cachedTokens: 12 },
      cost: 0.0004,
      timings: { firstTokenMs: 120, totalMs: 900 },
    })
    expect(engine.getMessage(reply.id)).toEqual(reply)
    expect(engine.getSession(session.id).updatedAt).toBe(reply.createdAt)
  })

  it('keeps content parts and attachments, and derives the searchable text', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
    const message = engine.appendMessage(session.id, {
      role: 'user',
      content: [{ type: 'text', text: 'What is in' }, { type: 'text', text: 'this picture?' }],
      attachments: [{ name: 'cat.png', mime: 'image/png', data: png }],
    })
    expect(message.text).toBe('What is in\n\nthis picture?')
    expect(message.content).toHaveLength(3)
    expect(message.content[2]).toMatchObject({ type: 'attachment', name: 'cat.png', mime: 'image/png' })
    expect(message.attachments).toEqual([{ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), name: 'cat.png', mime: 'image/png', size: 7 }])
    expect(Array.from(engine.readAttachment(message.attachments[0]!.sha256))).toEqual(Array.from(png))
    const textAndFile = engine.appendMessage(session.id, { role: 'user', text: 'and this', attachments: [{ name: 'b.bin', mime: 'application/octet-stream', data: png }] })
    expect(textAndFile.content.map((p) => p.type)).toEqual(['text', 'attachment'])
    expect(() => engine.readAttachment('f'.repeat(64))).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
    expect(() => engine.readAttachment('../../etc/passwd')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
  })

  it('reports an attachment folder it cannot write as an IO error, and reads damaged JSON columns as empty', () => {
    const dataDir = tempDir()
    const engine = openEngine({ dataDir })
    const session = engine.createSession()
    fs.writeFileSync(path.join(dataDir, 'attachments'), 'a file where the folder should be')
    expect(() => engine.appendMessage(session.id, { role: 'user', attachments: [{ name: 'x', mime: 'text/plain', data: new Uint8Array([1]) }] })).toThrow(
      expect.objectContaining({ code: 'E_IO' }),
    )
    const message = engine.appendMessage(session.id, { role: 'assistant', text: 'ok', toolCalls: [{ name: 't', arguments: 1 }] })
    const raw = new DatabaseSync(path.join(dataDir, 'sessions.db'))
    raw.prepare("UPDATE messages SET tool_calls = '{broken', usage = 'nope' WHERE id = ?").run(message.id)
    raw.close()
    expect(engine.getMessage(message.id)).toMatchObject({ toolCalls: null, usage: null, text: 'ok' })
  })

  it('rejects malformed messages without writing anything', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const bad: unknown[] = [
      { role: 'wizard', text: 'x' },
      { role: 'user', text: 42 },
      { role: 'user', content: 'text' },
      { role: 'user', content: [{ type: 'video' }] },
      { role: 'user', toolCalls: [{ arguments: {} }] },
      { role: 'user', cost: Number.NaN },
      { role: 'user', id: 'short' },
      { role: 'user', parentId: '0190a1b2-0000-7000-8000-000000000000' },
      { role: 'user', attachments: [{ name: 'x', mime: 'text/plain' }] },
      { role: 'user', attachments: [{ name: '', mime: 'text/plain', data: new Uint8Array(1) }] },
    ]
    for (const input of bad) expect(() => engine.appendMessage(session.id, input as never), JSON.stringify(input)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
    expect(() => engine.appendMessage('0190a1b2-0000-7000-8000-000000000000', { role: 'user', text: 'x' })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
    expect(engine.getSession(session.id).messageCount).toBe(0)
  })

  it('branches: a message can answer an earlier one, and getThread follows one branch', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const q = engine.appendMessage(session.id, { role: 'user', text: 'Question' })
    const first = engine.appendMessage(session.id, { role: 'assistant', text: 'First answer' })
    const retry = engine.appendMessage(session.id, { role: 'assistant', text: 'Second answer', parentId: q.id })
    const followUp = engine.appendMessage(session.id, { role: 'user', text: 'Thanks' })
    const fresh = engine.appendMessage(session.id, { role: 'user', text: 'New root', parentId: null })
    expect(followUp.parentId).toBe(retry.id)
    expect(fresh.parentId).toBeNull()
    expect(engine.getThread(followUp.id).map((m) => m.text)).toEqual(['Question', 'Second answer', 'Thanks'])
    expect(engine.getThread(first.id).map((m) => m.text)).toEqual(['Question', 'First answer'])
    expect(() => engine.getThread('0190a1b2-0000-7000-8000-000000000000')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
    const other = engine.createSession()
    expect(() => engine.appendMessage(other.id, { role: 'user', text: 'x', parentId: q.id })).toThrow(/not in this session/)
  })

  it('pages through a 1,500-message session, newest page first, oldest first within a page', () => {
    const engine = openEngine({ now: () => 1_700_000_000_000 }) // one millisecond for all: ids keep the order
    const session = engine.createSession()
    for (let i = 0; i < 1500; i++) engine.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text: `message ${i}` })
    const seen: string[] = []
    let before: string | undefined
    let pages = 0
    do {
      const page = engine.getMessages(session.id, { limit: 400, ...(before ? { before } : {}) })
      seen.unshift(...page.messages.map((m) => m.text))
      before = page.nextBefore ?? undefined
      pages++
    } while (before)
    expect(pages).toBe(4)
    expect(seen).toEqual(Array.from({ length: 1500 }, (_, i) => `message ${i}`))
    expect(engine.getMessages(session.id).messages).toHaveLength(100)
    expect(engine.getMessages(session.id, { limit: 5000 }).messages).toHaveLength(1000)
    expect(() => engine.getMessages(session.id, { before: '0190a1b2-0000-7000-8000-000000000000' })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
  })

  it('streams a reply into a row, then completes it with usage (estimated when missing)', () => {
    const engine = openEngine()
    const session = engine.createSession()
    const q = engine.appendMessage(session.id, { role: 'user', text: 'Count to three' })
    const started = engine.startStreamingMessage(session.id, { provider: 'ollama', model: 'llama3.2' })
    expect(started).toMatchObject({ status: 'streaming', text: '', parentId: q.id, usage: null })
    engine.appendStreamingText(started.id, 'One, ')
    engine.appendStreamingText(started.id, 'two, ', 'thinking…')
    expect(engine.getMessage(started.id)).toMatchObject({ text: 'One, two, ', reasoning: 'thinking…', content: [{ type: 'text', text: 'One, two, ' }] })
    expect(engine.search('two')).toHaveLength(1)
    const done = engine.completeStreamingMessage(started.id, { text: 'three.' }, { timings: { totalMs: 50 } })
    expect(done).toMatchObject({ status: 'complete', text: 'One, two, three.', usage: { outputTokens: 4, estimated: true }, timings: { totalMs: 50 } })
    expect(() => engine.appendStreamingText(started.id, 'four')).toThrow(/already finished/)
    expect(() => engine.completeStreamingMessage(started.id)).toThrow(/already finished/)
    expect(() => engine.appendStreamingText('0190a1b2-0000-7000-8000-000000000000', 'x')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))

    const failed = engine.startStreamingMessage(session.id)
    engine.appendStreamingText(failed.id, 'Partial')
    expect(engine.failStreamingMessage(failed.id, { text: ' answer' }, 'connection reset')).toMatchObject({ status: 'error', text: 'Partial answer', error: 'connection reset' })
  })

  it('marks replies a crash left streaming as interrupted, keeping their text', () => {
    const dataDir = tempDir()
    const engine = openEngine({ dataDir })
    const session = engine.createSession()
    const live = engine.startStreamingMessage(session.id)
    engine.appendStreamingText(live.id, 'half a rep')
    expect(engine.recoverInterruptedMessages()).toBe(1)
    expect(engine.getMessage(live.id)).toMatchObject({ status: 'error', text: 'half a rep', error: expect.stringMatching(/Interrupted/) })
    expect(engine.recoverInterruptedMessages()).toBe(0)
  })

  it('reports the tokens a thread takes in the context window', () => {
    const clock = testClock()
    const engine = openEngine({ now: clock.now })
    const session = engine.createSession()
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 0, estimated: false, messages: 0 })
    engine.appendMessage(session.id, { role: 'user', text: 'x'.repeat(400) })
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 100, estimated: true, messages: 1 })
    const reply = engine.appendMessage(session.id, { role: 'assistant', text: 'ok', usage: { inputTokens: 90, outputTokens: 1 } })
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 91, estimated: false, messages: 2 })
    engine.appendMessage(session.id, { role: 'user', text: 'y'.repeat(40) })
    expect(engine.contextWindowUsage(session.id)).toEqual({ tokens: 101, estimated: true, messages: 3 })
    expect(engine.contextWindowUsage(session.id, reply.id).tokens).toBe(91)
  })
})
