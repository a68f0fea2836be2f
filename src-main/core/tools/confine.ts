import { spawnSync } from 'node:child_process'
import path from 'node:path'

/**
 * Where the Bash tool's commands run. The file tools check every path themselves; a shell cannot
 * be checked command by command, so on Linux it runs inside bubblewrap (the workspace writable,
 * the rest of the file system read-only, the home folder, /tmp and the data folder with its
 * secrets hidden) and on macOS inside a sandbox-exec profile saying the same. Where neither is
 * available (Windows, or bwrap missing) it runs with the user's full rights, and the approval
 * dialog says so. Hooks are the user's own configuration and are not confined (as in Claude Code).
 */
export interface ShellConfinement {
  kind: 'bwrap' | 'sandbox-exec' | 'none'
  /** For the approval dialog: what this command may touch. */
  describe: string
  wrap(command: { file: string; args: string[] }, where: { roots: string[]; cwd: string }): { file: string; args: string[] }
}

export interface ConfinementOptions {
  platform: NodeJS.Platform
  /** The app's data folder: history, settings and secrets; never visible to a command. */
  dataDir: string
  home: string
  /** Whether bubblewrap runs here (a probe by default; containers may forbid its namespaces). */
  bwrapWorks?: () => boolean
}

const UNCONFINED: ShellConfinement = {
  kind: 'none',
  describe: 'No sandbox is available on this system: the command runs with your full rights, like in your own terminal.',
  wrap: (command) => command,
}

/** Bubblewrap's arguments: mounts apply in order, so what is hidden first is re-exposed by the workspace binds after it. */
export function bwrapArgs(command: { file: string; args: string[] }, where: { roots: string[]; cwd: string }, hide: { home: string; dataDir: string }): string[] {
  const hidden = [hide.home, hide.dataDir].filter((dir) => dir !== '' && path.resolve(dir) !== '/')
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    ...hidden.flatMap((dir) => ['--tmpfs', path.resolve(dir)]),
    ...where.roots.flatMap((root) => ['--bind', root, root]),
    '--chdir', where.cwd,
    // Its own process tree, gone with bwrap: killing the tool's process group ends everything inside.
    '--unshare-pid', '--die-with-parent',
    // No TIOCSTI into the app's terminal.
    '--new-session',
    '--', command.file, ...command.args,
  ]
}

const quoteSb = (value: string): string => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`

/** A sandbox-exec (Seatbelt) profile with the same rules as the bubblewrap mounts. */
export function seatbeltProfile(where: { roots: string[] }, hide: { home: string; dataDir: string }): string {
  const roots = where.roots.map((root) => `(subpath ${quoteSb(root)})`).join(' ')
  return [
    '(version 1)',
    '(allow default)',
    '(deny file-write*)',
    `(allow file-write* ${roots} (subpath "/private/tmp") (subpath "/private/var/folders") (literal "/dev/null") (literal "/dev/tty"))`,
    `(deny file-read* (subpath ${quoteSb(hide.home)}))`,
    `(allow file-read* ${roots})`,
    `(deny file-read* file-write* (subpath ${quoteSb(hide.dataDir)}))`,
  ].join('\n')
}

let bwrapProbe: boolean | undefined
/** True when bubblewrap is installed and allowed to make its namespaces here; asked once. */
export function bwrapRuns(): boolean {
  bwrapProbe ??= spawnSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0
  return bwrapProbe
}

export function shellConfinement(options: ConfinementOptions): ShellConfinement {
  const hide = { home: options.home, dataDir: options.dataDir }
  if (options.platform === 'linux' && (options.bwrapWorks ?? bwrapRuns)()) {
    return {
      kind: 'bwrap',
      describe: 'Runs in a sandbox: it can change files only in the workspace; your home folder, /tmp and Ollama Desk’s data are hidden from it.',
      wrap: (command, where) => ({ file: 'bwrap', args: bwrapArgs(command, where, hide) }),
    }
  }
  if (options.platform === 'darwin') {
    return {
      kind: 'sandbox-exec',
      describe: 'Runs in a sandbox: it can change files only in the workspace; your home folder and Ollama Desk’s data are hidden from it.',
      wrap: (command, where) => ({ file: '/usr/bin/sandbox-exec', args: ['-p', seatbeltProfile(where, hide), command.file, ...command.args] }),
    }
  }
  return UNCONFINED
}
