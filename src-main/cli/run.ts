import { completionCommand } from './completion'
import { UsageError, commandHelp, parseCommandArgs, type Command, type Io } from './command'
import { doctorCommand } from './doctor'
import { hooksCommand, skillsCommand } from './agent'
import { mcpCommand } from './mcp'
import { rdmaCommand } from './rdma'
import { kbCommand } from './kb'
import { clusterCommand } from './cluster'
import { chatCommand, providersCommand } from './chat'
import { modelsCommand } from './models'
import { ollamaCommand } from './ollama'
import { serveCommand } from './serve'
import { sessionsCommand } from './sessions'
import { APP_VERSION } from '../core/app/version'
import { mainHelp } from './fast'

export { mainHelp }

/** Subcommands; later features add theirs here. */
export const commands: Command[] = [serveCommand, chatCommand, providersCommand, hooksCommand, skillsCommand, mcpCommand, rdmaCommand, clusterCommand, doctorCommand, sessionsCommand, modelsCommand, ollamaCommand, kbCommand]
commands.push(completionCommand(() => commands))

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(mainHelp())
    return first === undefined ? 2 : 0
  }
  if (first === '--version' || first === '-v') {
    io.out(`${APP_VERSION}\n`)
    return 0
  }
  const command = commands.find((candidate) => candidate.name === first)
  if (!command) {
    io.err(`error: unknown command "${first}". Commands: ${commands.map((c) => c.name).join(', ')}.\n`)
    return 2
  }
  try {
    const args = parseCommandArgs(command, rest)
    if (args.values.help) {
      io.out(commandHelp(command))
      return 0
    }
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n`)
      return 2
    }
    const appError = error as { message?: string; hint?: string }
    io.err(`error: ${appError.message ?? String(error)}\n${appError.hint ? `hint: ${appError.hint}\n` : ''}`)
    return 1
  }
}
