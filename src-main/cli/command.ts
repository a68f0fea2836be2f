import { parseArgs } from 'node:util'

export interface OptionSpec {
  name: string
  type: 'string' | 'boolean'
  /** One-letter alias, e.g. `m` for `-m`. */
  short?: string
  summary: string
  /** Shell completion hint for the value. */
  values?: 'dir' | readonly string[]
}

export interface Io {
  out(text: string): void
  err(text: string): void
  env: Record<string, string | undefined>
  /** Resolves when the user asks the process to stop (Ctrl+C, SIGTERM). */
  untilStopped(): Promise<void>
  /** stdout is an interactive terminal that can redraw a line (a TTY, and TERM is not `dumb`). */
  terminal?: boolean
  /** stdin is an interactive terminal too: the terminal chat can take keys. */
  interactive?: boolean
  /** The terminal's width, when it has one. */
  columns?: number
  /** Piped standard input as text; null when stdin is a terminal (nothing piped). */
  readStdin?(): Promise<string | null>
}

export interface Command {
  name: string
  summary: string
  usage: string
  options: OptionSpec[]
  positionals?: readonly string[]
  run(args: ParsedArgs, io: Io): Promise<number>
}

/** A command without its `run`: all that help and completion need. */
export type CommandSpec = Pick<Command, 'name' | 'summary' | 'usage' | 'options'>

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

export const globalOptions: OptionSpec[] = [
  { name: 'data-dir', type: 'string', summary: 'Use this data folder instead of the default', values: 'dir' },
  { name: 'verbose', type: 'boolean', summary: 'Also print log lines to stderr' },
  { name: 'help', type: 'boolean', summary: 'Show help' },
]

export class UsageError extends Error {}

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options = Object.fromEntries(
    [...globalOptions, ...command.options].map((option) => [option.name, { type: option.type, ...(option.short ? { short: option.short } : {}) }]),
  )
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true, allowNegative: true })
    return { values: values as ParsedArgs['values'], positionals }
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see \`ollama-desk ${command.name} --help\`)`)
  }
}

export function commandHelp(command: CommandSpec): string {
  const width = Math.max(...[...command.options, ...globalOptions].map((option) => option.name.length)) + 4
  const lines = [...command.options, ...globalOptions].map(
    (option) => `  ${option.short ? `-${option.short}, ` : '    '}--${option.name.padEnd(width)}${option.summary}`,
  )
  return `${command.summary}\n\nUsage: ollama-desk ${command.usage}\n\nOptions:\n${lines.join('\n')}\n`
}
