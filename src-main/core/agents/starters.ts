import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The starter library: plain agent files in the repository's `resources/agents/` (packaged with
 * the app). The folder is found by walking up from this module, so it works from the sources
 * (tests), from the bundle in `out/main/` and from inside the packaged app alike.
 */
export function findStartersDir(start = path.dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = start
  for (;;) {
    const candidate = path.join(dir, 'resources', 'agents')
    if (isDir(candidate)) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

function isDir(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory()
  } catch {
    return false
  }
}
