import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { SessionEngine } from './engine'
import { testClock, useEngines, useTempDirs } from './testdata/helpers'

const DAY = 86_400_000
const hashOf = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

describe('backups', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('backs up to a new file and never overwrites one', () => {
    const engine = openEngine()
    const session = engine.createSession({ title: 'Keep' })
    engine.appendMessage(session.id, { role: 'user', text: 'hello' })
    const target = path.join(tempDir(), 'nested', 'copy.db')
    const result = engine.backup(target)
    expect(result).toEqual({ path: target, bytes: fs.statSync(target).size })
    const raw = new DatabaseSync(target, { readOnly: true })
    expect(raw.prepare('SELECT title FROM sessions').all()).toEqual([{ title: 'Keep' }])
    expect(raw.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    raw.close()
    expect(() => engine.backup(target)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', hint: expect.stringMatching(/never overwrite/) }))
  })

  it('makes one daily backup per day and keeps the newest N', () => {
    const dataDir = tempDir()
    const engine = openEngine({ dataDir, backupRetention: 3 })
    const start = Date.UTC(2024, 5, 1, 8)
    expect(engine.maybeDailyBackup(start)).toBeNull() // nothing to back up yet
    engine.createSession({ title: 'x' })
    const made: (string | null)[] = []
    for (let day = 0; day < 5; day++) {
      made.push(engine.maybeDailyBackup(start + day * DAY))
      expect(engine.maybeDailyBackup(start + day * DAY + 3_600_000)).toBeNull() // same day: nothing
    }
    expect(made.map((file) => path.basename(file!))).toEqual(['01', '02', '03', '04', '05'].map((d) => `sessions-2024-06-${d}.db`))
    fs.writeFileSync(path.join(dataDir, 'backups', 'keep-me.txt'), 'not a daily backup')
    engine.maybeDailyBackup(start + 5 * DAY)
    expect(fs.readdirSync(path.join(dataDir, 'backups')).sort()).toEqual(['keep-me.txt', 'sessions-2024-06-04.db', 'sessions-2024-06-05.db', 'sessions-2024-06-06.db'])
    expect(() => openEngine({ backupRetention: 0 }).maybeDailyBackup()).toThrow(/retention/)
  })
})

describe('restore', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('rejects files that are not an Ollama Desk store, with a clear validation error', () => {
    const engine = openEngine()
    const dir = tempDir()
    const cases: [string, RegExp][] = []
    cases.push([path.join(dir, 'missing.db'), /does not exist/])
    fs.writeFileSync(path.join(dir, 'tiny.db'), 'SQLite format 3\u0000')
    cases.push([path.join(dir, 'tiny.db'), /empty/])
    fs.writeFileSync(path.join(dir, 'notes.db'), 'x'.repeat(4096))
    cases.push([path.join(dir, 'notes.db'), /not an SQLite database/])
    const foreign = new DatabaseSync(path.join(dir, 'foreign.db'))
    foreign.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    foreign.close()
    cases.push([path.join(dir, 'foreign.db'), /does not hold Ollama Desk sessions/])
    const newer = path.join(dir, 'newer.db')
    openDatabase(newer).db.close()
    const raw = new DatabaseSync(newer)
    raw.exec('PRAGMA user_version = 99')
    raw.close()
    cases.push([newer, /newer version/])
    const unversioned = path.join(dir, 'unversioned.db')
    openDatabase(unversioned).db.close()
    const raw2 = new DatabaseSync(unversioned)
    raw2.exec('PRAGMA user_version = 0')
    raw2.close()
    cases.push([unversioned, /no schema version/])
    const damaged = path.join(dir, 'damaged.db')
    openDatabase(damaged).db.close()
    const bytes = fs.readFileSync(damaged)
    bytes.fill(0xff, 4096, bytes.length) // every page after the header page is garbage
    fs.writeFileSync(damaged, bytes)
    cases.push([damaged, /damaged|cannot be read|does not hold/])
    for (const [file, message] of cases) {
      expect(() => engine.restore(file), file).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(message) }))
    }
    expect(() => engine.restore(newer, { mode: 'swap' as never })).toThrow(/merge or replace/)
  })

  function historyWithBackup() {
    const clock = testClock()
    const dataDir = tempDir()
    const engine = openEngine({ dataDir, now: clock.now })
    const kept = engine.createSession({ title: 'Shared session' })
    engine.appendMessage(kept.id, { role: 'user', text: 'first question' })
    engine.appendMessage(kept.id, { role: 'assistant', text: 'first answer' })
    return { clock, dataDir, engine, kept }
  }

  it('merges by id: adds missing sessions and messages, changes nothing that exists', () => {
    const { engine, kept } = historyWithBackup()
    // The backup: made from another machine that has one more message and one more session.
    const otherDir = tempDir()
    engine.backup(path.join(otherDir, 'sessions.db'))
    const machine = SessionEngine.open({ dataDir: otherDir })
    machine.renameSession(kept.id, 'Renamed over there')
    const extra = machine.appendMessage(kept.id, { role: 'user', text: 'follow-up from the laptop' })
    const added = machine.createSession({ title: 'Laptop only', tags: ['laptop'] })
    machine.appendMessage(added.id, { role: 'user', text: 'zebra crossing' })
    const laptopBackup = path.join(tempDir(), 'laptop.db')
    machine.backup(laptopBackup)
    machine.close()
    const before = hashOf(laptopBackup)

    const result = engine.restore(laptopBackup)
    expect(result).toEqual({ mode: 'merge', sessionsAdded: 1, messagesAdded: 2, snapshot: null })
    expect(engine.getSession(kept.id).title).toBe('Shared session') // ours is kept
    expect(engine.getMessages(kept.id).messages.map((m) => m.text)).toEqual(['first question', 'first answer', 'follow-up from the laptop'])
    expect(engine.getMessage(extra.id).parentId).toBe(extra.parentId)
    expect(engine.getSession(added.id)).toMatchObject({ title: 'Laptop only', tags: ['laptop'], messageCount: 1 })
    expect(engine.search('zebra').map((h) => h.sessionId)).toEqual([added.id])
    expect(engine.restore(laptopBackup)).toMatchObject({ sessionsAdded: 0, messagesAdded: 0 }) // idempotent
    expect(hashOf(laptopBackup)).toBe(before) // the backup file itself is never written
  })

  it('merges a backup made by an older schema version', () => {
    const { engine } = historyWithBackup()
    const oldFile = path.join(tempDir(), 'v1.db')
    const { db } = openDatabase(oldFile, { targetVersion: 1 })
    db.run("INSERT INTO sessions (id, title, created_at, updated_at) VALUES ('018f2c1e-0000-7000-8000-00000000000a', 'From v1', 1, 1)")
    db.run("INSERT INTO messages (id, session_id, role, text, created_at, updated_at) VALUES ('018f2c1e-0000-7000-8000-00000000000b', '018f2c1e-0000-7000-8000-00000000000a', 'user', 'ancient words', 1, 1)")
    db.close()
    expect(engine.restore(oldFile)).toMatchObject({ sessionsAdded: 1, messagesAdded: 1 })
    expect(engine.search('ancient')).toHaveLength(1)
  })

  it('replaces only with confirmReplace, after a snapshot of the current history', () => {
    const { engine, dataDir, kept } = historyWithBackup()
    const otherDir = tempDir()
    const other = SessionEngine.open({ dataDir: otherDir })
    const only = other.createSession({ title: 'The backup' })
    other.appendMessage(only.id, { role: 'user', text: 'from the backup' })
    const file = path.join(tempDir(), 'replace.db')
    other.backup(file)
    other.close()

    expect(() => engine.restore(file, { mode: 'replace' })).toThrow(
      expect.objectContaining({ code: 'E_VALIDATION', hint: expect.stringMatching(/Confirm the replace/) }),
    )
    expect(engine.listSessions().sessions.map((s) => s.id)).toEqual([kept.id])

    const result = engine.restore(file, { mode: 'replace', confirmReplace: true })
    expect(result).toMatchObject({ mode: 'replace', sessionsAdded: 1, messagesAdded: 1 })
    expect(engine.listSessions().sessions.map((s) => s.title)).toEqual(['The backup'])
    expect(engine.search('backup')).toHaveLength(2)
    const snapshot = new DatabaseSync(result.snapshot!, { readOnly: true })
    expect(snapshot.prepare('SELECT title FROM sessions').all()).toEqual([{ title: 'Shared session' }])
    snapshot.close()
    expect(path.dirname(result.snapshot!)).toBe(path.join(dataDir, 'backups'))
    expect(fs.existsSync(path.join(dataDir, 'backups', '.restore'))).toBe(false)
    engine.appendMessage(only.id, { role: 'assistant', text: 'still writable' })
  })

  it('replaces an empty history without asking', () => {
    const engine = openEngine()
    const source = openEngine()
    source.createSession({ title: 'Only one' })
    const file = path.join(tempDir(), 'one.db')
    source.backup(file)
    expect(engine.restore(file, { mode: 'replace' })).toMatchObject({ sessionsAdded: 1 })
  })

  it('will not replace while another process has the store open', () => {
    const { engine, dataDir } = historyWithBackup()
    const file = path.join(tempDir(), 'b.db')
    engine.backup(file)
    const otherProcess = new DatabaseSync(path.join(dataDir, 'sessions.db'))
    otherProcess.prepare('SELECT count(*) FROM sessions').get()
    try {
      expect(() => engine.restore(file, { mode: 'replace', confirmReplace: true })).toThrow(expect.objectContaining({ code: 'E_IO', retryable: true }))
      expect(engine.listSessions().total).toBe(1) // reopened, still working
    } finally {
      otherProcess.close()
    }
  })
})
