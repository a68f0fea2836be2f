import path from 'node:path'

/**
 * How paths behave on a platform: its separator and resolution rules, and whether names differ
 * only by case (Windows and macOS's default file systems). Taken as an input so the Windows and
 * macOS rules are tested on Linux too.
 */
export interface PathFlavour {
  path: path.PlatformPath
  caseInsensitive: boolean
}

export function pathFlavour(platform: NodeJS.Platform): PathFlavour {
  return { path: platform === 'win32' ? path.win32 : path.posix, caseInsensitive: platform === 'win32' || platform === 'darwin' }
}
