import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { SessionEngine } from '../src-main/core/sessions'
import { buildMatchExpression } from '../src-main/core/sessions/search-query'
import { cycle, keystrokes, numberFlag, percentile, timeEach } from './bench-stats'
import type { Figure } from './report'
import { sessionsListBench } from './sessions-list.bench'
import { syntheticSessions } from './synthetic'
import type { ImportedSession } from '../src-main/core/sessions/import-shared'


/** Words people look up: topic words that occur in a few % of the history. */
const RARE = ['levain', 'borrow', 'tokenizer', 'Sintra', 'softmax', 'imatrix', 'hiring', 'locator', 'VLAN', 'autolyse', 'zod', 'SUMIFS', 'banneton', 'Proxmox', 'tokio']
/** Phrases typed into the search box, one search per keystroke. */
const TYPED = ['with matters', 'kubectl logs', 'borrow checker', 'pivot table', 'liveness probe', 'race condition', 'levain', 'GPU passthrough', 'savings rate', 'self-attention']
const QUERIES = 200

/** The baseline's schema: the messages table and the same FTS5 index and insert trigger, nothing else. */
const FLOOR_SCHEMA = `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
  CREATE TABLE messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, session_id TEXT NOT NULL, parent_id TEXT, role TEXT NOT NULL,
    text TEXT NOT NULL, provider TEXT, model TEXT, usage TEXT, cost REAL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
  CREATE VIRTUAL TABLE messages_fts USING fts5(text, content = 'messages', content_rowid = 'seq', tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co So'");
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts(rowid, text) VALUES (new.seq, new.text); END;`

/**
 * The indexes every store query and foreign key needs beyond the floor's (query-plans.test.ts
 * proves each with EXPLAIN QUERY PLAN): a session's messages in order, and a message's children
 * (the parent foreign key's ON DELETE SET NULL, and the branch queries).
 */
const NEEDED_INDEXES = 'CREATE INDEX m_session ON messages(session_id, created_at, id); CREATE INDEX m_parent ON messages(parent_id);'
/** FTS5 with a prefix index for 1-3 characters (the candidate for fast short prefixes). */
const PREFIX_FTS = FLOOR_SCHEMA.replace("content_rowid = 'seq',", "content_rowid = 'seq', prefix = '1 2 3',")

type RawMessages = ImportedSession['messages'][]

/** Inserts the same messages into a fresh raw database (schema + `extra` SQL), 200 sessions per transaction; the time in ms. */
function rawInsert(file: string, sessions: RawMessages, extra = '', schema = FLOOR_SCHEMA): number {
  const raw = new DatabaseSync(file)
  raw.exec(schema)
  raw.exec(extra)
  const insert = raw.prepare('INSERT INTO messages (id, session_id, parent_id, role, text, provider, model, usage, cost, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
  const start = performance.now()
  for (let i = 0; i < sessions.length; i += 200) {
    raw.exec('BEGIN')
    for (const messages of sessions.slice(i, i + 200)) {
      const sessionId = randomUUID()
      let parent: string | null = null
      for (const m of messages) {
        const id = randomUUID()
        insert.run(id, sessionId, parent, m.role, m.text ?? '', m.provider ?? null, m.model ?? null, m.usage ? JSON.stringify(m.usage) : null, m.cost ?? null, m.createdAt, m.createdAt)
        parent = id
      }
    }
    raw.exec('COMMIT')
  }
  const ms = performance.now() - start
  raw.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  raw.close()
  return ms
}

/**
 * Does a prefix index pay for itself? The same messages into raw FTS5 with `prefix='1 2 3'`:
 * its insert rate and file size against the floor's, and 1-3-letter prefix searches on both.
 */
function prefixIndexFigures(dir: string, sessions: RawMessages, floorMs: number): Figure[] {
  const withPrefix = path.join(dir, 'floor-prefix.db')
  const prefixMs = rawInsert(withPrefix, sessions, '', PREFIX_FTS)
  const without = new DatabaseSync(path.join(dir, 'floor.db'), { readOnly: true })
  const indexed = new DatabaseSync(withPrefix, { readOnly: true })
  const sql = 'SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 50'
  const short = cycle(['w*', 'wi*', 'wit*', 'i*', 'in*', 'int*', 'k*', 'ku*', 'kub*'], QUERIES)
  const [plainQuery, fastQuery] = [without.prepare(sql), indexed.prepare(sql)]
  plainQuery.all('warmup')
  fastQuery.all('warmup')
  const plain = percentile(timeEach(short, (q) => plainQuery.all(q)), 95)
  const fast = percentile(timeEach(short, (q) => fastQuery.all(q)), 95)
  without.close()
  indexed.close()
  const sizeOf = (file: string) => fs.statSync(file).size
  return [
    { name: "prefix index (FTS5 prefix='1 2 3'): insert time vs the floor without it", value: prefixMs, unit: 'ms', baseline: floorMs, short: 'prefix index insert cost' },
    { name: "prefix index: file size vs the floor's", value: sizeOf(withPrefix) / 1_048_576, unit: 'MB', baseline: sizeOf(path.join(dir, 'floor.db')) / 1_048_576 },
    { name: `prefix index: 1-3-letter prefix, newest-first LIMIT 50, p95 (${short.length} queries)`, value: fast, unit: 'ms' },
    { name: '  without it, p95', value: plain, unit: 'ms' },
    { name: '  1-3-letter prefix p95, with vs without the prefix index', value: fast, unit: 'ms', baseline: plain, short: 'prefix index search' },
  ]
}

/**
 * History at scale (default 200k messages; `--messages=1000000` or MESSAGES=… for the issue's
 * 1M, `--quick` 50k): inserts against raw node:sqlite into the same table + FTS5 trigger, search
 * p95 over ≥ 200 queries per kind against raw newest-first `LIMIT 50` on the same MATCH, typing
 * (one search per keystroke), ranked search, opening a long session, and sessions.list.
 */
export async function sessionsBench(quick: boolean): Promise<Figure[]> {
  const target = quick ? 50_000 : numberFlag('messages', 200_000)
  const perSession = 20
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-sessions-'))
  try {
    const engine = SessionEngine.open({ dataDir: dir })
    const sessions = [...syntheticSessions({ sessions: Math.round(target / perSession), messagesPerSession: perSession, seed: 7 })]
    const messageCount = sessions.reduce((sum, s) => sum + s.messages.length, 0)

    const insertStart = performance.now()
    for (let i = 0; i < sessions.length; i += 200) engine.importSessions(sessions.slice(i, i + 200))
    const insertMs = performance.now() - insertStart

    const sessionsOnly = sessions.map((s) => s.messages)
    const rawMs = rawInsert(path.join(dir, 'floor.db'), sessionsOnly)
    const indexedMs = rawInsert(path.join(dir, 'floor-indexed.db'), sessionsOnly, NEEDED_INDEXES)
    const prefixFigures = prefixIndexFigures(dir, sessionsOnly, rawMs)

    // The floor: the same MATCH, newest first, LIMIT 50, on the store's own file.
    const db = new DatabaseSync(path.join(dir, 'sessions.db'), { readOnly: true })
    const floorQuery = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 50')
    const floor = (q: string) => {
      const match = buildMatchExpression(q)
      return match === null ? [] : floorQuery.all(match)
    }
    const asYouType = (q: string) => engine.search(q, { limit: 50, mode: 'recent' })
    const kinds: [string, string[], string][] = [
      ['rare word', cycle(RARE, QUERIES), '≤ 5 ms'],
      ['common word "with"', cycle(['with'], QUERIES), '≤ 5 ms'],
      ['prefix "inter"', cycle(['inter'], QUERIES), '≤ 5 ms'],
      ['one letter "w"', cycle(['w'], QUERIES), '≤ 5 ms'],
      ['typing, one search per keystroke', cycle(keystrokes(TYPED), QUERIES), '≤ 5 ms'],
    ]
    asYouType('warmup')
    floor('warmup')
    const figures: Figure[] = []
    for (const [kind, queries, goal] of kinds) {
      const store = percentile(timeEach(queries, asYouType), 95)
      const raw95 = percentile(timeEach(queries, floor), 95)
      figures.push({ name: `search as you type p95, ${kind} (${queries.length} queries, ${messageCount} messages)`, value: store, unit: 'ms', goal })
      figures.push({ name: `  raw node:sqlite newest-first LIMIT 50, same MATCH, p95`, value: raw95, unit: 'ms' })
      figures.push({ name: `  search p95 ${kind}, store vs raw`, value: store, unit: 'ms', baseline: raw95, short: `search ${kind.split(',')[0]}` })
    }
    const ranked = timeEach(cycle([...RARE, 'with', 'matters', 'example'], QUERIES), (q) => engine.search(q, { limit: 50, mode: 'ranked' }))
    figures.push({ name: `ranked search (best first) p95 (${QUERIES} queries)`, value: percentile(ranked, 95), unit: 'ms', goal: '≤ 50 ms' })
    db.close()

    // A 1,000-message conversation: first screen (last 100) and the whole thing.
    const long = engine.createSession({ title: 'Long conversation' })
    const longRows = [...syntheticSessions({ sessions: 1, messagesPerSession: 1000, seed: 9 })][0]!.messages.slice(0, 1000)
    for (const m of longRows) engine.appendMessage(long.id, { role: m.role, text: m.text ?? '' })
    const firstScreen = timeEach(['a', 'b', 'c', 'd', 'e'], () => engine.getMessages(long.id, { limit: 100 }))
    const whole = timeEach(['a', 'b', 'c'], () => engine.getMessages(long.id, { limit: 1000 }))
    engine.close()

    return [
      { name: `insert ${messageCount} messages, store (200 sessions per call)`, value: messageCount / (insertMs / 1000), unit: 'messages/s', goal: '≥ 20,000' },
      { name: `insert ${messageCount} messages, raw node:sqlite: messages table + the same FTS5 trigger`, value: messageCount / (rawMs / 1000), unit: 'messages/s' },
      { name: 'insert time, store vs raw with FTS trigger', value: insertMs, unit: 'ms', baseline: rawMs, short: 'insert store/raw+fts' },
      { name: `insert ${messageCount} messages, raw node:sqlite: + the indexes the store's queries and foreign keys need (session, parent)`, value: messageCount / (indexedMs / 1000), unit: 'messages/s' },
      { name: 'insert time, store vs raw with FTS trigger and the needed indexes', value: insertMs, unit: 'ms', baseline: indexedMs, short: 'insert store/raw+fts+indexes' },
      ...prefixFigures,
      ...figures,
      { name: 'open 1,000-message session, first 100 messages (p50)', value: percentile(firstScreen, 50), unit: 'ms' },
      { name: 'open 1,000-message session, all messages (p50)', value: percentile(whole, 50), unit: 'ms' },
      ...sessionsListBench(dir),
    ]
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
