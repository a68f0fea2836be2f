import fs from 'node:fs'
import type { DatabaseSync } from 'node:sqlite'
import { AppError } from '../errors'
import { makePrivateFile } from '../paths'
import { StoreTooNewError } from './errors'
import { LATEST_VERSION, MIGRATIONS, type Migration } from './schema'

export interface MigrationOutcome {
  from: number
  to: number
  /** The copy taken before an existing database was upgraded, or null. */
  snapshot: string | null
}

export const userVersion = (db: DatabaseSync): number => Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)

const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`

/** Copies a live database into a new file with `VACUUM INTO` (consistent, compact, WAL folded in). */
export function vacuumInto(db: DatabaseSync, target: string): void {
  db.exec(`VACUUM INTO ${sqlString(target)}`)
  // A copy of the whole history: as private as the database itself.
  makePrivateFile(target)
}

/**
 * Brings a database up to `target` (default: latest), one transaction per step. An existing
 * database is first copied beside itself, so a failed or regretted upgrade can be undone by hand.
 */
export function migrate(
  db: DatabaseSync,
  file: string | null,
  options: { target?: number; migrations?: readonly Migration[]; now?: () => number } = {},
): MigrationOutcome {
  const migrations = options.migrations ?? MIGRATIONS
  const latest = migrations.length
  const target = options.target ?? latest
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i} has version ${m.version}; versions must be 1, 2, 3…`)
  })
  const from = userVersion(db)
  if (from > latest) throw new StoreTooNewError(from, LATEST_VERSION)
  if (from >= target) return { from, to: from, snapshot: null }

  let snapshot: string | null = null
  if (from > 0 && file !== null) {
    const stamp = new Date(options.now?.() ?? Date.now()).toISOString().replace(/[:.]/g, '-')
    snapshot = `${file}.pre-v${target}-${stamp}.bak`
    if (fs.existsSync(snapshot)) fs.rmSync(snapshot)
    vacuumInto(db, snapshot)
  }
  for (const migration of migrations.slice(from, target)) {
    db.exec('BEGIN IMMEDIATE')
    try {
      migration.up(db)
      db.exec(`PRAGMA user_version = ${migration.version}`)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw new AppError('E_INTERNAL', `Could not upgrade the session database (step ${migration.version}: ${migration.description}).`, {
        cause: error,
        hint: snapshot ? `Your history is unchanged; a copy was also saved at ${snapshot}.` : 'Your history is unchanged.',
      })
    }
  }
  return { from, to: target, snapshot }
}
