import fs from 'node:fs'
import path from 'node:path'

/**
 * The data folder holds chat history, backups, attachments, logs and secrets: only the user may
 * read it. Folders are 0700 and files 0600 on POSIX systems; Windows keeps its per-user ACLs
 * (chmod there only toggles read-only), so these are no-ops on it.
 */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

export interface PrivacyOptions {
  /** process.platform by default; injected by tests. */
  platform?: NodeJS.Platform
}

const enforced = (options: PrivacyOptions): boolean => (options.platform ?? process.platform) !== 'win32'
const openToOthers = (mode: number): boolean => (mode & 0o077) !== 0

/** Creates a folder (and any missing parents) readable by the user only, and tightens it if it existed. */
export function makePrivateDir(dir: string, options: PrivacyOptions = {}): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (enforced(options) && openToOthers(fs.statSync(dir).mode)) fs.chmodSync(dir, PRIVATE_DIR_MODE)
}

/** Makes an existing file readable by the user only; a missing file is left alone. */
export function makePrivateFile(file: string, options: PrivacyOptions = {}): void {
  if (!enforced(options)) return
  const stat = fs.lstatSync(file, { throwIfNoEntry: false })
  if (stat?.isFile() && openToOthers(stat.mode)) fs.chmodSync(file, PRIVATE_FILE_MODE)
}

/**
 * Tightens everything an older version left readable by others (it created files 0644 in a 0755
 * folder). Symbolic links are not followed: what they point at belongs to the user's choice.
 * Returns how many entries were changed, for the start-up log.
 */
export function tightenDataFolder(root: string, options: PrivacyOptions = {}): number {
  if (!enforced(options)) return 0
  let changed = 0
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(full)
      if (!entry.isDirectory() && !entry.isFile()) continue
      const mode = fs.lstatSync(full).mode
      if (!openToOthers(mode)) continue
      fs.chmodSync(full, entry.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE)
      changed++
    }
  }
  makePrivateDir(root, options)
  visit(root)
  return changed
}
