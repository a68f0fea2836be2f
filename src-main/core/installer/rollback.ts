import type { AppError } from '../errors'
import type { InstallerEnv } from './types'

/** What one install attempt has changed so far, so a failure can put things back. */
export interface Rollback {
  /** Runs only if the attempt fails (cancel included), newest first; its own errors are ignored. */
  onFailure(step: () => Promise<unknown>): void
  /** Removed when the attempt ends, whether it worked or not (temp folders, the verified download). */
  removeAtEnd(path: string): void
}

/**
 * Runs one install attempt. On any failure the attempt's undo steps run newest first, and the
 * downloads folder goes too, except after a cancel or a dropped connection: that `.part` can resume.
 * Temporary files go either way, newest first.
 */
export async function withRollback<T>(env: InstallerEnv, downloads: string, attempt: (rollback: Rollback) => Promise<T>): Promise<T> {
  const undo: (() => Promise<unknown>)[] = []
  const temporary: string[] = []
  try {
    return await attempt({ onFailure: (step) => void undo.push(step), removeAtEnd: (path) => void temporary.push(path) })
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined)
    const code = (error as AppError).code
    if (code !== 'E_CANCELLED' && code !== 'E_NETWORK') await env.fs.rm(downloads).catch(() => undefined)
    throw error
  } finally {
    for (const path of temporary.reverse()) await env.fs.rm(path).catch(() => undefined)
  }
}
