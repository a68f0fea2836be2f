import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { SessionEngine } from '../src-main/core/sessions'
import type { Figure } from './report'
import { syntheticSessions } from './synthetic'

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

function timeEach(queries: readonly string[], run: (query: string) => unknown): number[] {
  return queries.map((query) => {
    const start = performance.now()
    run(query)
    return performance.now() - start
  }).sort((a, b) => a - b)
}

/** What people type into a history search: topic words, two-word phrases, a prefix being typed. */
const queries = ['levain', 'kubectl logs', 'borrow', 'tokenizer', 'Sintra', 'softmax', 'pivot table', 'imatrix', 'hiring', 'locator', 'GPU passthrough', 'autolyse', 'liveness probe', 'zod', 'perplex', 'VLAN', 'bm25', 'tram', 'savings rate', 'race condition']

/**
 * History at scale: insert throughput against raw node:sqlite, FTS5 search against a linear scan
 * of the same rows, and opening a 1,000-message session. `--quick` uses 50k messages instead of 1M.
 */
export async function sessionsBench(quick: boolean): Promise<Figure[]> {
  const target = quick ? 50_000 : 1_000_000
  const perSession = 20
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-sessions-'))
  try {
    const engine = SessionEngine.open({ dataDir: dir })
    const sessions = [...syntheticSessions({ sessions: Math.round(target / perSession), messagesPerSession: perSession, seed: 7 })]
    const messageCount = sessions.reduce((sum, s) => sum + s.messages.length, 0)

    const insertStart = performance.now()
    for (let i = 0; i < sessions.length; i += 200) engine.importSessions(sessions.slice(i, i + 200))
    const insertMs = performance.now() - insertStart

    // Baseline: the same rows into a bare table (no FTS, no indexes) with raw node:sqlite.
    const raw = new DatabaseSync(path.join(dir, 'raw.db'))
    raw.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE m (id INTEGER PRIMARY KEY, session TEXT, role TEXT, text TEXT, created INTEGER)')
    const insert = raw.prepare('INSERT INTO m (session, role, text, created) VALUES (?, ?, ?, ?)')
    const rawStart = performance.now()
    for (let i = 0; i < sessions.length; i += 200) {
      raw.exec('BEGIN')
      for (const s of sessions.slice(i, i + 200)) for (const m of s.messages) insert.run(s.title ?? '', m.role, m.text ?? '', m.createdAt)
      raw.exec('COMMIT')
    }
    const rawMs = performance.now() - rawStart
    raw.close()

    // Warm the page cache for both, then measure.
    engine.search('warmup')
    const db = new DatabaseSync(path.join(dir, 'sessions.db'), { readOnly: true })
    // What an app without an index does: look at every message, newest matches first.
    const scan = db.prepare("SELECT id FROM messages WHERE text LIKE ? ESCAPE '\\' ORDER BY created_at DESC LIMIT 50")
    scan.all('%warmup%')
    const fts = timeEach(queries, (q) => engine.search(q, { limit: 50 }))
    const linear = timeEach(queries, (q) => scan.all(`%${q.replace(/[\\%_]/g, '\\$&')}%`))
    db.close()

    // A 1,000-message conversation: first screen (last 100) and the whole thing.
    const long = engine.createSession({ title: 'Long conversation' })
    const longRows = [...syntheticSessions({ sessions: 1, messagesPerSession: 1000, seed: 9 })][0]!.messages.slice(0, 1000)
    for (const m of longRows) engine.appendMessage(long.id, { role: m.role, text: m.text ?? '' })
    const firstScreen = timeEach(['a', 'b', 'c', 'd', 'e'], () => engine.getMessages(long.id, { limit: 100 }))
    const whole = timeEach(['a', 'b', 'c'], () => engine.getMessages(long.id, { limit: 1000 }))
    engine.close()

    const p95 = percentile(fts, 95)
    const linearP95 = percentile(linear, 95)
    return [
      { name: `insert ${messageCount} messages, store (FTS5, indexes, triggers)`, value: messageCount / (insertMs / 1000), unit: 'messages/s' },
      { name: `insert ${messageCount} messages, raw node:sqlite bare table`, value: messageCount / (rawMs / 1000), unit: 'messages/s' },
      { name: 'insert time, store vs raw', value: insertMs, unit: 'ms', baseline: rawMs, short: 'insert store/raw' },
      { name: `FTS search p50 over ${messageCount} messages`, value: percentile(fts, 50), unit: 'ms' },
      { name: `FTS search p95 over ${messageCount} messages (target ≤ 50)`, value: p95, unit: 'ms' },
      { name: 'linear scan (LIKE) p50', value: percentile(linear, 50), unit: 'ms' },
      { name: 'linear scan (LIKE) p95', value: linearP95, unit: 'ms' },
      { name: 'search p95, FTS vs linear scan (target ≤ 0.05)', value: p95, unit: 'ms', baseline: linearP95, short: 'search p95 fts/linear' },
      { name: 'open 1,000-message session, first 100 messages (p50)', value: percentile(firstScreen, 50), unit: 'ms' },
      { name: 'open 1,000-message session, all messages (p50)', value: percentile(whole, 50), unit: 'ms' },
    ]
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
