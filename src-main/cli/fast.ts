import { APP_VERSION } from '../core/app/version'
import { commandHelp, type CommandSpec, type Io } from './command'
import { completionScript } from './completion'
import { commandSpecs } from './specs'

/** The commands in the order help and completion list them (run.ts builds its table in the same order). */
export const commandOrder: readonly CommandSpec[] = [
  commandSpecs.serve,
  commandSpecs.chat,
  commandSpecs.providers,
  commandSpecs.hooks,
  commandSpecs.skills,
  commandSpecs.mcp,
  commandSpecs.rdma,
  commandSpecs.cluster,
  commandSpecs.doctor,
  commandSpecs.sessions,
  commandSpecs.models,
  commandSpecs.ollama,
  commandSpecs.kb,
  commandSpecs.completion,
]

export function mainHelp(): string {
  const width = Math.max(...commandOrder.map((command) => command.name.length)) + 2
  return `Ollama Desk ${APP_VERSION}: local and cloud LLMs, from the desktop, a browser or the terminal.

Usage: ollama-desk <command> [options]

Commands:
${commandOrder.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n')}

Options:
  --version   Print the version
  --help      Show help (also: ollama-desk <command> --help)
`
}

/**
 * The answers that need no core: help (`ollama-desk`, `--help`, `<command> --help`), `--version`
 * and `completion <shell>`, from the command specs alone, so they load none of the app (no SDK,
 * no database, no schema library). Undefined for everything else: the full CLI takes it.
 */
export function runFast(argv: readonly string[], io: Pick<Io, 'out'>): number | undefined {
  const [first, second, ...rest] = argv
  if (first === undefined || ((first === '--help' || first === '-h' || first === 'help') && second === undefined)) {
    io.out(mainHelp())
    return first === undefined ? 2 : 0
  }
  if ((first === '--version' || first === '-v') && second === undefined) {
    io.out(`${APP_VERSION}\n`)
    return 0
  }
  if (rest.length > 0) return undefined
  const command = commandOrder.find((candidate) => candidate.name === first)
  if (command && second === '--help') {
    io.out(commandHelp(command))
    return 0
  }
  if (command === commandSpecs.completion && (second === 'bash' || second === 'zsh' || second === 'fish')) {
    io.out(completionScript(second, commandOrder))
    return 0
  }
  return undefined
}
