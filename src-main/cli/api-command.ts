import type { Result } from '../../src-shared/contract'
import { createLocalClient } from '../core/rpc'
import type { Command, Io, ParsedArgs } from './command'
import { openCore } from './runtime'

/** The typed contract client CLI commands use: the same validation and errors as the app's windows. */
export type CliApi = ReturnType<typeof createLocalClient>
export type ApiSubcommand = (api: CliApi, args: ParsedArgs, io: Io) => Promise<number>

/** The value of a result, or undefined after printing its message and hint the way every command does. */
export function unwrap<T>(result: Result<T>, io: Io): T | undefined {
  if (result.ok) return result.value
  io.err(`error: ${result.error.message}\n${result.error.hint ? `hint: ${result.error.hint}\n` : ''}`)
  return undefined
}

/** Prints `value` as indented JSON, the `--json` output of every subcommand; returns exit code 0. */
export function printJson(io: Io, value: unknown): number {
  io.out(`${JSON.stringify(value, null, 2)}\n`)
  return 0
}

/** The subcommand's argument (`<name>` in `mcp remove <name>`), or undefined after printing `error: <missing>`. */
export function subcommandArgument(positionals: string[], io: Io, missing: string): string | undefined {
  const value = positionals[1]
  if (!value) io.err(`error: ${missing}\n`)
  return value
}

/** A command made of API subcommands, `ollama-desk <name> <sub> …`: one per key of `subcommands`. */
export function apiCommand({ subcommands, ...command }: Omit<Command, 'positionals' | 'run'> & { subcommands: Record<string, ApiSubcommand> }): Command {
  return { ...command, positionals: Object.keys(subcommands), run: runApiSubcommand(command.name, subcommands) }
}

/** `ollama-desk <command> <sub> …`: picks the subcommand, opens the core for it, always closes it. */
function runApiSubcommand(command: string, subcommands: Record<string, ApiSubcommand>): Command['run'] {
  return async (args, io) => {
    const sub = subcommands[args.positionals[0] ?? '']
    if (!sub) {
      io.err(`error: say what to do: ${Object.keys(subcommands).join(', ')} (see \`ollama-desk ${command} --help\`)\n`)
      return 2
    }
    const core = openCore(args.values, io.env)
    try {
      return await sub(createLocalClient(core.dispatcher, 'cli'), args, io)
    } finally {
      await core.close()
    }
  }
}
