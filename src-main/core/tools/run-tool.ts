import path from 'node:path'
import { BUILTIN_TOOLS, type BuiltinTool } from '../../../src-shared/contract/agent'
import { AppError, ValidationError, parseOrThrow, toAppError } from '../errors'
import { bashTool } from './bash'
import { unifiedDiff } from './diff'
import { readTool } from './read'
import { displayPath } from './sandbox'
import { globTool, grepTool } from './search'
import { toolInputSchemas, type ToolContext, type ToolInput } from './specs'
import { parseFetchUrl, webFetchTool } from './web-fetch'
import { editTool, lineCount, linesLabel, planEdit, planWrite, writeTool } from './write-edit'

export interface ToolResult {
  ok: boolean
  /** What the model sees: the tool's output, or the failure in words it can act on. */
  output: string
  /** The failure, for logs and hooks (PostToolUseFailure). */
  error?: AppError
}

export function isBuiltinTool(name: string): name is BuiltinTool {
  return (BUILTIN_TOOLS as readonly string[]).includes(name)
}

/** Checks a tool call's arguments; a ValidationError names the tool and the bad field. */
export function parseToolInput<T extends BuiltinTool>(name: T, input: unknown): ToolInput<T>
export function parseToolInput(name: string, input: unknown): ToolInput<BuiltinTool>
export function parseToolInput(name: string, input: unknown): ToolInput<BuiltinTool> {
  if (!isBuiltinTool(name)) throw new ValidationError(`There is no built-in tool named "${name.slice(0, 100)}". The tools are ${BUILTIN_TOOLS.join(', ')}.`)
  return parseOrThrow(toolInputSchemas[name], input, `${name} input`)
}

async function dispatch(name: BuiltinTool, input: unknown, ctx: ToolContext): Promise<{ ok: boolean; output: string }> {
  switch (name) {
    case 'Read':
      return { ok: true, output: await readTool(parseToolInput('Read', input), ctx) }
    case 'Write':
      return { ok: true, output: await writeTool(parseToolInput('Write', input), ctx) }
    case 'Edit':
      return { ok: true, output: await editTool(parseToolInput('Edit', input), ctx) }
    case 'Glob':
      return { ok: true, output: await globTool(parseToolInput('Glob', input), ctx) }
    case 'Grep':
      return { ok: true, output: await grepTool(parseToolInput('Grep', input), ctx) }
    case 'Bash':
      return bashTool(parseToolInput('Bash', input), ctx)
    case 'WebFetch':
      return webFetchTool(parseToolInput('WebFetch', input), ctx)
  }
}

/** Runs a built-in tool. Never throws: every failure, bad input and sandbox refusals included, is a result the model reads. */
export async function runBuiltinTool(name: string, input: unknown, ctx: ToolContext): Promise<ToolResult> {
  try {
    if (!isBuiltinTool(name)) parseToolInput(name, input)
    return await dispatch(name as BuiltinTool, input, ctx)
  } catch (thrown) {
    const error = errorOf(thrown)
    return { ok: false, output: error.hint && error.code === 'E_FORBIDDEN' ? `${error.message} ${error.hint}` : error.message, error }
  }
}

/** Node's fs errors carry useful messages (EACCES, ENOSPC); keep them rather than the generic internal one. */
function errorOf(thrown: unknown): AppError {
  if (thrown instanceof AppError) return thrown
  const code = (thrown as NodeJS.ErrnoException | null)?.code
  if (thrown instanceof Error && typeof code === 'string' && code.startsWith('E')) return new AppError('E_IO', thrown.message, { cause: thrown })
  return toAppError(thrown)
}

export interface ToolPreview {
  /** One line: `Bash: git status`, `Write src/a.ts (12 lines, new file)`. */
  summary: string
  /** Unified diff for Write and Edit. */
  diff?: string
}

function shownPath(ctx: Pick<ToolContext, 'cwd'>, filePath: string): string {
  return displayPath(ctx.cwd, path.resolve(ctx.cwd, filePath))
}

/**
 * What the approval dialog shows. Never throws: bad input and paths outside the workspace are
 * shown with the reason the call would fail, so the user still sees exactly what was asked for.
 */
export async function previewFor(name: string, input: unknown, ctx: Pick<ToolContext, 'roots' | 'cwd' | 'confinement'>): Promise<ToolPreview> {
  let tool: ToolInput<BuiltinTool>
  try {
    tool = parseToolInput(name, input)
  } catch (thrown) {
    return { summary: `${name} (will fail: ${errorOf(thrown).message})` }
  }
  const where = { roots: ctx.roots, cwd: ctx.cwd }
  try {
    switch (name as BuiltinTool) {
      case 'Bash':
        return { summary: `Bash: ${(tool as ToolInput<'Bash'>).command}${ctx.confinement ? ` (${ctx.confinement.describe})` : ''}` }
      case 'Read':
        return { summary: `Read ${shownPath(ctx, (tool as ToolInput<'Read'>).file_path)}` }
      case 'Glob': {
        const glob = tool as ToolInput<'Glob'>
        return { summary: `Glob ${glob.pattern}${glob.path ? ` in ${shownPath(ctx, glob.path)}` : ''}` }
      }
      case 'Grep': {
        const grep = tool as ToolInput<'Grep'>
        return { summary: `Grep /${grep.pattern}/${grep.path ? ` in ${shownPath(ctx, grep.path)}` : ''}${grep.glob ? ` (${grep.glob})` : ''}` }
      }
      case 'WebFetch':
        return { summary: `WebFetch ${parseFetchUrl((tool as ToolInput<'WebFetch'>).url).href}` }
      case 'Write': {
        const plan = await planWrite(tool as ToolInput<'Write'>, where)
        const lines = lineCount(plan.after)
        const what = plan.before === null ? 'new file' : plan.beforeBinary ? 'replaces a binary file' : `replaces ${linesLabel(lineCount(plan.before))}`
        const diff = unifiedDiff(plan.before ?? '', plan.after, { oldLabel: plan.before === null ? '/dev/null' : `a/${plan.shown}`, newLabel: `b/${plan.shown}` })
        return { summary: `Write ${plan.shown} (${linesLabel(lines)}, ${what})`, diff }
      }
      case 'Edit': {
        const plan = await planEdit(tool as ToolInput<'Edit'>, where)
        const times = plan.replacements > 1 ? ` (${plan.replacements} replacements)` : ''
        return { summary: `Edit ${plan.shown}${times}`, diff: unifiedDiff(plan.before, plan.after, { oldLabel: `a/${plan.shown}`, newLabel: `b/${plan.shown}` }) }
      }
    }
  } catch (thrown) {
    // The dialog still shows what was asked for, and why it would fail.
    const error = errorOf(thrown)
    const target = 'file_path' in (tool as object) ? shownPath(ctx, (tool as { file_path: string }).file_path) : ''
    return { summary: `${name}${target ? ` ${target}` : ''} (will fail: ${error.message})` }
  }
  return { summary: name }
}
