import fs from 'node:fs'

/** Telling a full disk apart from other failures, whichever layer (fs, SQLite) hit it. */

/** SQLite's SQLITE_FULL, as node:sqlite reports it. */
const SQLITE_FULL = 13

export function isDiskFull(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const { code, errcode } = error as NodeJS.ErrnoException & { errcode?: number }
  if (code === 'ENOSPC' || code === 'EDQUOT') return true
  if (errcode === SQLITE_FULL) return true
  return /database or disk is full/i.test(error.message)
}

let dataFolder: string | undefined

/** The folder set by setDataFolderForDiskErrors. */
export const dataFolderForDiskErrors = (): string | undefined => dataFolder

/** The folder whose free space a disk-full message reports; the core sets it at start. */
export function setDataFolderForDiskErrors(folder: string | undefined): void {
  dataFolder = folder
}

/** Free megabytes on the disk holding `folder` (the data folder by default), or undefined if unknown. */
export function freeMegabytes(folder: string | undefined = dataFolder): number | undefined {
  if (folder === undefined) return undefined
  try {
    const stats = fs.statfsSync(folder)
    return Math.floor((stats.bavail * stats.bsize) / 1024 / 1024)
  } catch {
    return undefined
  }
}

