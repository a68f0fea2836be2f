import type { ShellConfinement } from './confine'
import { z } from 'zod'
import type { BuiltinTool } from '../../../src-shared/contract/agent'
import type { ErrorCode } from '../../../src-shared/contract'
import { AppError } from '../errors'
import type { ToolSpec } from '../providers'

/** Input shapes are Claude Code's, field for field, so hook scripts reading `tool_input` work unchanged. */

export const BASH_DEFAULT_TIMEOUT_MS = 120_000
export const BASH_MAX_TIMEOUT_MS = 600_000
export const READ_DEFAULT_LIMIT = 2000
export const DEFAULT_OUTPUT_CAP = 30_000

const FilePath = z.string().min(1, 'file_path is empty').max(4096)

export const toolInputSchemas = {
  Read: z.object({
    file_path: FilePath.describe('The path of the file to read (absolute, or relative to the working directory).'),
    offset: z.number().int().min(1).max(100_000_000).optional().describe('The line number to start reading from (1-based). Only give it for files too large to read at once.'),
    limit: z.number().int().min(1).max(100_000).optional().describe(`How many lines to read (default ${READ_DEFAULT_LIMIT}).`),
  }),
  Write: z.object({
    file_path: FilePath.describe('The path of the file to write (absolute, or relative to the working directory).'),
    content: z.string().max(10_000_000).describe('The full content to write to the file.'),
  }),
  Edit: z.object({
    file_path: FilePath.describe('The path of the file to modify.'),
    old_string: z.string().max(10_000_000).describe('The exact text to replace (including whitespace and indentation).'),
    new_string: z.string().max(10_000_000).describe('The text to replace it with (must differ from old_string).'),
    replace_all: z.boolean().optional().describe('Replace every occurrence of old_string (default false).'),
  }),
  Glob: z.object({
    pattern: z.string().min(1, 'pattern is empty').max(1000).describe('The glob pattern to match files against, e.g. "**/*.ts" or "src/**/*.{ts,tsx}".'),
    path: z.string().min(1).max(4096).optional().describe('The folder to search in (default: the working directory).'),
  }),
  Grep: z.object({
    pattern: z.string().min(1, 'pattern is empty').max(1000).describe('The regular expression to search for (JavaScript RegExp syntax).'),
    path: z.string().min(1).max(4096).optional().describe('The file or folder to search in (default: the working directory).'),
    glob: z.string().min(1).max(1000).optional().describe('Only search files matching this glob, e.g. "*.js" or "src/**/*.{ts,tsx}".'),
    '-i': z.boolean().optional().describe('Case-insensitive search.'),
  }),
  Bash: z.object({
    command: z.string().min(1, 'command is empty').max(100_000).describe('The shell command to run.'),
    timeout: z.number().int().min(1).max(BASH_MAX_TIMEOUT_MS).optional().describe(`Timeout in milliseconds (default ${BASH_DEFAULT_TIMEOUT_MS}, max ${BASH_MAX_TIMEOUT_MS}).`),
    description: z.string().max(1000).optional().describe('A short description of what the command does.'),
  }),
  WebFetch: z.object({
    url: z.string().min(1).max(8192).describe('The http(s) URL to fetch.'),
    prompt: z.string().max(20_000).describe('What to extract from or do with the fetched content.'),
  }),
} satisfies Record<BuiltinTool, z.ZodType>

export type ToolInput<T extends BuiltinTool> = z.output<(typeof toolInputSchemas)[T]>

/** A failure the model should read and act on (missing file, ambiguous edit, HTTP error…). */
export class ToolFailedError extends AppError {
  constructor(message: string, code: ErrorCode = 'E_IO', hint?: string) {
    super(code, message, { hint })
  }
}

/** Where and how a tool runs. */
export interface ToolContext {
  /** Workspace folders; every path must resolve inside one of them. */
  roots: string[]
  /** Working directory for relative paths and Bash. */
  cwd: string
  signal: AbortSignal
  /** WebFetch goes through this (the app routes it through the proxy setting). */
  fetch?: typeof fetch
  /** Characters of output returned to the model (default 30,000). */
  outputCap?: number
  /** WebFetch body size cap in bytes (default 5 MB). */
  maxFetchBytes?: number
  /** Where Bash runs (see confine.ts); unconfined when absent. */
  confinement?: ShellConfinement
}

const descriptions: Record<BuiltinTool, string> = {
  Read:
    `Reads a file from the workspace. Returns numbered lines (like cat -n), up to ${READ_DEFAULT_LIMIT} lines from the start unless offset/limit say otherwise; ` +
    'lines longer than 2000 characters are cut. Binary files are refused. Read a file before editing it.',
  Write:
    'Writes a file in the workspace, creating parent folders and replacing any existing content. ' +
    'Prefer Edit for changing part of an existing file.',
  Edit:
    'Replaces exact text in a file. old_string must match the file exactly (whitespace included) and appear exactly once, ' +
    'unless replace_all is true. Give enough surrounding context to make it unique.',
  Glob: 'Finds files whose path matches a glob pattern (e.g. "**/*.ts"), newest first. Skips .git and node_modules unless the pattern names them.',
  Grep:
    'Searches file contents with a regular expression (JavaScript syntax). Returns "file:line:text" for each matching line. ' +
    'Skips node_modules, .git and binary files. Narrow with path and glob.',
  Bash:
    `Runs a shell command in the working directory and returns its combined stdout and stderr and the exit code. ` +
    `Times out after ${BASH_DEFAULT_TIMEOUT_MS / 1000} s by default (timeout in ms, max ${BASH_MAX_TIMEOUT_MS / 1000} s); the whole process tree is killed then. ` +
    'Commands do not read from stdin.',
  WebFetch:
    'Fetches an http(s) URL and returns its content as readable text (HTML is converted), together with your prompt, ' +
    'which you then apply to the content yourself.',
}

export function toolDescription(name: BuiltinTool): string {
  return descriptions[name]
}

/** JSON Schemas for the model, generated from the same zod schemas the inputs are checked with. */
export function builtinToolSpecs(): ToolSpec[] {
  return (Object.keys(toolInputSchemas) as BuiltinTool[]).map((name) => {
    const schema = z.toJSONSchema(toolInputSchemas[name], { io: 'input' }) as Record<string, unknown>
    delete schema.$schema
    return { name, description: descriptions[name], parameters: schema }
  })
}
