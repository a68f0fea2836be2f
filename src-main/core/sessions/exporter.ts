import fs from 'node:fs'
import path from 'node:path'
import { AppError, ValidationError } from '../errors'
import type { StoreContext } from './context'
import { activeBranchMessages } from './branches'
import { exportNative } from './format-native'
import { allMessages } from './messages-repo'
import { listSessions, requireSession } from './sessions-repo'
import { toHtml, toMarkdown } from './export-text'
import type { ExportAllResult, ExportBranches, ExportFormat } from './types'
import { ZipWriter } from './zip'
import { userPathError } from '../paths'

/**
 * One session as Markdown, our JSON (which imports back) or a self-contained HTML page: the branch
 * being read, or every version with `which: 'all'` (JSON keeps the tree through parentId).
 */
export function exportSession(ctx: StoreContext, sessionId: string, format: ExportFormat, which: ExportBranches = 'active'): string {
  if (which !== 'active' && which !== 'all') throw new ValidationError('Export the active branch or all branches.', [{ path: 'branches', message: 'invalid' }])
  const session = requireSession(ctx, sessionId)
  const all = allMessages(ctx, sessionId)
  const messages = which === 'all' ? all : activeBranchMessages(ctx, sessionId, all)
  if (format === 'json') return `${JSON.stringify(exportNative(ctx, sessionId, messages), null, 2)}\n`
  if (format === 'markdown') return toMarkdown(session, messages)
  if (format === 'html') return toHtml(session, messages)
  throw new ValidationError('The export format must be markdown, json or html.', [{ path: 'format', message: 'invalid' }])
}

/** A file name that sorts by date and says what is inside: 2024-05-01-trip-planning-0190a1b2. */
function entryName(title: string, createdAt: number, id: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // é → e: names that survive any file system and zip tool
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
  return [new Date(createdAt).toISOString().slice(0, 10), slug, id.replace(/-/g, '').slice(0, 12)].filter(Boolean).join('-')
}

const invalidTarget = (message: string): ValidationError => new ValidationError(message, [{ path: 'path', message }])

/**
 * Where the ZIP may go: an absolute path (a relative one would land in the server's working
 * folder, not the user's), in a folder that exists (never created: the path comes from outside),
 * not a folder itself, and not an existing file unless `overwrite`.
 */
function checkTarget(zipPath: string, overwrite: boolean): string {
  if (!path.isAbsolute(zipPath)) throw invalidTarget(`The export path must be absolute: ${zipPath}`)
  const target = path.normalize(zipPath)
  const parent = path.dirname(target)
  if (!fs.statSync(parent, { throwIfNoEntry: false })?.isDirectory()) throw invalidTarget(`The folder ${parent} does not exist; create it first or pick another.`)
  const existing = fs.lstatSync(target, { throwIfNoEntry: false })
  if (existing?.isDirectory()) throw invalidTarget(`${target} is a folder; give a file name such as ${path.join(target, 'sessions.zip')}.`)
  if (existing && !overwrite) throw invalidTarget(`${target} already exists; pick another name or ask to overwrite it.`)
  if (existing && !existing.isFile()) throw invalidTarget(`${target} is not a regular file.`)
  return target
}

/**
 * Every session not in the trash, as JSON (re-importable) and Markdown (readable), in one ZIP.
 * Written beside the target and renamed at the end, so a failed export leaves no broken file.
 */
export function exportAll(ctx: StoreContext, zipPath: string, options: { overwrite?: boolean } = {}): ExportAllResult {
  const target = checkTarget(String(zipPath), options.overwrite === true)
  const temp = `${target}.${process.pid}.tmp`
  let zip: ZipWriter
  try {
    zip = new ZipWriter(temp, new Date(ctx.now()))
  } catch (error) {
    throw writeFailure(target, error)
  }
  let count = 0
  try {
    for (let offset: number | null = 0; offset !== null; ) {
      const page = listSessions(ctx, { limit: 200, offset, sort: 'created', order: 'asc', pinnedFirst: false })
      for (const session of page.sessions) {
        const name = entryName(session.title, session.createdAt, session.id)
        zip.add(`json/${name}.json`, exportSession(ctx, session.id, 'json', 'all'))
        zip.add(`markdown/${name}.md`, exportSession(ctx, session.id, 'markdown'))
        count++
      }
      offset = page.nextOffset
    }
    zip.add('README.txt', `Ollama Desk export: ${count} sessions.\njson/ holds files you can import back into Ollama Desk; markdown/ is for reading.\n`)
    const bytes = zip.finish()
    fs.renameSync(temp, target)
    return { path: target, sessions: count, bytes }
  } catch (error) {
    zip.abort()
    try {
      fs.rmSync(temp, { force: true })
    } catch {
      // the folder refuses even that: there is nothing of ours to remove
    }
    throw writeFailure(target, error)
  }
}

/**
 * A file-system call that failed on the target's folder (it is read-only, not a real folder such
 * as /proc, or its disk is full) is a typed E_IO naming the target, not an internal error.
 */
function writeFailure(target: string, error: unknown): unknown {
  const errno = error as NodeJS.ErrnoException
  if (error instanceof AppError || typeof errno?.syscall !== 'string') return error
  return userPathError(error, target, `Could not write the export to ${target}`, 'Pick a folder you can write to, on a disk with room for the file.')
}
