import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../errors'
import { pathFlavour, type PathFlavour } from '../platform'

/**
 * Every path a tool touches goes through here: it must end up, after following symlinks, inside
 * one of the workspace roots. The real path is returned so the tool acts on exactly what was checked.
 */

export class OutsideWorkspaceError extends AppError {
  readonly requested: string
  constructor(requested: string, detail = '') {
    super('E_FORBIDDEN', `"${requested}" is outside the workspace${detail}; tools may only touch files inside the workspace folders.`, {
      hint: 'Add the folder to the workspace, or use a path inside it.',
    })
    this.requested = requested
  }
}

export class WorkspaceRootError extends AppError {
  constructor(root: string, cause?: unknown) {
    super('E_CONFIG', `The workspace folder "${root}" does not exist or cannot be read.`, { cause, hint: 'Pick an existing folder as the workspace.' })
  }
}

const MAX_LINK_HOPS = 40

export { pathFlavour, type PathFlavour }

const HOST = pathFlavour(process.platform)

/**
 * True when `target` is `root` or below it. Both are resolved first (`..`, `.`, and on Windows
 * forward slashes, drive letters and UNC shares), so `C:\work\proj\..\secret` is outside
 * `C:\work\proj`, and `c:/WORK/proj/a` inside it where case does not matter.
 */
export function isInside(root: string, target: string, flavour: PathFlavour = HOST): boolean {
  const p = flavour.path
  const fold = (value: string): string => (flavour.caseInsensitive ? p.resolve(value).toLowerCase() : p.resolve(value))
  const rel = p.relative(fold(root), fold(target))
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${p.sep}`) && !p.isAbsolute(rel))
}

export function realRoots(roots: string[]): string[] {
  if (roots.length === 0) throw new WorkspaceRootError('(none)')
  return roots.map((root) => {
    try {
      return fs.realpathSync.native(path.resolve(root))
    } catch (error) {
      throw new WorkspaceRootError(root, error)
    }
  })
}

/**
 * The real path of `target`, following symlinks even where the file itself does not exist yet
 * (a dangling link, or a new file under a symlinked folder).
 */
export function realPathOf(target: string, hops = 0): string {
  if (hops > MAX_LINK_HOPS) throw new AppError('E_IO', `Too many symbolic links while resolving "${target}".`)
  try {
    return fs.realpathSync.native(target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  let stat: fs.Stats | undefined
  try {
    stat = fs.lstatSync(target)
  } catch {
    stat = undefined
  }
  if (stat?.isSymbolicLink()) {
    // A dangling link: writing through it would create its target, so the target is what counts.
    const link = fs.readlinkSync(target)
    return realPathOf(path.resolve(path.dirname(target), link), hops + 1)
  }
  const parent = path.dirname(target)
  if (parent === target) return target
  return path.join(realPathOf(parent, hops), path.basename(target))
}

/**
 * The absolute real path of `filePath` (relative paths resolve against `cwd`), or an
 * OutsideWorkspaceError when it is not inside one of `roots`.
 */
export function resolveInside(roots: string[], cwd: string, filePath: string): string {
  const real = realRoots(roots)
  const lexical = path.resolve(cwd, filePath)
  let resolved: string
  try {
    resolved = realPathOf(lexical)
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('E_IO', `Could not resolve "${filePath}": ${(error as Error).message}`, { cause: error })
  }
  if (!real.some((root) => isInside(root, resolved))) {
    const viaLink = roots.some((root) => isInside(path.resolve(root), lexical)) || real.some((root) => isInside(root, lexical))
    throw new OutsideWorkspaceError(filePath, viaLink ? ' (through a symbolic link)' : '')
  }
  return resolved
}

/** How a path is shown to the model and the user: relative to cwd when below it. */
export function displayPath(cwd: string, absolute: string): string {
  const rel = path.relative(cwd, absolute)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute
}

/**
 * A glob as a RegExp over `/`-separated paths: `**` crosses folders, `*` and `?` stay inside one,
 * `{a,b}` alternates. Anything else is literal.
 */
export function globToRegExp(glob: string): RegExp {
  // `dir/**` covers the folder itself too, so a Read(src/**) rule lets Grep search src.
  const folderAndBelow = glob.endsWith('/**') && glob.length > 3
  const body = folderAndBelow ? glob.slice(0, -3) : glob
  let out = ''
  let depth = 0
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c === '*') {
      if (body[i + 1] === '*') {
        const slashAfter = body[i + 2] === '/'
        out += slashAfter ? '(?:.*/)?' : '.*'
        i += slashAfter ? 2 : 1
      } else out += '[^/]*'
    } else if (c === '?') out += '[^/]'
    else if (c === '{') {
      depth++
      out += '(?:'
    } else if (c === '}' && depth > 0) {
      depth--
      out += ')'
    } else if (c === ',' && depth > 0) out += '|'
    else out += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&')
  }
  return new RegExp(`^${out}${folderAndBelow ? '(?:/.*)?' : ''}$`, HOST.caseInsensitive ? 'i' : '')
}

export function toSlashes(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/')
}
