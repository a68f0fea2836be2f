import path from 'node:path'
import type { AttachmentFiles } from './attachments'
import type { Db } from './database'
import type { UuidV7Source } from './uuid'

/** Where the store keeps its files inside the app's data folder. */
export function sessionPaths(dataDir: string) {
  return {
    dataDir,
    database: path.join(dataDir, 'sessions.db'),
    attachments: path.join(dataDir, 'attachments'),
    backups: path.join(dataDir, 'backups'),
  }
}
export type SessionPaths = ReturnType<typeof sessionPaths>

/** What every store operation needs; built once by the engine. */
export interface StoreContext {
  db: Db
  files: AttachmentFiles
  paths: SessionPaths
  now: () => number
  newId: UuidV7Source
}
