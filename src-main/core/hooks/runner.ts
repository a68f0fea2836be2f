import fs from 'node:fs'
import type { HookCommand, HookEvent } from '../../../src-shared/contract'
import { killTree, processPlatform, shellInvocation, stopTree, type ProcessPlatform } from '../platform'
import { failedVerdict, interpretHookOutput, type HookRunResult } from './outcome'

/** What every hook gets on stdin: Claude Code's common fields plus the event's own. */
export type HookPayload = { hook_event_name: HookEvent } & Record<string, unknown>

export interface RunHookOptions {
  cwd: string
  env: Record<string, string | undefined>
  /** Exposed as CLAUDE_PROJECT_DIR and friends; cwd when null. */
  projectDir: string | null
  defaultTimeoutSec: number
  /** Per stream; the rest is read and dropped so the script never blocks on a full pipe. */
  maxOutputBytes: number
  signal?: AbortSignal
  now: () => number
  /** How processes start and stop here: this machine's when omitted; tests give Windows' or macOS's with recorded calls. */
  processes?: ProcessPlatform
}

export type RunHookCommand = (command: HookCommand, payload: HookPayload, opts: RunHookOptions) => Promise<HookRunResult>

const TRUNCATED = '\n[truncated]'
/** After the shell exits, how long a backgrounded grandchild may keep our pipes open before we stop reading. */
const PIPE_GRACE_MS = 250
/** Between SIGTERM and SIGKILL when a hook times out or is cancelled. */
export const HOOK_KILL_GRACE_MS = 1000
const HOST = processPlatform()

/** The variables Claude Code, ollama-cli and qarin hooks look for, so their scripts run unchanged. */
export function hookEnvironment(env: Record<string, string | undefined>, projectDir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value
  for (const key of ['CLAUDE_PROJECT_DIR', 'OLLAMA_DESK_PROJECT_DIR', 'OLLAMA_PROJECT_DIR', 'QARIN_PROJECT_DIR']) out[key] = projectDir
  return out
}

/** Keeps the first `limit` bytes of a stream and counts the rest. */
class CappedBuffer {
  private chunks: Buffer[] = []
  private kept = 0
  truncated = false

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept
    if (room <= 0) {
      this.truncated ||= chunk.length > 0
      return
    }
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk
    if (piece.length < chunk.length) this.truncated = true
    this.chunks.push(piece)
    this.kept += piece.length
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8')
    return this.truncated ? `${text}${TRUNCATED}` : text
  }
}

interface RawResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  spawnError: string | null
  stdout: string
  stderr: string
}

function execute(command: HookCommand, payload: HookPayload, opts: RunHookOptions, timeoutSec: number): Promise<RawResult> {
  const env = hookEnvironment(opts.env, opts.projectDir ?? opts.cwd)
  const pp = opts.processes ?? HOST
  const timers = pp.timers
  return new Promise((resolve) => {
    const stdout = new CappedBuffer(opts.maxOutputBytes)
    const stderr = new CappedBuffer(opts.maxOutputBytes)
    let timedOut = false
    let cancelled = false
    let spawnError: string | null = null
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null
    let settled = false
    let graceTimer: unknown
    let callOffKill = (): void => undefined

    const shell = shellInvocation(pp, command.command)
    const child = pp.spawn(shell.file, shell.args, { cwd: opts.cwd, env, ...shell.options })
    const kill = (): void => {
      if (child.pid !== undefined && exit === null) callOffKill = stopTree(pp, child.pid, HOOK_KILL_GRACE_MS)
    }
    const timer = timers.setTimeout(() => {
      timedOut = true
      kill()
    }, timeoutSec * 1000)
    const onAbort = (): void => {
      cancelled = true
      kill()
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.signal?.aborted) onAbort()

    const finish = (): void => {
      if (settled) return
      settled = true
      timers.clearTimeout(timer)
      timers.clearTimeout(graceTimer)
      callOffKill()
      opts.signal?.removeEventListener('abort', onAbort)
      // After a timeout or cancel the group is killed outright, stragglers included (taskkill /T already took the whole tree).
      if ((timedOut || cancelled) && child.pid !== undefined && pp.platform !== 'win32') killTree(pp, child.pid, 'SIGKILL')
      child.stdout?.destroy()
      child.stderr?.destroy()
      resolve({ exitCode: exit?.code ?? null, signal: exit?.signal ?? null, timedOut, cancelled, spawnError, stdout: stdout.text(), stderr: stderr.text() })
    }

    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', (error) => {
      spawnError = fs.existsSync(opts.cwd) ? error.message : `the working folder ${opts.cwd} does not exist`
      finish()
    })
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      graceTimer = timers.setTimeout(finish, PIPE_GRACE_MS)
    })
    child.on('close', finish)

    // Scripts that never read stdin close it early; that EPIPE is not the hook's failure.
    child.stdin?.on('error', () => {})
    child.stdin?.end(JSON.stringify(payload))
  })
}

function firstLines(text: string, max = 3): string {
  return text.trim().split('\n').slice(0, max).join('\n')
}

/** Why a command that did not finish normally failed, in words for the user; null when it exited by itself. */
function failureOf(raw: RawResult, timeoutSec: number): string | null {
  if (raw.spawnError !== null) return `could not start: ${raw.spawnError}`
  if (raw.timedOut) return `timed out after ${timeoutSec} s`
  if (raw.cancelled) return 'cancelled'
  if (raw.exitCode === null) return `killed by signal ${raw.signal ?? 'unknown'}`
  const detail = firstLines(raw.stderr)
  const suffix = detail ? `: ${detail}` : ''
  if (raw.exitCode === 127) return `could not start: command or interpreter not found (exit 127)${suffix}`
  if (raw.exitCode === 126) return `could not start: not executable (exit 126)${suffix}`
  return null
}

/**
 * Runs one hook command through the user's shell, exactly as Claude Code does: the payload as JSON
 * on stdin, exit 0 = success (stdout may be JSON), exit 2 = block with stderr as the reason, any
 * other exit = a non-blocking error. Never throws; every failure is described in the result.
 */
export const runHookCommand: RunHookCommand = async (command, payload, opts) => {
  const timeoutSec = command.timeout ?? opts.defaultTimeoutSec
  const at = opts.now()
  const raw = await execute(command, payload, opts, timeoutSec)
  const durationMs = Math.max(0, opts.now() - at)
  const base = {
    at,
    event: payload.hook_event_name,
    command: command.command,
    durationMs,
    exitCode: raw.exitCode,
    timedOut: raw.timedOut,
    stdout: raw.stdout,
    stderr: raw.stderr,
  }
  const failure = failureOf(raw, timeoutSec)
  if (failure !== null) return { ...base, ...failedVerdict(failure) }
  return { ...base, ...interpretHookOutput(payload.hook_event_name, raw.exitCode ?? 0, raw.stdout, raw.stderr, command.command) }
}
