import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { openDatabase, type Db } from './database'
import { SessionEngine } from './engine'
import { migrate, userVersion } from './migrate'
import { LATEST_VERSION, MIGRATIONS } from './schema'
import { useTempDirs } from './testdata/helpers'

const SESSION_ID = '018f2c1e-0000-7000-8000-000000000001'
const USER_ID = '018f2c1e-0001-7000-8000-000000000002'
const REPLY_ID = '018f2c1e-0002-7000-8000-000000000003'
const SUMMARY_ID = '018f2c1e-0003-7000-8000-000000000004'
const COMPACTION_ID = '018f2c1e-0004-7000-8000-000000000005'
const SUMMARY = 'The user asked how long sourdough proofs.'

/** Writes a small history the way each old version of the app would have. */
function seed(db: Db, version: number): void {
  db.run('INSERT INTO sessions (id, title, created_at, updated_at, pinned) VALUES (?, ?, ?, ?, 1)', SESSION_ID, 'Old chat about sourdough', 1000, 3000)
  db.run("INSERT INTO messages (id, session_id, role, text, created_at, updated_at) VALUES (?, ?, 'user', ?, 2000, 2000)", USER_ID, SESSION_ID, 'How long to proof sourdough?')
  db.run(
    "INSERT INTO messages (id, session_id, parent_id, role, text, provider, model, usage, created_at, updated_at) VALUES (?, ?, ?, 'assistant', ?, 'ollama', 'llama3', ?, 3000, 3000)",
    REPLY_ID, SESSION_ID, USER_ID, 'About 4 to 12 hours, depending on temperature.', JSON.stringify({ inputTokens: 20, outputTokens: 12 }),
  )
  if (version >= 2) {
    db.run("UPDATE sessions SET workspace = '/home/baker' WHERE id = ?", SESSION_ID)
    db.run("INSERT INTO session_tags (session_id, tag) VALUES (?, 'bread')", SESSION_ID)
  }
  if (version >= 4) {
    db.run("INSERT INTO messages (id, session_id, role, text, provider, model, created_at, updated_at) VALUES (?, ?, 'system', ?, 'ollama', 'llama3', 4000, 4000)", SUMMARY_ID, SESSION_ID, SUMMARY)
    db.run(
      'INSERT INTO compactions (id, session_id, summary_message_id, upto_message_id, tokens_before, tokens_after, created_at) VALUES (?, ?, ?, ?, 32, 22, 4000)',
      COMPACTION_ID, SESSION_ID, SUMMARY_ID, USER_ID,
    )
  }
  if (version >= 5) {
    db.run("UPDATE sessions SET settings = ?, title_source = 'user' WHERE id = ?", V5_SETTINGS, SESSION_ID)
    db.run("INSERT INTO drafts (key, body, updated_at) VALUES (?, 'and for rye?', 5000)", SESSION_ID)
  }
}

const V5_SETTINGS = JSON.stringify({ target: { providerId: 'ollama', model: 'llama3' }, system: 'You bake.', params: { temperature: 0.4 } })

/** Checks what seed(version) wrote, read through a store at the latest version. */
function expectSeeded(engine: SessionEngine, version: number): void {
  const session = engine.getSession(SESSION_ID)
  expect(session).toMatchObject({ title: 'Old chat about sourdough', pinned: true, createdAt: 1000, messageCount: version >= 4 ? 3 : 2, source: null })
  expect(session.workspace).toBe(version >= 2 ? '/home/baker' : null)
  expect(session.tags).toEqual(version >= 2 ? ['bread'] : [])
  const messages = engine.getMessages(SESSION_ID).messages
  expect(messages.map((m) => [m.id, m.parentId, m.text])).toEqual([
    [USER_ID, null, 'How long to proof sourdough?'],
    [REPLY_ID, USER_ID, 'About 4 to 12 hours, depending on temperature.'],
    ...(version >= 4 ? [[SUMMARY_ID, null, SUMMARY]] : []),
  ])
  expect(messages[1]).toMatchObject({ attachments: [], usage: { inputTokens: 20, outputTokens: 12 } })
  // Old rows stay searchable.
  expect(engine.search('sourdough').map((h) => h.messageId)).toContain(USER_ID)
  expect(engine.listCompactions(SESSION_ID).map((c) => [c.id, c.uptoMessageId, c.tokensBefore, c.tokensAfter])).toEqual(
    version >= 4 ? [[COMPACTION_ID, USER_ID, 32, 22]] : [],
  )
  expect(engine.contextMessages(SESSION_ID).map((m) => m.id)).toEqual(version >= 4 ? [SUMMARY_ID, REPLY_ID] : [USER_ID, REPLY_ID])
  // v5: per-chat settings, who named the chat, drafts. Older stores read as "none yet".
  expect(engine.readChatSettings(SESSION_ID)).toBe(version >= 5 ? V5_SETTINGS : null)
  expect(engine.titleSource(SESSION_ID)).toBe(version >= 5 ? 'user' : null)
  expect(engine.readDraft(SESSION_ID)).toEqual(version >= 5 ? { key: SESSION_ID, body: 'and for rye?', updatedAt: 5000 } : null)
}

describe('migrations', () => {
  const tempDir = useTempDirs()

  it('has contiguous versions, and creates a fresh store at the latest without a snapshot', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1))
    const dataDir = tempDir()
    const engine = SessionEngine.open({ dataDir })
    expect(engine.migration).toEqual({ from: 0, to: LATEST_VERSION, snapshot: null })
    expect(engine.info()).toMatchObject({ schemaVersion: LATEST_VERSION, sessions: 0, messages: 0 })
    engine.close()
    const raw = new DatabaseSync(path.join(dataDir, 'sessions.db'))
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    raw.close()
  })

  for (let version = 1; version < LATEST_VERSION; version++) {
    it(`upgrades a v${version} store to v${LATEST_VERSION}, keeping every row and a snapshot`, () => {
      const dataDir = tempDir()
      const file = path.join(dataDir, 'sessions.db')
      const { db } = openDatabase(file, { targetVersion: version })
      seed(db, version)
      db.close()

      const engine = SessionEngine.open({ dataDir, now: () => Date.UTC(2025, 0, 1) })
      try {
        expect(engine.migration.from).toBe(version)
        expect(engine.migration.to).toBe(LATEST_VERSION)
        expectSeeded(engine, version)
        // The new tables work.
        const thanks = engine.appendMessage(SESSION_ID, { role: 'user', text: 'thanks', attachments: [{ name: 'a.txt', mime: 'text/plain', data: new Uint8Array([1]) }] })
        expect(thanks.parentId).toBe(REPLY_ID)
        const plan = engine.planCompaction(SESSION_ID, { contextWindow: 8192, keepRecent: 1, force: true })!
        expect(plan.upto).toBe(REPLY_ID)
        engine.recordCompaction(SESSION_ID, { uptoMessageId: plan.upto, summary: 'Proofing takes 4 to 12 hours.', tokensBefore: plan.tokensBefore })
        expect(engine.contextMessages(SESSION_ID).map((m) => m.text)).toEqual(['Proofing takes 4 to 12 hours.', 'thanks'])

        const snapshot = engine.migration.snapshot!
        expect(path.dirname(snapshot)).toBe(dataDir)
        expect(path.basename(snapshot)).toBe(`sessions.db.pre-v${LATEST_VERSION}-2025-01-01T00-00-00-000Z.bak`)
        const copy = new DatabaseSync(snapshot, { readOnly: true })
        expect(userVersion(copy)).toBe(version)
        expect(copy.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: version >= 4 ? 3 : 2 })
        copy.close()
      } finally {
        engine.close()
      }
    })
  }

  it('opens a store written at every version, seeded the way that version would (v4: a compaction)', () => {
    for (let version = 1; version <= LATEST_VERSION; version++) {
      const dataDir = tempDir()
      const { db } = openDatabase(path.join(dataDir, 'sessions.db'), { targetVersion: version })
      seed(db, version)
      db.close()
      const engine = SessionEngine.open({ dataDir })
      try {
        expect(engine.migration).toMatchObject({ from: version, to: LATEST_VERSION })
        expectSeeded(engine, version)
      } finally {
        engine.close()
      }
    }
  })

  it('v4 → v5: a chat has no settings, draft or title source yet; an automatic title applies until the user renames it', () => {
    const dataDir = tempDir()
    const { db } = openDatabase(path.join(dataDir, 'sessions.db'), { targetVersion: 4 })
    seed(db, 4)
    db.close()
    const engine = SessionEngine.open({ dataDir, now: () => 9000 })
    try {
      expect(engine.readChatSettings(SESSION_ID)).toBeNull()
      expect(engine.readDraft('new')).toBeNull()
      expect(engine.titleSource(SESSION_ID)).toBeNull()
      expect(engine.setAutoTitle(SESSION_ID, 'Sourdough proofing times')?.title).toBe('Sourdough proofing times')
      expect(engine.titleSource(SESSION_ID)).toBe('auto')
      engine.renameSession(SESSION_ID, 'Bread')
      expect(engine.titleSource(SESSION_ID)).toBe('user')
      expect(engine.setAutoTitle(SESSION_ID, 'Something else')).toBeNull()
      expect(engine.getSession(SESSION_ID).title).toBe('Bread')
      engine.writeChatSettings(SESSION_ID, V5_SETTINGS)
      engine.writeDraft('new', 'half')
      expect(engine.readChatSettings(SESSION_ID)).toBe(V5_SETTINGS)
      expect(engine.readDraft('new')).toEqual({ key: 'new', body: 'half', updatedAt: 9000 })
      expect(engine.getMessages(SESSION_ID).messages).toHaveLength(3)
    } finally {
      engine.close()
    }
  })

  it('v3 → v4 adds an empty compactions table that cascades with its session', () => {
    const dataDir = tempDir()
    const file = path.join(dataDir, 'sessions.db')
    const { db } = openDatabase(file, { targetVersion: 3 })
    seed(db, 3)
    expect(db.get("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'compactions'")).toEqual({ n: 0 })
    db.close()
    const engine = SessionEngine.open({ dataDir })
    try {
      expect(engine.info()).toMatchObject({ schemaVersion: LATEST_VERSION, sessions: 1, messages: 2 })
      expect(engine.listCompactions(SESSION_ID)).toEqual([])
      expect(engine.contextWindowUsage(SESSION_ID)).toEqual({ tokens: 32, estimated: false, messages: 2 })
      const compaction = engine.recordCompaction(SESSION_ID, { uptoMessageId: USER_ID, summary: SUMMARY, tokensBefore: 32 })
      expect(compaction.tokensAfter).toBe(Math.ceil(SUMMARY.length / 4) + 12)
      engine.softDeleteSession(SESSION_ID)
      engine.purgeSession(SESSION_ID)
      const raw = new DatabaseSync(file, { readOnly: true })
      expect(raw.prepare('SELECT (SELECT count(*) FROM compactions) AS c, (SELECT count(*) FROM messages) AS m').get()).toEqual({ c: 0, m: 0 })
      raw.close()
    } finally {
      engine.close()
    }
  })

  it('refuses a store from a newer version and leaves it untouched', () => {
    const dataDir = tempDir()
    const file = path.join(dataDir, 'sessions.db')
    openDatabase(file).db.close()
    const raw = new DatabaseSync(file)
    raw.exec('PRAGMA user_version = 99')
    raw.close()
    const before = fs.readFileSync(file)
    expect(() => SessionEngine.open({ dataDir })).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED', hint: expect.stringMatching(/Update/) }))
    expect(fs.readFileSync(file).equals(before)).toBe(true)
  })

  it("refuses another application's SQLite file and a damaged file", () => {
    const foreignDir = tempDir()
    const foreign = new DatabaseSync(path.join(foreignDir, 'sessions.db'))
    foreign.exec('CREATE TABLE photos (id INTEGER)')
    foreign.close()
    expect(() => SessionEngine.open({ dataDir: foreignDir })).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/not ours/) }))

    const otherAppDir = tempDir()
    const otherApp = new DatabaseSync(path.join(otherAppDir, 'sessions.db'))
    otherApp.exec('PRAGMA application_id = 42')
    otherApp.close()
    expect(() => SessionEngine.open({ dataDir: otherAppDir })).toThrow(/another application/)

    const damagedDir = tempDir()
    fs.writeFileSync(path.join(damagedDir, 'sessions.db'), 'x'.repeat(4096))
    expect(() => SessionEngine.open({ dataDir: damagedDir })).toThrow(expect.objectContaining({ code: 'E_IO', hint: expect.stringMatching(/backups/) }))
  })

  it('reports a folder it cannot create as an IO error', () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'file'), '')
    expect(() => SessionEngine.open({ dataDir: path.join(dir, 'file', 'sub') })).toThrow()
    fs.mkdirSync(path.join(dir, 'sessions.db'))
    expect(() => SessionEngine.open({ dataDir: dir })).toThrow(expect.objectContaining({ code: 'E_IO' }))
  })

  it('rolls a failing step back completely and says where the snapshot is', () => {
    const dir = tempDir()
    const file = path.join(dir, 'test.db')
    const raw = new DatabaseSync(file)
    const first = { version: 1, description: 'table', up: (db: DatabaseSync) => db.exec('CREATE TABLE a (x)') }
    migrate(raw, file, { migrations: [first] })
    raw.exec('INSERT INTO a VALUES (1)')
    const broken = { version: 2, description: 'broken', up: (db: DatabaseSync) => db.exec('CREATE TABLE b (y); SELECT * FROM nowhere') }
    expect(() => migrate(raw, file, { migrations: [first, broken] })).toThrow(
      expect.objectContaining({ code: 'E_INTERNAL', message: expect.stringMatching(/step 2: broken/), hint: expect.stringMatching(/copy was also saved/) }),
    )
    expect(userVersion(raw)).toBe(1)
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'b'").get()).toEqual({ n: 0 })
    expect(() => migrate(raw, null, { migrations: [{ ...first, version: 3 }] })).toThrow(/versions must be/)
    const memory = new DatabaseSync(':memory:')
    expect(() => migrate(memory, null, { migrations: [{ ...broken, version: 1 }] })).toThrow(expect.objectContaining({ hint: 'Your history is unchanged.' }))
    memory.close()
    raw.close()
  })
})
