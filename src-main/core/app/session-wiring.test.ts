import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestCore, type TestCore } from '../../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { NetworkError } from '../errors/app-error'
import { createLocalClient } from '../rpc'
import type { Message, Summarizer } from '../sessions'
import { exportFileName } from './session-wiring'

const cores: TestCore[] = []
const open = (options: Parameters<typeof createTestCore>[0] = {}) => {
  const t = createTestCore(options)
  cores.push(t)
  const pushed: { name: string; payload: unknown }[] = []
  t.core.onBroadcast((name, payload) => pushed.push({ name, payload }))
  return { ...t, api: createLocalClient(t.core.dispatcher, 'test'), pushed }
}
const ok = <T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`)
  return result.value
}

afterEach(async () => {
  for (const t of cores.splice(0)) await t.core.close()
  removeTempDirs()
})

describe('session routes over the real store', () => {
  it('creates, lists, updates and tells every client what changed', async () => {
    const { api, pushed } = open()
    const created = ok(await api.call('sessions.create', { title: 'Plan a trip', tags: ['travel'] }))
    expect(pushed).toContainEqual({ name: 'sessions.changed', payload: { ids: [created.id] } })
    const updated = ok(await api.call('sessions.update', { id: created.id, title: 'Lisbon trip', pinned: true, archived: false, addTags: ['spring'], removeTags: ['travel'] }))
    expect(updated).toMatchObject({ title: 'Lisbon trip', pinned: true, archived: false, tags: ['spring'] })
    const page = ok(await api.call('sessions.list', { tag: 'spring' }))
    expect(page.sessions.map((s) => s.id)).toEqual([created.id])
    expect(ok(await api.call('sessions.tags', {})).tags).toEqual([{ tag: 'spring', count: 1 }])
    expect(ok(await api.call('sessions.get', { id: created.id })).title).toBe('Lisbon trip')
  })

  it('deleteAll: refuses without the exact confirmation (nothing lost), then deletes every chat, the trash too, after a backup that brings them back', async () => {
    const { api, core, pushed } = open()
    const kept = ok(await api.call('sessions.create', { title: 'kept' }))
    const archived = ok(await api.call('sessions.create', { title: 'archived' }))
    const trashed = ok(await api.call('sessions.create', { title: 'trashed' }))
    const store = await core.sessions()
    for (const text of ['one', 'two']) await store.appendMessage(kept.id, { role: 'user', text })
    ok(await api.call('sessions.update', { id: archived.id, archived: true }))
    ok(await api.call('sessions.delete', { ids: [trashed.id] }))
    for (const confirm of [undefined, '', 'yes', 'DELETE ALL MY CHATS', 'delete all my chats ']) {
      const refused = await api.call('sessions.deleteAll', (confirm === undefined ? {} : { confirm }) as never)
      expect(refused).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('confirm must be exactly "delete all my chats"') } })
    }
    expect(await api.call('sessions.deleteAll', { confirm: 'delete all my chats', extra: 1 } as never)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    expect(ok(await api.call('sessions.stats', {}))).toMatchObject({ sessions: 3, messages: 2 })

    const done = ok(await api.call('sessions.deleteAll', { confirm: 'delete all my chats' }))
    expect(done.deleted).toBe(3)
    expect(ok(await api.call('sessions.list', {})).total).toBe(0)
    expect(ok(await api.call('sessions.list', { onlyDeleted: true })).total).toBe(0)
    expect(ok(await api.call('sessions.stats', {}))).toMatchObject({ sessions: 0, messages: 0 })
    expect(pushed).toContainEqual({ name: 'sessions.changed', payload: { ids: expect.arrayContaining([kept.id, archived.id, trashed.id]) } })
    expect(path.basename(done.backup)).toMatch(/^before-delete-all-.*\.sqlite$/)
    const restored = ok(await api.call('sessions.restoreBackup', { path: done.backup }))
    expect(restored).toMatchObject({ sessionsAdded: 3, messagesAdded: 2 })
  })

  it('refuses an empty title and an unknown session with clear errors', async () => {
    const { api } = open()
    const created = ok(await api.call('sessions.create', {}))
    const empty = await api.call('sessions.update', { id: created.id, title: '   ' })
    expect(empty).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('a title cannot be empty') } })
    const missing = await api.call('sessions.get', { id: '0190e6a0-0000-7000-8000-000000000000' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
  })

  it('deletes to the trash and restores (undo), in bulk', async () => {
    const { api } = open()
    const a = ok(await api.call('sessions.create', { title: 'a' }))
    const b = ok(await api.call('sessions.create', { title: 'b' }))
    const deleted = ok(await api.call('sessions.delete', { ids: [a.id, b.id] }))
    expect(deleted.sessions.every((s) => s.deletedAt !== null)).toBe(true)
    expect(ok(await api.call('sessions.list', {})).total).toBe(0)
    expect(ok(await api.call('sessions.list', { onlyDeleted: true })).total).toBe(2)
    ok(await api.call('sessions.restore', { ids: [a.id] }))
    expect(ok(await api.call('sessions.list', {})).sessions.map((s) => s.title)).toEqual(['a'])
  })

  it('pages messages, searches with highlights and exports with a safe file name', async () => {
    const { api, core } = open()
    const session = ok(await api.call('sessions.create', { title: 'Notes: a/b <c>?' }))
    const store = await core.sessions()
    for (let i = 0; i < 5; i++) await store.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text: `message ${i} about sourdough` })
    const last = ok(await api.call('sessions.messages', { sessionId: session.id, limit: 2 }))
    expect(last.messages.map((m) => m.text)).toEqual(['message 3 about sourdough', 'message 4 about sourdough'])
    const earlier = ok(await api.call('sessions.messages', { sessionId: session.id, limit: 10, before: last.nextBefore! }))
    expect(earlier.messages).toHaveLength(3)
    const hits = ok(await api.call('sessions.search', { query: 'sourdough', limit: 3 })).hits
    expect(hits).toHaveLength(3)
    expect(hits[0]!.snippet).toContain('\u0002sourdough\u0003')
    expect(ok(await api.call('sessions.search', { query: '"unbalanced (NEAR -*' })).hits).toEqual([])
    const md = ok(await api.call('sessions.export', { id: session.id, format: 'markdown' }))
    expect(md).toMatchObject({ filename: 'Notes a b c.md', mime: 'text/markdown; charset=utf-8' })
    expect(md.content).toContain('message 4 about sourdough')
    const html = ok(await api.call('sessions.export', { id: session.id, format: 'html' }))
    expect(html.content).toContain('&lt;c&gt;')
  })

  it('searches newest first by default, best first with mode "ranked", and refuses an unknown mode', async () => {
    const { api, core } = open()
    const session = ok(await api.call('sessions.create', { title: 'Bread' }))
    const store = await core.sessions()
    const older = await store.appendMessage(session.id, { role: 'user', text: 'levain levain levain', createdAt: 1_000 })
    const newer = await store.appendMessage(session.id, { role: 'user', text: 'a levain note', createdAt: 2_000 })
    expect(ok(await api.call('sessions.search', { query: 'levain' })).hits.map((h) => h.messageId)).toEqual([newer.id, older.id])
    expect(ok(await api.call('sessions.search', { query: 'levain', mode: 'ranked' })).hits.map((h) => h.messageId)).toEqual([older.id, newer.id])
    const bad = await api.call('sessions.search', { query: 'levain', mode: 'fast' as never })
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('mode must be "recent"') } })
  })

  it('takes the daily backup after start-up, never in front of the first requests', async () => {
    // An empty history is never backed up: each core writes a session first.
    const later = open({ ownsHistory: true, dailyBackupDelayMs: 3_600_000 })
    ok(await later.api.call('sessions.create', { title: 'Kept' }))
    ok(await later.api.call('sessions.search', { query: 'kept' }))
    expect(fs.existsSync(path.join(later.dir, 'backups'))).toBe(false)
    const cli = open() // a one-shot command: never backs up
    ok(await cli.api.call('sessions.create', { title: 'Kept' }))
    await cli.core.close()
    expect(fs.existsSync(path.join(cli.dir, 'backups'))).toBe(false)
    const soon = open({ dataDir: cli.dir, ownsHistory: true, dailyBackupDelayMs: 0 })
    ok(await soon.api.call('sessions.list', {}))
    // The file appears while VACUUM INTO writes it; the log line comes once it is done: wait for both.
    await vi.waitFor(() => expect(soon.lines.some((line) => line.includes('daily backup taken'))).toBe(true), { interval: 20 })
    expect(fs.readdirSync(path.join(soon.dir, 'backups'))).toEqual([expect.stringMatching(/^sessions-\d{4}-\d\d-\d\d\.db$/)])
  })

  it('imports exported sessions by path, reports bad files, and backs up', async () => {
    const source = open()
    const session = ok(await source.api.call('sessions.create', { title: 'Portable' }))
    await (await source.core.sessions()).appendMessage(session.id, { role: 'user', text: 'hello there' })
    const exported = ok(await source.api.call('sessions.export', { id: session.id, format: 'json' }))
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'good.json'), exported.content)
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ not json')
    const target = open()
    const report = ok(await target.api.call('sessions.import', { paths: [path.join(dir, 'good.json'), path.join(dir, 'bad.json')] }))
    expect(report.imported).toBe(1)
    expect(report.errors).toEqual([{ file: path.join(dir, 'bad.json'), message: expect.any(String) }])
    expect(target.pushed.some((p) => p.name === 'sessions.changed')).toBe(true)
    expect(ok(await target.api.call('sessions.list', {})).sessions[0]?.title).toBe('Portable')
    const backup = ok(await target.api.call('sessions.backup', {}))
    expect(backup.path.startsWith(path.join(target.dir, 'backups'))).toBe(true)
    expect(fs.statSync(backup.path).size).toBe(backup.bytes)
    expect(ok(await target.api.call('sessions.importable', {})).files).toEqual(expect.any(Array))
  })
})

describe('sessions.compact', () => {
  /** A long chat: `count` messages of 4,000 characters (1,000 estimated tokens each). */
  const longChat = async (t: ReturnType<typeof open>, count: number) => {
    const session = ok(await t.api.call('sessions.create', { title: 'Long' }))
    const store = await t.core.sessions()
    for (let i = 0; i < count; i++) await store.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text: `part ${i} `.padEnd(4000, '~') })
    return { id: session.id, store, messages: async () => (await store.getMessages(session.id, { limit: 1000 })).messages }
  }

  it('says a model is needed while no provider answers, and changes nothing', async () => {
    const t = open()
    // Nothing listens on the discard port: the built-in Ollama is unreachable and no other provider is set up.
    await t.core.settings.update({ ollama: { host: '127.0.0.1:9' } })
    const { id, messages } = await longChat(t, 10)
    const before = await messages()
    expect(await t.api.call('sessions.compact', { sessionId: id, force: true })).toMatchObject({
      ok: false,
      error: { code: 'E_NO_PROVIDER', hint: expect.stringContaining('Providers & Health') },
    })
    expect(await messages()).toEqual(before)
  })

  it('compacts through the real core with the configured summarizer', async () => {
    const seen: Message[][] = []
    const summarizer: Summarizer = {
      async summarize(messages) {
        seen.push(messages)
        return { text: `So far: ${messages.length} messages about parts.`, provider: 'fake', model: 'fake-1' }
      },
    }
    const t = open({ summarizer })
    const { id, store, messages } = await longChat(t, 10) // 10,000 tokens > 0.8 × 8192
    const before = await messages()
    t.pushed.length = 0
    const result = ok(await t.api.call('sessions.compact', { sessionId: id }))
    expect(result).toEqual({ compacted: true, summaryMessageId: expect.any(String), messagesSummarized: 2, tokensBefore: 10_000, tokensAfter: 8008 })
    expect(t.pushed).toEqual([{ name: 'sessions.changed', payload: { ids: [id] } }])
    expect(seen[0]!.map((m) => m.id)).toEqual(before.slice(0, 2).map((m) => m.id))
    expect((await store.contextMessages(id))[0]).toMatchObject({ role: 'system', text: 'So far: 2 messages about parts.', provider: 'fake', model: 'fake-1' })
    expect((await messages()).filter((m) => m.role !== 'system')).toEqual(before)

    expect(ok(await t.api.call('sessions.compact', { sessionId: id, contextWindow: 32_000 }))).toEqual({ compacted: false, reason: 'below-threshold', tokens: 8008 })
    // The summary and the 8 messages kept word for word: nothing more to summarise until the chat goes on.
    expect(ok(await t.api.call('sessions.compact', { sessionId: id, force: true }))).toEqual({ compacted: false, reason: 'nothing-to-compact', tokens: 8008 })
    await store.appendMessage(id, { role: 'user', text: 'one more' })
    expect(ok(await t.api.call('sessions.compact', { sessionId: id, contextWindow: 32_000, force: true }))).toMatchObject({ compacted: true, messagesSummarized: 2 })
    expect(seen[1]!.map((m) => m.role)).toEqual(['system', 'user'])
    expect(t.pushed).toHaveLength(2)
    expect(await t.api.call('sessions.compact', { sessionId: id, contextWindow: 10 })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    expect(await t.api.call('sessions.compact', { sessionId: '0190e6a0-0000-7000-8000-000000000000' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
  })

  it('passes a summarizer’s own error through, with its hint', async () => {
    const summarizer: Summarizer = { summarize: async () => Promise.reject(new NetworkError('Ollama is not answering.', { hint: 'Start Ollama and try again.' })) }
    const t = open({ summarizer })
    const { id, messages } = await longChat(t, 10)
    const before = await messages()
    expect(await t.api.call('sessions.compact', { sessionId: id })).toEqual({
      ok: false, error: { code: 'E_NETWORK', message: 'Ollama is not answering.', hint: 'Start Ollama and try again.', retryable: true },
    })
    expect(await messages()).toEqual(before)
  })
})

describe('exportFileName', () => {
  it.each([
    ['Plan: a/b', 'md', 'Plan a b.md'],
    ['   ', 'json', 'session.json'],
    ['x'.repeat(200), 'html', `${'x'.repeat(80)}.html`],
    ['tab\there\u0000', 'md', 'tab here.md'],
  ])('%j → %s', (title, extension, expected) => {
    expect(exportFileName(title, extension)).toBe(expected)
  })
})

describe('sessions.stats', () => {
  it('counts sessions (trash included) and messages, and sizes the database with its log', async () => {
    const { api, core, dir } = open()
    expect(ok(await api.call('sessions.stats', {}))).toMatchObject({ sessions: 0, messages: 0 })
    const kept = ok(await api.call('sessions.create', { title: 'kept' }))
    const trashed = ok(await api.call('sessions.create', { title: 'trashed' }))
    const store = await core.sessions()
    for (const text of ['one', 'two', 'three']) await store.appendMessage(kept.id, { role: 'user', text })
    ok(await api.call('sessions.delete', { ids: [trashed.id] }))
    const stats = ok(await api.call('sessions.stats', {}))
    expect(stats).toMatchObject({ sessions: 2, messages: 3 })
    const database = path.join(dir, 'sessions.db')
    const onDisk = [database, `${database}-wal`].reduce((sum, file) => sum + (fs.existsSync(file) ? fs.statSync(file).size : 0), 0)
    expect(stats.bytes).toBe(onDisk)
    expect(stats.bytes).toBeGreaterThan(0)
  })
})
