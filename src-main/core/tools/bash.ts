import fs from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { killTree, processPlatform, shellInvocation, stopTree, type Invocation, type ProcessPlatform } from '../platform'
import { resolveInside } from './sandbox'
import { BASH_DEFAULT_TIMEOUT_MS, DEFAULT_OUTPUT_CAP, type ToolContext, type ToolInput } from './specs'

export interface BashResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  output: string
}

/** After the shell exits, how long to wait for output still in the pipes (a background child may hold them open). */
const DRAIN_MS = 200
/** Between SIGTERM and SIGKILL on timeout. */
const KILL_GRACE_MS = 1000

const HOST = processPlatform()

/** The shell for a command: cmd.exe on Windows; elsewhere bash (else sh) with one pipe for both streams, which keeps their order. */
export function bashInvocation(pp: ProcessPlatform, command: string, hasBash = fs.existsSync('/bin/bash')): Invocation {
  // The shell's own parse errors still arrive on stderr.
  return shellInvocation(pp, command, { file: hasBash ? '/bin/bash' : '/bin/sh', args: ['-c', `exec 2>&1; ${command}`] })
}

/** Collects stdout and stderr in arrival order up to `cap` characters. */
class CappedOutput {
  private text = ''
  private dropped = 0
  constructor(private readonly cap: number) {}
  push(chunk: string): void {
    const room = this.cap - this.text.length
    if (room >= chunk.length) this.text += chunk
    else {
      if (room > 0) this.text += chunk.slice(0, room)
      this.dropped += chunk.length - Math.max(room, 0)
    }
  }
  toString(): string {
    return this.dropped > 0 ? `${this.text}\n[output truncated: ${this.dropped} more characters]` : this.text
  }
}

export async function runShell(
  command: string,
  options: {
    cwd: string
    timeoutMs: number
    signal: AbortSignal
    outputCap: number
    wrap?: (command: { file: string; args: string[] }) => { file: string; args: string[] }
    /** This machine's when omitted. */
    processes?: ProcessPlatform
  },
): Promise<BashResult> {
  const pp = options.processes ?? HOST
  const shell = bashInvocation(pp, command)
  const { file, args } = options.wrap ? options.wrap(shell) : shell
  const output = new CappedOutput(options.outputCap)
  return new Promise<BashResult>((resolve) => {
    const child = pp.spawn(file, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, ...shell.options })
    let timedOut = false
    let cancelled = false
    let settled = false
    let drainTimer: unknown
    let callOffKill = (): void => undefined
    const stop = (): void => {
      if (child.pid !== undefined) callOffKill = stopTree(pp, child.pid, KILL_GRACE_MS)
    }
    const timer = pp.timers.setTimeout(() => {
      timedOut = true
      stop()
    }, options.timeoutMs)
    const onAbort = (): void => {
      cancelled = true
      stop()
    }
    options.signal.addEventListener('abort', onAbort, { once: true })
    if (options.signal.aborted) onAbort()

    for (const stream of [child.stdout!, child.stderr!]) {
      const decoder = new StringDecoder('utf8')
      stream.on('data', (chunk: Buffer) => output.push(decoder.write(chunk)))
      stream.on('end', () => output.push(decoder.end()))
    }
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return
      settled = true
      pp.timers.clearTimeout(timer)
      pp.timers.clearTimeout(drainTimer)
      callOffKill()
      options.signal.removeEventListener('abort', onAbort)
      child.stdout?.destroy()
      child.stderr?.destroy()
      // After a timeout or cancel the group is killed outright, stragglers included (taskkill /T already took the whole tree).
      if ((timedOut || cancelled) && child.pid !== undefined && pp.platform !== 'win32') killTree(pp, child.pid, 'SIGKILL')
      resolve({ exitCode, signal, timedOut, cancelled, output: output.toString() })
    }
    child.on('error', (error) => {
      output.push(`Could not start the shell: ${error.message}`)
      finish(null, null)
    })
    child.on('exit', (code, signal) => {
      drainTimer = pp.timers.setTimeout(() => finish(code, signal), DRAIN_MS)
    })
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => finish(code, signal))
  })
}

export async function bashTool(input: ToolInput<'Bash'>, ctx: ToolContext): Promise<{ ok: boolean; output: string }> {
  const cwd = resolveInside(ctx.roots, ctx.cwd, '.')
  const timeoutMs = input.timeout ?? BASH_DEFAULT_TIMEOUT_MS
  const confinement = ctx.confinement
  const wrap = confinement ? (command: { file: string; args: string[] }) => confinement.wrap(command, { roots: ctx.roots, cwd }) : undefined
  const result = await runShell(input.command, { cwd, timeoutMs, signal: ctx.signal, outputCap: ctx.outputCap ?? DEFAULT_OUTPUT_CAP, wrap })
  const body = result.output.trimEnd() || '(no output)'
  if (result.timedOut) return { ok: false, output: `${body}\n[Command timed out after ${timeoutMs} ms; it and every process it started were killed.]` }
  if (result.cancelled) return { ok: false, output: `${body}\n[Command cancelled.]` }
  if (result.exitCode === 0) return { ok: true, output: body }
  const status = result.exitCode === null ? `killed by ${result.signal ?? 'a signal'}` : `exit code ${result.exitCode}`
  return { ok: false, output: `${body}\n[${status}]` }
}
