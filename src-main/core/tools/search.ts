import fs from 'node:fs'
import path from 'node:path'
import { CancelledError, ValidationError } from '../errors'
import { looksBinary } from './read'
import { OutsideWorkspaceError, displayPath, globToRegExp, isInside, resolveInside, toSlashes } from './sandbox'
import { DEFAULT_OUTPUT_CAP, ToolFailedError, type ToolContext, type ToolInput } from './specs'

export const GLOB_MAX_RESULTS = 100
export const GREP_MAX_MATCHES = 500
const GREP_MAX_FILE_BYTES = 5_000_000
const GREP_MAX_LINE_CHARS = 500
const SKIPPED_DIRS = new Set(['node_modules', '.git'])

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError()
}

async function searchBase(ctx: ToolContext, given: string | undefined): Promise<{ absolute: string; stat: fs.Stats }> {
  const absolute = resolveInside(ctx.roots, ctx.cwd, given ?? '.')
  try {
    return { absolute, stat: await fs.promises.stat(absolute) }
  } catch {
    throw new ToolFailedError(`Path does not exist: ${given ?? ctx.cwd}`, 'E_NOT_FOUND')
  }
}

/** Patterns are relative to the base; `..` and absolute patterns outside it would leave the workspace. */
function relativePattern(pattern: string, base: string): string {
  let relative = pattern
  if (path.isAbsolute(pattern)) {
    const rel = path.relative(base, pattern)
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new OutsideWorkspaceError(pattern, ' (give a pattern relative to the search folder)')
    relative = toSlashes(rel)
  }
  if (relative.split(/[\\/]/).includes('..')) throw new ValidationError(`The glob pattern "${pattern}" contains "..". Give a pattern below the search folder, and set path to search elsewhere.`)
  return relative
}

function skipDir(pattern: string): (entry: fs.Dirent) => boolean {
  const named = [...SKIPPED_DIRS].filter((dir) => pattern.includes(dir))
  return (entry) => entry.isDirectory() && SKIPPED_DIRS.has(entry.name) && !named.includes(entry.name)
}

/** A file found by a glob counts only when its real path is inside the workspace. */
function insideWorkspace(ctx: ToolContext, absolute: string): boolean {
  try {
    resolveInside(ctx.roots, ctx.cwd, absolute)
    return true
  } catch {
    return false
  }
}

export async function globTool(input: ToolInput<'Glob'>, ctx: ToolContext): Promise<string> {
  const base = await searchBase(ctx, input.path)
  if (!base.stat.isDirectory()) throw new ToolFailedError(`${input.path} is not a folder.`, 'E_VALIDATION')
  const pattern = relativePattern(input.pattern, base.absolute)
  const found: { file: string; mtime: number }[] = []
  for await (const entry of fs.promises.glob(pattern, { cwd: base.absolute, withFileTypes: true, exclude: skipDir(pattern) })) {
    checkAborted(ctx.signal)
    const absolute = path.join(entry.parentPath, entry.name)
    if (!isInside(base.absolute, absolute)) continue
    // Node's glob walks into symlinked folders, so every hit is checked, not just links.
    if (!insideWorkspace(ctx, absolute)) continue
    const stat = await fs.promises.stat(absolute).catch(() => null)
    if (!stat?.isFile()) continue
    found.push({ file: absolute, mtime: stat.mtimeMs })
  }
  if (found.length === 0) return `No files match "${input.pattern}" in ${displayPath(ctx.cwd, base.absolute) || '.'}.`
  found.sort((a, b) => b.mtime - a.mtime || a.file.localeCompare(b.file))
  const lines = found.slice(0, GLOB_MAX_RESULTS).map((entry) => displayPath(ctx.cwd, entry.file))
  if (found.length > GLOB_MAX_RESULTS) lines.push(`[${found.length} files match; showing the ${GLOB_MAX_RESULTS} newest. Use a narrower pattern or path.]`)
  return lines.join('\n')
}

function compile(pattern: string, ignoreCase: boolean): RegExp {
  try {
    return new RegExp(pattern, ignoreCase ? 'i' : '')
  } catch (error) {
    throw new ValidationError(`Invalid regular expression "${pattern}": ${(error as Error).message}.`)
  }
}

/** Walks below `dir` depth-first, skipping node_modules/.git and not following folder symlinks (loops, escapes). */
async function* walk(dir: string, signal: AbortSignal): AsyncGenerator<string> {
  let entries: fs.Dirent[]
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true })
  } catch {
    return
  }
  entries.sort((a, b) => a.name.localeCompare(b.name))
  for (const entry of entries) {
    checkAborted(signal)
    const absolute = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(absolute, signal)
    } else if (entry.isFile() || entry.isSymbolicLink()) yield absolute
  }
}

export async function grepTool(input: ToolInput<'Grep'>, ctx: ToolContext): Promise<string> {
  const regex = compile(input.pattern, input['-i'] ?? false)
  const base = await searchBase(ctx, input.path)
  const filter = input.glob === undefined ? null : { regex: globToRegExp(input.glob), byName: !input.glob.includes('/') }
  const cap = ctx.outputCap ?? DEFAULT_OUTPUT_CAP
  const rows: string[] = []
  let chars = 0
  let truncated = false
  const files = base.stat.isDirectory() ? walk(base.absolute, ctx.signal) : (async function* () { yield base.absolute })()

  search: for await (const file of files) {
    if (filter) {
      const subject = filter.byName ? path.basename(file) : toSlashes(path.relative(base.absolute, file))
      if (!filter.regex.test(subject)) continue
    }
    let real: string
    try {
      real = resolveInside(ctx.roots, ctx.cwd, file)
    } catch {
      continue
    }
    const stat = await fs.promises.stat(real).catch(() => null)
    if (!stat?.isFile() || stat.size > GREP_MAX_FILE_BYTES) continue
    const content = await fs.promises.readFile(real).catch(() => null)
    if (!content || looksBinary(content)) continue
    const lines = content.toString('utf8').split('\n')
    const shown = displayPath(ctx.cwd, file)
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).replace(/\r$/, '')
      if (!regex.test(line)) continue
      const text = line.length > GREP_MAX_LINE_CHARS ? `${line.slice(0, GREP_MAX_LINE_CHARS)}…` : line
      const row = `${shown}:${i + 1}:${text}`
      if (rows.length >= GREP_MAX_MATCHES || chars + row.length > cap) {
        truncated = true
        break search
      }
      rows.push(row)
      chars += row.length + 1
    }
  }
  if (rows.length === 0) return `No matches for /${input.pattern}/.`
  if (truncated) rows.push(`[Showing the first ${rows.length} matches; narrow the pattern, path or glob to see the rest.]`)
  return rows.join('\n')
}
