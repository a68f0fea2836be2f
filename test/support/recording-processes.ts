import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import { processPlatform, type PlatformTimers, type ProcessPlatform } from '../../src-main/core/platform'

/** A child process that never runs: it records what it was given and exits when the test says so. */
export class FakeChild extends EventEmitter {
  readonly stdin = new PassThrough()
  readonly stdout = new PassThrough()
  readonly stderr = new PassThrough()
  exitCode: number | null = null
  private received = ''
  readonly pid: number

  constructor(pid: number) {
    super()
    this.pid = pid
    // Node reports a started process asynchronously, as here.
    setImmediate(() => this.emit('spawn'))
    this.stdin.on('data', (chunk: Buffer) => (this.received += chunk.toString('utf8')))
  }

  /** What was written to its stdin so far. */
  stdinText(): string {
    return this.received
  }

  /** Writes output, then exits and closes its pipes, as a process does. */
  exit(code: number | null, signal: NodeJS.Signals | null = null, output: { stdout?: string; stderr?: string } = {}): void {
    if (output.stdout) this.stdout.write(output.stdout)
    if (output.stderr) this.stderr.write(output.stderr)
    this.exitCode = code
    this.emit('exit', code, signal)
    this.stdout.end()
    this.stderr.end()
    setImmediate(() => this.emit('close', code, signal))
  }

  kill(): boolean {
    return true
  }
}

/** A clock that moves only when the test calls `advance`. */
export class ManualClock implements PlatformTimers {
  private now = 0
  private next = 1
  private readonly pending = new Map<number, { at: number; run: () => void }>()

  setTimeout = (run: () => void, ms: number): unknown => {
    const id = this.next++
    this.pending.set(id, { at: this.now + ms, run })
    return id
  }

  clearTimeout = (timer: unknown): void => {
    this.pending.delete(timer as number)
  }

  /** Moves the clock by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.now + ms
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.pending.delete(due[0])
      this.now = due[1].at
      due[1].run()
    }
    this.now = until
  }

  get waiting(): number {
    return this.pending.size
  }
}

export interface SpawnCall {
  file: string
  args: string[]
  options: SpawnOptions
  child: FakeChild
}

/**
 * A platform whose processes are recorded, not run: every spawn, every signal (a pid listed in
 * `gone` answers ESRCH, as an exited process does), a case-insensitive file system of `files`;
 * `onSpawn` sees each new child before anything is written to it.
 */
export function recordingPlatform(platform: NodeJS.Platform, env: Record<string, string> = {}, files: string[] = [], onSpawn?: (call: SpawnCall) => void) {
  const spawns: SpawnCall[] = []
  const signals: { pid: number; signal: NodeJS.Signals }[] = []
  const gone = new Set<number>()
  const clock = new ManualClock()
  const known = new Set(files.map((file) => file.toLowerCase()))
  let pid = 4000
  const pp: ProcessPlatform = processPlatform({
    platform,
    env,
    timers: clock,
    isFile: (file) => known.has(file.toLowerCase()),
    spawn: (file, args, options) => {
      const child = new FakeChild(++pid)
      const call = { file, args, options, child }
      spawns.push(call)
      onSpawn?.(call)
      return child as unknown as ChildProcess
    },
    kill: (target, signal) => {
      if (gone.has(Math.abs(target))) throw Object.assign(new Error(`kill ESRCH`), { code: 'ESRCH' })
      signals.push({ pid: target, signal })
    },
  })
  return { pp, spawns, signals, gone, clock }
}
