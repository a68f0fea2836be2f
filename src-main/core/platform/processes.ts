import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import fs from 'node:fs'
import { pathFlavour, type PathFlavour } from './flavour'

/** `child_process.spawn`'s shape: the one way the core starts a process, so tests can record the calls. */
export type Spawn = (file: string, args: string[], options: SpawnOptions) => ChildProcess
/** `process.kill`'s shape: throws an error with `code` ESRCH when the process is gone. */
export type Kill = (pid: number, signal: NodeJS.Signals) => void

export interface PlatformTimers {
  setTimeout: (run: () => void, ms: number) => unknown
  clearTimeout: (timer: unknown) => void
}

/**
 * Everything platform-specific about starting and stopping processes, as one input: hooks, the
 * Bash tool and MCP's stdio servers take it, so their Windows and macOS behaviour is tested on
 * Linux with a recording `spawn` and `kill`, and escalations with a hand-driven clock.
 */
export interface ProcessPlatform {
  platform: NodeJS.Platform
  flavour: PathFlavour
  /** Where `ComSpec`, `SystemRoot`, `PATH` and `PATHEXT` come from. */
  env: Record<string, string | undefined>
  spawn: Spawn
  kill: Kill
  /** True for an existing regular file: how a Windows command is found along PATH. */
  isFile: (file: string) => boolean
  timers: PlatformTimers
}

const realIsFile = (file: string): boolean => {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

const realTimers: PlatformTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
}

/** The platform this process runs on, with the real spawn, kill, file system and clock, or some of them replaced. */
export function processPlatform(overrides: Partial<ProcessPlatform> = {}): ProcessPlatform {
  const platform = overrides.platform ?? process.platform
  return {
    platform,
    flavour: pathFlavour(platform),
    env: process.env,
    spawn: nodeSpawn,
    kill: (pid, signal) => void process.kill(pid, signal),
    isFile: realIsFile,
    timers: realTimers,
    ...overrides,
  }
}

/** A program, its arguments and the spawn options its platform needs to get them unchanged. */
export interface Invocation {
  file: string
  args: string[]
  options: Pick<SpawnOptions, 'detached' | 'windowsHide' | 'windowsVerbatimArguments'>
}

/** `cmd.exe` as Windows names it (`ComSpec`), not whatever `cmd` comes first on PATH. */
export function commandInterpreter(env: Record<string, string | undefined>): string {
  return env.ComSpec ?? env.COMSPEC ?? 'cmd.exe'
}

/**
 * A shell command line as the user wrote it. On Windows through `cmd.exe /d /s /c "<command>"`
 * verbatim: `/s` makes cmd drop exactly the outer quotes and run the rest unchanged (quotes, `&`,
 * `%VAR%` as typed), `/d` skips AutoRun macros. Elsewhere through `posix` (default `/bin/sh -c`) in
 * its own process group, so stopping it stops everything it started.
 */
export function shellInvocation(pp: ProcessPlatform, command: string, posix: { file: string; args: string[] } = { file: '/bin/sh', args: ['-c', command] }): Invocation {
  if (pp.platform === 'win32') {
    return { file: commandInterpreter(pp.env), args: ['/d', '/s', '/c', `"${command}"`], options: { windowsVerbatimArguments: true, windowsHide: true } }
  }
  return { ...posix, options: { detached: true } }
}

/** What became of a signal: delivered, the process was already gone, or the system refused it. */
export type KillOutcome = 'signalled' | 'gone' | 'refused'

function taskkill(pp: ProcessPlatform): string {
  const root = pp.env.SystemRoot ?? pp.env.SYSTEMROOT
  return root ? pp.flavour.path.join(root, 'System32', 'taskkill.exe') : 'taskkill.exe'
}

/**
 * Signals a process and every process it started. Windows has no process groups: `taskkill /pid N
 * /T /F` ends the tree (a console program ignores anything gentler, so there is no SIGTERM there).
 * Elsewhere the signal goes to the process group `-pid` (the child was spawned detached). A process
 * that already exited is not an error.
 */
export function killTree(pp: ProcessPlatform, pid: number, signal: NodeJS.Signals): KillOutcome {
  if (pp.platform === 'win32') {
    const child = pp.spawn(taskkill(pp), ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true })
    child.on('error', () => undefined)
    return 'signalled'
  }
  try {
    pp.kill(-pid, signal)
    return 'signalled'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'refused'
  }
}

/**
 * Stops a process tree: SIGTERM, then SIGKILL after `graceMs` if the group is still there (Windows:
 * `taskkill /F` at once). Returns a function that calls off the SIGKILL (the process exited).
 */
export function stopTree(pp: ProcessPlatform, pid: number, graceMs: number): () => void {
  if (pp.platform === 'win32') {
    killTree(pp, pid, 'SIGKILL')
    return () => undefined
  }
  if (killTree(pp, pid, 'SIGTERM') === 'gone') return () => undefined
  const timer = pp.timers.setTimeout(() => killTree(pp, pid, 'SIGKILL'), graceMs)
  return () => pp.timers.clearTimeout(timer)
}
