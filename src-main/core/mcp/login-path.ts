import { execFile } from 'node:child_process'
import path from 'node:path'

/** Runs the login shell and returns its stdout; rejects on failure or timeout. */
export type ShellRunner = (shell: string, args: string[], timeoutMs: number) => Promise<string>

export const LOGIN_SHELL_TIMEOUT_MS = 3000
const MARK = '__PATH__'

const execRunner: ShellRunner = (shell, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(shell, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, windowsHide: true }, (error, stdout) => {
      if (error) reject(error)
      else resolve(stdout)
    })
  })

// One answer per runner: the default runner asks the shell once per app run.
const cache = new WeakMap<ShellRunner, Map<string, Promise<string>>>()

function mergePaths(first: string, second: string | undefined, delimiter: string): string {
  const seen = new Set<string>()
  const parts: string[] = []
  for (const part of [...first.split(delimiter), ...(second ?? '').split(delimiter)]) {
    if (part === '' || seen.has(part)) continue
    seen.add(part)
    parts.push(part)
  }
  return parts.join(delimiter)
}

/**
 * The PATH a terminal would have. An app started from the Dock or a desktop launcher inherits a
 * bare PATH without nvm, homebrew or ~/.local/bin, so `npx` and `uvx` would not be found. The
 * login shell's PATH comes first; the current one fills in; on any failure the current PATH stays.
 */
export function loginShellPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, run: ShellRunner = execRunner): Promise<string> {
  const current = env.PATH ?? env.Path ?? ''
  if (platform === 'win32') return Promise.resolve(current)
  const shell = env.SHELL && env.SHELL.trim() !== '' ? env.SHELL : platform === 'darwin' ? '/bin/zsh' : '/bin/sh'
  let perRunner = cache.get(run)
  if (!perRunner) cache.set(run, (perRunner = new Map()))
  const key = `${shell}\0${current}`
  const known = perRunner.get(key)
  if (known) return known
  const answer = run(shell, ['-ilc', `printf '%s%s%s' '${MARK}' "$PATH" '${MARK}'`], LOGIN_SHELL_TIMEOUT_MS).then(
    (stdout) => {
      // Shell start-up files may print banners; only the marked part counts.
      const match = new RegExp(`${MARK}(.*?)${MARK}`, 's').exec(stdout)
      const found = match?.[1]?.trim()
      return found ? mergePaths(found, current, path.posix.delimiter) : current
    },
    () => current,
  )
  perRunner.set(key, answer)
  return answer
}
