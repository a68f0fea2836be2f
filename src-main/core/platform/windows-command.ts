import { commandInterpreter, type Invocation, type ProcessPlatform } from './processes'

/** What cmd.exe reads as syntax, escaped with `^` the way cross-spawn does (after https://qntm.org/cmd). */
const CMD_META = /([()\][%!^"`<>&|;, *?])/g
const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD'

/** One argument quoted for the C runtime's parser: backslashes before a quote doubled, the quote escaped. */
function quoteForRuntime(arg: string): string {
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1')}"`
}

const caret = (text: string): string => text.replace(CMD_META, '^$1')

function valueOf(env: Record<string, string | undefined>, name: string): string | undefined {
  const key = Object.keys(env).find((candidate) => candidate.toUpperCase() === name)
  return key === undefined ? undefined : env[key]
}

/**
 * The file Windows would run for `command`: as given when it names a folder, else the first match
 * along PATH, trying each PATHEXT extension unless it has one. Names match whatever their case.
 */
export function findWindowsCommand(pp: ProcessPlatform, command: string, env: Record<string, string | undefined>): string | undefined {
  const p = pp.flavour.path
  const extensions = (valueOf(env, 'PATHEXT') ?? DEFAULT_PATHEXT).split(';').filter(Boolean)
  const lower = command.toLowerCase()
  const names = extensions.some((ext) => lower.endsWith(ext.toLowerCase())) ? [command] : extensions.map((ext) => `${command}${ext.toLowerCase()}`)
  const folders = /[\\/]/.test(command) ? [''] : (valueOf(env, 'PATH') ?? '').split(';').filter(Boolean)
  const candidates = folders.flatMap((folder) => names.map((name) => (folder === '' ? name : p.join(folder, name))))
  return candidates.find((file) => pp.isFile(file))
}

/**
 * How to start `command` with `args` on Windows so the program receives exactly `args`. An `.exe`
 * starts directly (Node quotes its arguments for the C runtime). Anything else (`npx` is
 * `npx.cmd`, a batch file Windows cannot start without cmd.exe) goes through `cmd.exe /d /s /c`
 * with every argument quoted and cmd's syntax characters escaped; escaped twice for a batch file,
 * because cmd reads the arguments again when the batch file passes them on with `%*`. A command not
 * found along PATH is left to cmd, which says so.
 */
export function windowsProgram(pp: ProcessPlatform, command: string, args: string[], env: Record<string, string | undefined>): Invocation {
  const found = findWindowsCommand(pp, command, env)
  if (found !== undefined && /\.(exe|com)$/i.test(found)) return { file: found, args, options: { windowsHide: true } }
  const batch = found !== undefined && /\.(cmd|bat)$/i.test(found)
  const escape = (arg: string): string => (batch ? caret(caret(quoteForRuntime(arg))) : caret(quoteForRuntime(arg)))
  const line = [caret(found ?? command), ...args.map(escape)].join(' ')
  return { file: commandInterpreter(env), args: ['/d', '/s', '/c', `"${line}"`], options: { windowsVerbatimArguments: true, windowsHide: true } }
}
