import fs from 'node:fs'
import path from 'node:path'
import { displayPath, resolveInside } from './sandbox'
import { looksBinary, readTextFile, statFile } from './read'
import { ToolFailedError, type ToolContext, type ToolInput } from './specs'

type Where = Pick<ToolContext, 'roots' | 'cwd'>

export interface WritePlan {
  absolute: string
  shown: string
  /** null when the file does not exist yet. */
  before: string | null
  /** The file being replaced is binary (before is then ''). */
  beforeBinary?: boolean
  after: string
}

export interface EditPlan extends WritePlan {
  before: string
  replacements: number
}

function countOccurrences(haystack: string, needle: string): number {
  let count = 0
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++
  return count
}

/** What a Write would change, without changing it (shared by the tool and its preview). */
export async function planWrite(input: ToolInput<'Write'>, where: Where): Promise<WritePlan> {
  const absolute = resolveInside(where.roots, where.cwd, input.file_path)
  const shown = displayPath(where.cwd, absolute)
  const plan = { absolute, shown, after: input.content }
  try {
    await fs.promises.lstat(absolute)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...plan, before: null }
    throw error
  }
  await statFile(absolute, shown)
  const content = await fs.promises.readFile(absolute)
  // Overwriting a binary file is allowed; there is just no text diff to show.
  return looksBinary(content) ? { ...plan, before: '', beforeBinary: true } : { ...plan, before: content.toString('utf8') }
}

export async function planEdit(input: ToolInput<'Edit'>, where: Where): Promise<EditPlan> {
  const absolute = resolveInside(where.roots, where.cwd, input.file_path)
  const shown = displayPath(where.cwd, absolute)
  if (input.old_string === '') throw new ToolFailedError('old_string is empty; use Write to create or replace a whole file.', 'E_VALIDATION')
  if (input.old_string === input.new_string) throw new ToolFailedError('old_string and new_string are the same; there is nothing to change.', 'E_VALIDATION')
  const before = await readTextFile(absolute, shown)
  const count = countOccurrences(before, input.old_string)
  if (count === 0) throw new ToolFailedError(`old_string was not found in ${shown}. It must match the file exactly, including whitespace; Read the file again.`, 'E_NOT_FOUND')
  if (count > 1 && !input.replace_all) {
    throw new ToolFailedError(
      `old_string appears ${count} times in ${shown}; include more surrounding context to make it unique, or set replace_all to replace every occurrence.`,
      'E_VALIDATION',
    )
  }
  // split/join and slice keep `$&`-style sequences in new_string literal, unlike String.replace.
  const after = input.replace_all
    ? before.split(input.old_string).join(input.new_string)
    : (() => {
        const at = before.indexOf(input.old_string)
        return before.slice(0, at) + input.new_string + before.slice(at + input.old_string.length)
      })()
  return { absolute, shown, before, after, replacements: input.replace_all ? count : 1 }
}

let tempCounter = 0

/** Write to a sibling temp file, then rename: readers never see a half-written file. */
export async function writeAtomically(absolute: string, content: string): Promise<void> {
  const dir = path.dirname(absolute)
  await fs.promises.mkdir(dir, { recursive: true })
  let mode: number | undefined
  try {
    const stat = await fs.promises.stat(absolute)
    if (stat.isDirectory()) throw new ToolFailedError(`${absolute} is a folder; it cannot be written as a file.`, 'E_UNSUPPORTED')
    mode = stat.mode & 0o7777
  } catch (error) {
    if (error instanceof ToolFailedError) throw error
  }
  const temp = path.join(dir, `.${path.basename(absolute)}.${process.pid}.${++tempCounter}.tmp`)
  try {
    await fs.promises.writeFile(temp, content, { encoding: 'utf8', mode: mode ?? 0o666, flag: 'wx' })
    await fs.promises.rename(temp, absolute)
  } catch (error) {
    await fs.promises.rm(temp, { force: true })
    throw error
  }
}

export function linesLabel(count: number): string {
  return `${count} line${count === 1 ? '' : 's'}`
}

function lineCount(text: string): number {
  if (text === '') return 0
  const lines = text.split('\n').length
  return text.endsWith('\n') ? lines - 1 : lines
}

export async function writeTool(input: ToolInput<'Write'>, ctx: ToolContext): Promise<string> {
  const plan = await planWrite(input, ctx)
  await writeAtomically(plan.absolute, plan.after)
  const lines = lineCount(plan.after)
  if (plan.before === null) return `Created ${plan.shown} (${linesLabel(lines)}).`
  return `Wrote ${plan.shown} (${linesLabel(lines)}, replacing ${plan.beforeBinary ? 'a binary file' : lineCount(plan.before)}).`
}

export async function editTool(input: ToolInput<'Edit'>, ctx: ToolContext): Promise<string> {
  const plan = await planEdit(input, ctx)
  await writeAtomically(plan.absolute, plan.after)
  return `Edited ${plan.shown}: replaced ${plan.replacements} occurrence${plan.replacements === 1 ? '' : 's'}.`
}

export { lineCount }
