/**
 * A stand-in for what Windows does with a spawn, so tests on Linux can check what a Windows
 * program really receives, not only which argv we built. It follows the documented rules:
 * libuv builds one command line (quoting each argument for the C runtime unless
 * `windowsVerbatimArguments`); `cmd /s /c` drops the first and last quote of the rest and runs it;
 * cmd expands `%VAR%`, then reads `^` escapes and quotes; a batch file's `%*` is read by cmd once
 * more; the C runtime splits a command line into argv (backslashes count only before a quote).
 */

const CMD_SPECIAL = new Set(['&', '|', '<', '>'])

/** The command line a Windows process gets from Node's spawn. */
export function commandLineOf(file: string, args: string[], verbatim: boolean): string {
  const all = [file, ...args]
  return verbatim ? all.join(' ') : all.map(quoteLikeLibuv).join(' ')
}

function quoteLikeLibuv(arg: string): string {
  if (arg === '') return '""'
  if (!/[\s"]/.test(arg)) return arg
  if (!/["\\]/.test(arg)) return `"${arg}"`
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`
}

/** What `cmd.exe /d /s /c ...` runs, given its whole command line. */
export function commandRunBy(commandLine: string): string {
  const rest = /^(?:"[^"]*"|\S+)\s+\/d\s+\/s\s+\/c\s+(.*)$/is.exec(commandLine)?.[1]
  if (rest === undefined) throw new Error(`not a cmd /d /s /c command line: ${commandLine}`)
  if (!rest.startsWith('"')) return rest
  const last = rest.lastIndexOf('"')
  return rest.slice(1, last) + rest.slice(last + 1)
}

/** cmd's first reading of a command line: `%NAME%` of a defined variable is replaced; others stay. */
export function expandPercent(text: string, env: Record<string, string>): string {
  return text.replace(/%([^%]+)%/g, (whole, name: string) => {
    const key = Object.keys(env).find((candidate) => candidate.toUpperCase() === name.toUpperCase())
    return key === undefined ? whole : env[key]!
  })
}

/**
 * cmd's second reading: `^x` outside quotes is a literal x, quotes toggle quoting and stay. Throws
 * on an unescaped `&`, `|`, `<` or `>` outside quotes: cmd would start another command or redirect.
 * Returns the program (up to the first unquoted, unescaped blank) and the text after it.
 */
export function readByCmd(text: string): { program: string; rest: string } {
  let out = ''
  let quoted = false
  let programEnd = -1
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (char === '"') quoted = !quoted
    else if (!quoted && char === '^') {
      out += text[++i] ?? ''
      continue
    } else if (!quoted && CMD_SPECIAL.has(char)) throw new Error(`cmd would treat "${char}" as syntax in: ${text}`)
    else if (!quoted && /\s/.test(char) && programEnd < 0) programEnd = out.length
    out += char
  }
  return programEnd < 0 ? { program: out, rest: '' } : { program: out.slice(0, programEnd), rest: out.slice(programEnd + 1) }
}

/** How many backslashes start at `at`. */
function backslashesAt(text: string, at: number): number {
  let count = 0
  while (text[at + count] === '\\') count++
  return count
}

/** The C runtime's split of a command line into argv: 2n backslashes and a quote are n and a toggle, 2n+1 are n and a literal quote. */
export function runtimeArgv(commandLine: string): string[] {
  const argv: string[] = []
  let current: string | null = null
  let quoted = false
  for (let i = 0; i < commandLine.length; i++) {
    const char = commandLine[i]!
    const slashes = backslashesAt(commandLine, i)
    if (slashes > 0) {
      const beforeQuote = commandLine[i + slashes] === '"'
      current = (current ?? '') + '\\'.repeat(beforeQuote ? Math.floor(slashes / 2) : slashes)
      if (beforeQuote && slashes % 2 === 1) current += '"'
      else if (beforeQuote) quoted = !quoted
      i += slashes - (beforeQuote ? 0 : 1)
    } else if (char === '"') {
      quoted = !quoted
      current ??= ''
    } else if (/\s/.test(char) && !quoted) {
      if (current !== null) argv.push(current)
      current = null
    } else current = (current ?? '') + char
  }
  if (current !== null) argv.push(current)
  return argv
}

/**
 * The argv a program gets when `cmd /d /s /c` runs it: `viaBatch` when cmd starts a batch file
 * that passes its arguments on with `%*` (npx.cmd does), so cmd reads them a second time.
 */
export function argvThroughCmd(commandLine: string, env: Record<string, string>, viaBatch: boolean): { program: string; argv: string[] } {
  const first = readByCmd(expandPercent(commandRunBy(commandLine), env))
  const passed = viaBatch ? readByCmd(`x ${first.rest}`).rest : first.rest
  return { program: first.program.replace(/"/g, ''), argv: runtimeArgv(passed) }
}
