import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { SessionEngine } from '../src-main/core/sessions'
import type { ImportedSession } from '../src-main/core/sessions/import-shared'
import { percentile, timeEach } from './bench-stats'
import type { Figure } from './report'
import { syntheticSessions } from './synthetic'

const CALLS = 200

/** sessions.list (the sidebar's first page, and a page deep in it) at 500 and 50k sessions, against raw node:sqlite reading the page's ids in the same order and the total. */
export function sessionsListBench(parent: string): Figure[] {
  const figures: Figure[] = []
  for (const count of [500, 50_000]) {
    const dir = path.join(parent, `list-${count}`)
    const engine = SessionEngine.open({ dataDir: dir })
    let batch: ImportedSession[] = []
    for (const session of syntheticSessions({ sessions: count, messagesPerSession: 2, seed: 11 })) {
      batch.push(session)
      if (batch.length === 500) {
        engine.importSessions(batch)
        batch = []
      }
    }
    engine.importSessions(batch)
    const raw = new DatabaseSync(path.join(dir, 'sessions.db'), { readOnly: true })
    // The floor does what the route must: the page's ids in order, and the total (count(*)).
    const ids = raw.prepare('SELECT id FROM sessions WHERE deleted_at IS NULL ORDER BY pinned DESC, updated_at DESC, seq DESC LIMIT 50 OFFSET ?')
    const total = raw.prepare('SELECT count(*) AS n FROM sessions WHERE deleted_at IS NULL')
    const floor = { all: (offset: number) => [ids.all(offset), total.get()] }
    for (const offset of [0, 300]) {
      const calls = Array.from({ length: CALLS }, () => offset)
      engine.listSessions({ limit: 50, offset })
      const store = percentile(timeEach(calls, (o) => engine.listSessions({ limit: 50, offset: o })), 95)
      const base = percentile(timeEach(calls, (o) => floor.all(o)), 95)
      figures.push({ name: `sessions.list p95, ${count} sessions, 50 at offset ${offset}`, value: store, unit: 'ms', goal: '≤ 2 ms, flat with history size' })
      figures.push({ name: `  raw node:sqlite: the page's ids in the same order + count(*), p95`, value: base, unit: 'ms' })
      figures.push({ name: `  sessions.list ${count}@${offset}, store vs raw`, value: store, unit: 'ms', baseline: base, short: `list ${count}@${offset}` })
    }
    raw.close()
    engine.close()
  }
  return figures
}
