import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import { AppError, IoError } from '../errors'
import { NotASessionStoreError } from './errors'
import { PRIVATE_FILE_MODE, makePrivateDir, makePrivateFile } from '../paths'
import { migrate, type MigrationOutcome } from './migrate'
import { APPLICATION_ID, type Migration } from './schema'

export type SqlParam = SQLInputValue
export type Row = Record<string, SQLInputValue>

/** A thin wrapper over DatabaseSync: cached statements and nestable transactions. */
export class Db {
  readonly raw: DatabaseSync
  readonly file: string
  private readonly statements = new Map<string, StatementSync>()
  private depth = 0

  constructor(raw: DatabaseSync, file: string) {
    this.raw = raw
    this.file = file
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.raw.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  all<T = Row>(sql: string, ...params: SqlParam[]): T[] {
    return this.statement(sql).all(...params) as T[]
  }

  get<T = Row>(sql: string, ...params: SqlParam[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined
  }

  run(sql: string, ...params: SqlParam[]): number {
    return Number(this.statement(sql).run(...params).changes)
  }

  exec(sql: string): void {
    this.raw.exec(sql)
  }

  /** Runs fn in one IMMEDIATE transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    if (this.depth > 0) return fn()
    this.raw.exec('BEGIN IMMEDIATE')
    this.depth++
    try {
      const result = fn()
      this.raw.exec('COMMIT')
      return result
    } catch (error) {
      if (this.raw.isTransaction) this.raw.exec('ROLLBACK')
      throw error
    } finally {
      this.depth--
    }
  }

  close(): void {
    this.statements.clear()
    if (this.raw.isOpen) this.raw.close()
  }
}

export interface OpenOptions {
  /** Stop at this schema version (tests build old databases with it). */
  targetVersion?: number
  migrations?: readonly Migration[]
  now?: () => number
  busyTimeoutMs?: number
  /**
   * Never use the shared-memory file (-shm): SQLite keeps the WAL index in this process's memory
   * instead, holding the database for itself (EXCLUSIVE locking) while open. On a full disk the
   * -shm file cannot grow, so this is how a full disk still opens.
   */
  withoutSharedMemory?: boolean
}

/** Opens (creating if needed) and upgrades a session database with our pragmas. */
export function openDatabase(file: string, options: OpenOptions = {}): { db: Db; migration: MigrationOutcome } {
  makePrivateDir(path.dirname(file))
  let raw: DatabaseSync
  try {
    // Created by us, private, before SQLite opens it: its WAL and shared-memory files take the
    // database file's permissions, so they are private too.
    if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE))
    makePrivateFile(file)
    raw = new DatabaseSync(file)
  } catch (error) {
    throw new IoError(`Cannot open the session database at ${file}.`, { cause: error, hint: 'Check that the data folder exists and is writable.' })
  }
  try {
    // Before anything reads the database: the first read of a WAL database sets up the index.
    if (options.withoutSharedMemory) raw.exec('PRAGMA locking_mode = EXCLUSIVE')
    assertOurs(raw, file)
    // busy_timeout first so switching to WAL waits for another process instead of failing.
    raw.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`)
    raw.exec('PRAGMA journal_mode = WAL')
    raw.exec('PRAGMA synchronous = NORMAL')
    raw.exec('PRAGMA foreign_keys = ON')
    const migration = migrate(raw, file, { target: options.targetVersion, migrations: options.migrations, now: options.now })
    return { db: new Db(raw, file), migration }
  } catch (error) {
    raw.close()
    throw error
  }
}

/** Refuses files that are not SQLite, or are somebody else's SQLite database. */
function assertOurs(raw: DatabaseSync, file: string): void {
  let appId: number
  let tables: number
  try {
    appId = Number((raw.prepare('PRAGMA application_id').get() as { application_id: number }).application_id)
    tables = Number((raw.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n)
  } catch (error) {
    if (error instanceof Error && /not a database|file is encrypted/i.test(error.message)) {
      throw new AppError('E_IO', `The session database at ${file} is damaged or is not a database.`, {
        cause: error,
        hint: 'Move the file aside and restore the latest copy from the backups folder.',
      })
    }
    throw error
  }
  if (appId !== 0 && appId !== APPLICATION_ID) throw new NotASessionStoreError(file, 'it belongs to another application')
  if (appId === 0 && tables > 0) throw new NotASessionStoreError(file, 'it holds tables that are not ours')
}
