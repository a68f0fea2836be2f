import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { testClock, useEngines, useTempDirs } from './testdata/helpers'

describe('sessions', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('creates, reads, renames, pins, archives and tags a session', () => {
    const engine = openEngine()
    const created = engine.createSession({ title: '  Trip\n planning  ', workspace: '/home/me/trip', tags: ['travel', 'travel', ' todo '] })
    expect(created).toMatchObject({ title: 'Trip planning', workspace: '/home/me/trip', tags: ['todo', 'travel'], pinned: false, archived: false, deletedAt: null, messageCount: 0, source: null })
    expect(engine.getSession(created.id)).toEqual(created)

    expect(engine.renameSession(created.id, 'Lisbon in May').title).toBe('Lisbon in May')
    expect(engine.setPinned(created.id, true).pinned).toBe(true)
    expect(engine.setArchived(created.id, true).archived).toBe(true)
    expect(engine.setWorkspace(created.id, null).workspace).toBeNull()
    expect(engine.tagSession(created.id, ['flights']).tags).toEqual(['flights', 'todo', 'travel'])
    expect(engine.untagSession(created.id, ['todo', 'missing']).tags).toEqual(['flights', 'travel'])
    expect(engine.listTags()).toEqual([{ tag: 'flights', count: 1 }, { tag: 'travel', count: 1 }])
  })

  it('rejects bad input with a validation error and changes nothing', () => {
    const engine = openEngine()
    const session = engine.createSession({ title: 'Keep me' })
    expect(() => engine.createSession({ id: 'not-a-uuid' })).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
    expect(() => engine.createSession({ id: session.id })).toThrow(/already exists/)
    expect(() => engine.createSession({ tags: ['x'.repeat(65)] })).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
    expect(() => engine.createSession({ tags: 'nope' as unknown as string[] })).toThrow(/list/)
    expect(() => engine.renameSession(session.id, 42 as unknown as string)).toThrow(/title must be text/)
    expect(() => engine.getSession('0190a1b2-0000-7000-8000-000000000000')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
    expect(() => engine.listSessions({ sort: 'constructor' as never })).toThrow(/sort/)
    expect(() => engine.listSessions({ limit: 0 })).toThrow(/limit/)
    expect(() => engine.listSessions({ offset: -1 })).toThrow(/offset/)
    expect(engine.listSessions().sessions.map((s) => s.title)).toEqual(['Keep me'])
  })

  it('lists with filters, sorting, pinned first and offset pages', () => {
    const clock = testClock()
    const engine = openEngine({ now: clock.now })
    const a = engine.createSession({ title: 'Alpha', tags: ['work'] })
    clock.advance(1000)
    const b = engine.createSession({ title: 'bravo', workspace: 'repo' })
    clock.advance(1000)
    const c = engine.createSession({ title: 'Charlie' })
    engine.appendMessage(a.id, { role: 'assistant', text: 'hi', provider: 'ollama', model: 'llama3.2' })
    engine.appendMessage(b.id, { role: 'user', text: 'see file', attachments: [{ name: 'a.txt', mime: 'text/plain', data: new TextEncoder().encode('abc') }] })
    engine.appendMessage(c.id, { role: 'assistant', text: 'hey', provider: 'openai', model: 'gpt-4o' })
    engine.setPinned(b.id, true)
    engine.setArchived(c.id, true)

    const titles = (query: Parameters<typeof engine.listSessions>[0]) => engine.listSessions(query).sessions.map((s) => s.title)
    expect(titles({})).toEqual(['bravo', 'Charlie', 'Alpha'])
    expect(titles({ pinnedFirst: false })).toEqual(['Charlie', 'bravo', 'Alpha'])
    expect(titles({ sort: 'title', order: 'asc', pinnedFirst: false })).toEqual(['Alpha', 'bravo', 'Charlie'])
    expect(titles({ sort: 'created', order: 'asc', pinnedFirst: false })).toEqual(['Alpha', 'bravo', 'Charlie'])
    expect(titles({ provider: 'ollama' })).toEqual(['Alpha'])
    expect(titles({ model: 'gpt-4o' })).toEqual(['Charlie'])
    expect(titles({ tag: 'work' })).toEqual(['Alpha'])
    expect(titles({ workspace: 'repo' })).toEqual(['bravo'])
    expect(titles({ pinned: true })).toEqual(['bravo'])
    expect(titles({ archived: false })).toEqual(['bravo', 'Alpha'])
    expect(titles({ hasAttachments: true })).toEqual(['bravo'])
    expect(titles({ hasAttachments: false })).toEqual(['Charlie', 'Alpha'])
    expect(titles({ dateField: 'created', from: b.createdAt, to: c.createdAt })).toEqual(['bravo'])
    expect(titles({ from: c.createdAt + 10_000 })).toEqual([])

    const first = engine.listSessions({ limit: 2 })
    expect(first).toMatchObject({ total: 3, nextOffset: 2 })
    const second = engine.listSessions({ limit: 2, offset: first.nextOffset! })
    expect(second.sessions.map((s) => s.title)).toEqual(['Alpha'])
    expect(second.nextOffset).toBeNull()
    expect(engine.getSession(a.id).messageCount).toBe(1)
  })

  it('moves a session to the trash and back (undo) without losing anything', () => {
    const dataDir = tempDir()
    const engine = openEngine({ dataDir })
    const session = engine.createSession({ title: 'Oops' })
    engine.appendMessage(session.id, { role: 'user', text: 'important' })
    const deleted = engine.softDeleteSession(session.id)
    expect(deleted.deletedAt).toEqual(expect.any(Number))
    expect(engine.softDeleteSession(session.id).deletedAt).toBe(deleted.deletedAt) // deleting twice keeps the first time
    expect(engine.listSessions().sessions).toEqual([])
    expect(engine.listSessions({ onlyDeleted: true }).sessions.map((s) => s.id)).toEqual([session.id])
    expect(engine.listSessions({ includeDeleted: true }).total).toBe(1)
    expect(engine.search('important')).toEqual([])
    expect(engine.search('important', { includeDeleted: true })).toHaveLength(1)
    const file = { name: 'a.txt', mime: 'text/plain', data: new Uint8Array([1]) }
    expect(() => engine.appendMessage(session.id, { role: 'user', text: 'more', attachments: [file] })).toThrow(/trash/)
    expect(fs.existsSync(path.join(dataDir, 'attachments'))).toBe(false) // refused before any file was written

    expect(engine.restoreSession(session.id).deletedAt).toBeNull()
    expect(engine.getMessages(session.id).messages.map((m) => m.text)).toEqual(['important'])
  })

  it('purges only from the trash, and removes attachment files nothing else uses', () => {
    const dataDir = tempDir()
    const engine = openEngine({ dataDir })
    const shared = new TextEncoder().encode('shared bytes')
    const a = engine.createSession({ title: 'A' })
    const b = engine.createSession({ title: 'B' })
    const withFiles = engine.appendMessage(a.id, {
      role: 'user',
      text: 'files',
      attachments: [{ name: 'one.txt', mime: 'text/plain', data: new TextEncoder().encode('only in A') }, { name: 'shared.txt', mime: 'text/plain', data: shared }],
    })
    engine.appendMessage(b.id, { role: 'user', text: 'same file', attachments: [{ name: 'copy.txt', mime: 'text/plain', data: shared }] })
    const [onlyA, sharedFile] = withFiles.attachments
    const fileOf = (sha: string) => path.join(dataDir, 'attachments', sha.slice(0, 2), sha.slice(2))
    expect(fs.existsSync(fileOf(onlyA!.sha256))).toBe(true)

    expect(() => engine.purgeSession(a.id)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', hint: 'Move it to the trash first.' }))
    engine.softDeleteSession(a.id)
    engine.purgeSession(a.id)
    expect(() => engine.getSession(a.id)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
    expect(() => engine.getMessage(withFiles.id)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
    expect(fs.existsSync(fileOf(onlyA!.sha256))).toBe(false)
    expect(fs.existsSync(fileOf(sharedFile!.sha256))).toBe(true)
    expect(new TextDecoder().decode(engine.readAttachment(sharedFile!.sha256))).toBe('shared bytes')
    expect(engine.search('files', { includeDeleted: true })).toEqual([])
  })

  it('empties the trash of sessions deleted before a date', () => {
    const clock = testClock()
    const engine = openEngine({ now: clock.now })
    const old = engine.createSession({ title: 'old' })
    const recent = engine.createSession({ title: 'recent' })
    engine.softDeleteSession(old.id)
    clock.advance(30 * 86_400_000)
    engine.softDeleteSession(recent.id)
    expect(engine.purgeDeleted(clock.t - 86_400_000)).toBe(1)
    expect(engine.listSessions({ onlyDeleted: true }).sessions.map((s) => s.title)).toEqual(['recent'])
    expect(engine.purgeDeleted()).toBe(1)
    expect(engine.purgeDeleted()).toBe(0)
  })
})
