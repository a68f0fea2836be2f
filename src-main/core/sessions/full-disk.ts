import type { ReadOnlyReason } from '../../../src-shared/contract'
import { DiskFullError, freeMegabytes, isDiskFull } from '../errors'
import { openDatabase, type Db, type OpenOptions } from './database'
import type { MigrationOutcome } from './migrate'

/**
 * Opening the history on a full disk. SQLite cannot set up its shared-memory file there, so the
 * normal open fails; without shared memory it opens, every read works and each write is a typed
 * E_DISK_FULL until there is room again (issue 19.1). Nothing is lost: writes are transactions.
 */

/** Why the history cannot be changed right now (null when it can): declared once, in the contract. */
export type { ReadOnlyReason }

/** Swapped in tests: how the database opens, and how much room the disk has. */
export interface DiskSeams {
  openDatabase?: typeof openDatabase
  freeMegabytes?: (folder: string) => number | undefined
}

/** Below this many free megabytes the data folder's disk counts as full. */
export const FULL_BELOW_MB = 1

/** SQLite's primary result code for I/O errors; its extended codes (SHMSIZE, WRITE…) share it. */
const SQLITE_IOERR = 10

const errcodeOf = (error: unknown): number | undefined => (error as { errcode?: unknown } | null)?.errcode as number | undefined

function causedByFullDisk(error: unknown, free: number | undefined): boolean {
  const causes = [error, (error as { cause?: unknown } | null)?.cause]
  if (causes.some(isDiskFull)) return true
  // An I/O error is the disk's fault only if the disk is in fact full; otherwise it stays an error.
  const ioError = causes.some((cause) => ((errcodeOf(cause) ?? 0) & 0xff) === SQLITE_IOERR)
  return ioError && free !== undefined && free < FULL_BELOW_MB
}

export interface OpenedHistory {
  db: Db
  migration: MigrationOutcome
  /** Opened without shared memory because the disk was full. */
  fullAtOpen: boolean
}

/** Opens normally; on a full disk, without shared memory; refuses every other failure as before. */
export function openOnAnyDisk(file: string, dataDir: string, options: OpenOptions, seams: DiskSeams = {}): OpenedHistory {
  const open = seams.openDatabase ?? openDatabase
  try {
    return { ...open(file, options), fullAtOpen: false }
  } catch (error) {
    const free = (seams.freeMegabytes ?? freeMegabytes)(dataDir)
    if (!causedByFullDisk(error, free)) throw error
    try {
      return { ...open(file, { ...options, withoutSharedMemory: true }), fullAtOpen: true }
    } catch (fallbackError) {
      // E.g. an upgrade that needs room: still the full disk's fault, and said so.
      throw new DiskFullError({ cause: fallbackError, folder: dataDir, ...(free === undefined ? {} : { free }) })
    }
  }
}

/** Why writes fail now, or null once the disk has room again. */
export function readOnlyNow(dataDir: string, seams: DiskSeams = {}): ReadOnlyReason | null {
  const free = (seams.freeMegabytes ?? freeMegabytes)(dataDir)
  if (free !== undefined && free >= FULL_BELOW_MB) return null
  const full = new DiskFullError({ folder: dataDir, ...(free === undefined ? {} : { free }) })
  return { reason: 'disk-full', message: `${full.message} Your chats can be read and searched, but nothing new is saved until there is room.`, hint: full.hint ?? '' }
}
