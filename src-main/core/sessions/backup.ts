import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { ValidationError } from '../errors'
import type { StoreContext } from './context'
import { openDatabase } from './database'
import { NotASessionStoreError } from './errors'
import { vacuumInto } from './migrate'
import { APPLICATION_ID, LATEST_VERSION } from './schema'
import type { BackupResult } from './types'

const SQLITE_HEADER = 'SQLite format 3\u0000'
const DAILY_RE = /^sessions-\d{4}-\d{2}-\d{2}\.db$/

const stampOf = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, '-')

/** A consistent copy of the whole history (one file, WAL folded in) at `target`, which must not exist. */
export function backupTo(ctx: StoreContext, target: string): BackupResult {
  const file = path.resolve(String(target))
  if (fs.existsSync(file)) {
    throw new ValidationError(`${file} already exists.`, [{ path: 'toPath', message: 'exists' }], 'Choose a new file name; backups never overwrite.')
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  vacuumInto(ctx.db.raw, file)
  return { path: file, bytes: fs.statSync(file).size }
}

const sessionCount = (ctx: StoreContext): number => Number(ctx.db.get<{ n: number }>('SELECT count(*) AS n FROM sessions')?.n ?? 0)

/**
 * At most one backup per (UTC) day in <dataDir>/backups, keeping the newest `retention`. The app
 * calls it at start; it returns the new file, or null when today's exists or there is no history.
 */
export function maybeDailyBackup(ctx: StoreContext, now: number, retention: number): string | null {
  if (!Number.isInteger(retention) || retention < 1) throw new ValidationError('Backup retention must be at least 1.', [{ path: 'retention', message: 'invalid' }])
  if (sessionCount(ctx) === 0) return null
  const dir = ctx.paths.backups
  const target = path.join(dir, `sessions-${new Date(now).toISOString().slice(0, 10)}.db`)
  if (fs.existsSync(target)) return null
  fs.mkdirSync(dir, { recursive: true })
  // Written under a temporary name first: a crash mid-copy never leaves a half backup that
  // looks like today's and stops tomorrow's check from retrying.
  const temp = `${target}.tmp`
  fs.rmSync(temp, { force: true })
  vacuumInto(ctx.db.raw, temp)
  fs.renameSync(temp, target)
  const daily = fs.readdirSync(dir).filter((name) => DAILY_RE.test(name)).sort().reverse()
  for (const old of daily.slice(retention)) fs.rmSync(path.join(dir, old), { force: true })
  return target
}

/**
 * Checks that `file` is an Ollama Desk store we can read, and returns an upgraded private copy
 * in `workDir` (the user's file is never opened for writing). Throws a ValidationError otherwise.
 */
export function preparedCopy(file: string, workDir: string, now: () => number): { copy: string; version: number } {
  const source = path.resolve(String(file))
  let stat: fs.Stats
  try {
    stat = fs.statSync(source)
  } catch {
    throw new NotASessionStoreError(source, 'the file does not exist')
  }
  if (!stat.isFile() || stat.size < 512) throw new NotASessionStoreError(source, 'it is empty or not a file')
  const header = Buffer.alloc(16)
  const fd = fs.openSync(source, 'r')
  try {
    fs.readSync(fd, header, 0, 16, 0)
  } finally {
    fs.closeSync(fd)
  }
  if (header.toString('latin1') !== SQLITE_HEADER) throw new NotASessionStoreError(source, 'it is not an SQLite database')

  fs.mkdirSync(workDir, { recursive: true })
  const copy = path.join(workDir, `restore-${stampOf(now())}.db`)
  fs.copyFileSync(source, copy)
  try {
    const version = inspect(copy, source)
    openDatabase(copy, { now }).db.close()
    // The upgrade left its own pre-migration snapshot beside the private copy; it is not needed.
    for (const name of fs.readdirSync(workDir)) if (name.startsWith(`${path.basename(copy)}.pre-`)) fs.rmSync(path.join(workDir, name), { force: true })
    return { copy, version }
  } catch (error) {
    removeDatabaseFiles(copy)
    throw error
  }
}

function inspect(copy: string, source: string): number {
  let facts: { appId: number; tables: Set<string>; version: number; check: string }
  const raw = new DatabaseSync(copy)
  try {
    const get = (sql: string) => raw.prepare(sql).get() as Record<string, number | string>
    facts = {
      appId: Number(get('PRAGMA application_id').application_id),
      tables: new Set((raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name)),
      version: Number(get('PRAGMA user_version').user_version),
      check: String(get('PRAGMA quick_check').quick_check),
    }
  } catch {
    throw new NotASessionStoreError(source, 'it cannot be read')
  } finally {
    raw.close()
  }
  if (facts.appId !== APPLICATION_ID || !facts.tables.has('sessions') || !facts.tables.has('messages')) {
    throw new NotASessionStoreError(source, 'it does not hold Ollama Desk sessions')
  }
  if (facts.version < 1) throw new NotASessionStoreError(source, 'it has no schema version')
  if (facts.version > LATEST_VERSION) {
    throw new ValidationError(`${source} was made by a newer version of Ollama Desk (schema ${facts.version}; this one knows ${LATEST_VERSION}).`, [], 'Update Ollama Desk, then restore it.')
  }
  if (facts.check !== 'ok') throw new NotASessionStoreError(source, 'it is damaged')
  return facts.version
}

export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true })
}

/**
 * Adds what the backup has and we do not, by id: whole sessions that are missing, and missing
 * messages of sessions both have (with the compactions whose summaries come along). Nothing here
 * is changed or removed.
 */
export function mergeFrom(ctx: StoreContext, copy: string): { sessionsAdded: number; messagesAdded: number } {
  const db = ctx.db
  db.run('ATTACH DATABASE ? AS src', copy)
  try {
    return db.tx(() => {
      db.exec(`
        CREATE TEMP TABLE IF NOT EXISTS merge_sessions (id TEXT PRIMARY KEY);
        CREATE TEMP TABLE IF NOT EXISTS merge_messages (id TEXT PRIMARY KEY);
        DELETE FROM merge_sessions; DELETE FROM merge_messages;
        INSERT INTO merge_sessions SELECT s.id FROM src.sessions s
          WHERE s.id NOT IN (SELECT id FROM main.sessions)
            AND (s.source IS NULL OR NOT EXISTS (SELECT 1 FROM main.sessions x WHERE x.source = s.source AND x.source_id = s.source_id));
        INSERT INTO main.sessions (id, title, created_at, updated_at, pinned, archived, deleted_at, workspace, source, source_id)
          SELECT id, title, created_at, updated_at, pinned, archived, deleted_at, workspace, source, source_id FROM src.sessions
          WHERE id IN (SELECT id FROM merge_sessions) ORDER BY seq;
        INSERT OR IGNORE INTO main.session_tags (session_id, tag)
          SELECT session_id, tag FROM src.session_tags WHERE session_id IN (SELECT id FROM merge_sessions);
        INSERT INTO merge_messages SELECT m.id FROM src.messages m
          WHERE m.id NOT IN (SELECT id FROM main.messages) AND m.session_id IN (SELECT id FROM main.sessions);
        INSERT INTO main.messages (id, session_id, parent_id, role, content, text, reasoning, tool_calls, provider, model, usage, cost,
            timings, status, error, created_at, updated_at)
          SELECT id, session_id, parent_id, role, content, text, reasoning, tool_calls, provider, model, usage, cost,
            timings, status, error, created_at, updated_at FROM src.messages WHERE id IN (SELECT id FROM merge_messages) ORDER BY seq;
        UPDATE main.messages SET parent_id = NULL
          WHERE id IN (SELECT id FROM merge_messages) AND parent_id IS NOT NULL AND parent_id NOT IN (SELECT id FROM main.messages);
        INSERT INTO main.attachments (message_id, sha256, name, mime, size)
          SELECT message_id, sha256, name, mime, size FROM src.attachments WHERE message_id IN (SELECT id FROM merge_messages) ORDER BY seq;
        INSERT INTO main.compactions (id, session_id, summary_message_id, upto_message_id, tokens_before, tokens_after, created_at)
          SELECT c.id, c.session_id, c.summary_message_id, c.upto_message_id, c.tokens_before, c.tokens_after, c.created_at FROM src.compactions c
          WHERE c.summary_message_id IN (SELECT id FROM merge_messages) AND c.upto_message_id IN (SELECT id FROM main.messages)
            AND c.id NOT IN (SELECT id FROM main.compactions) ORDER BY c.seq;
      `)
      const count = (table: string) => Number(db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)?.n ?? 0)
      return { sessionsAdded: count('merge_sessions'), messagesAdded: count('merge_messages') }
    })
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.merge_sessions; DROP TABLE IF EXISTS temp.merge_messages')
    db.run('DETACH DATABASE src')
  }
}

/** Copies the current history aside before it is replaced; returns where. */
export function snapshotBeforeReplace(ctx: StoreContext): string {
  fs.mkdirSync(ctx.paths.backups, { recursive: true })
  const target = path.join(ctx.paths.backups, `pre-restore-${stampOf(ctx.now())}.db`)
  fs.rmSync(target, { force: true })
  vacuumInto(ctx.db.raw, target)
  return target
}

export const hasHistory = (ctx: StoreContext): boolean => sessionCount(ctx) > 0
