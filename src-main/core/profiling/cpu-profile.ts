import fs from 'node:fs'
import path from 'node:path'
import type { CpuProfileState } from '../../../src-shared/contract'
import { AppError } from '../errors'

/** The part of node:inspector/promises' Session the profiler uses; tests may pass a fake. */
export interface InspectorSession {
  connect(): void
  disconnect(): void
  post(method: 'Profiler.enable' | 'Profiler.start' | 'Profiler.disable'): Promise<unknown>
  post(method: 'Profiler.stop'): Promise<{ profile: unknown }>
}

export interface CpuProfilerOptions {
  /** Where profiles go: <dataDir>/profiles. */
  dir: string
  openSession?: () => Promise<InspectorSession>
  now?: () => number
}

/** A second start while one runs: the running one would be lost. */
export class ProfileRunningError extends AppError {
  constructor(startedAt: number) {
    super('E_VALIDATION', `A CPU profile is already running (since ${new Date(startedAt).toISOString()}).`, {
      hint: 'Stop it first; it is saved when it stops.',
    })
  }
}

export class ProfileNotRunningError extends AppError {
  constructor() {
    super('E_VALIDATION', 'No CPU profile is running.', { hint: 'Start one first.' })
  }
}

async function inspectorSession(): Promise<InspectorSession> {
  const { Session } = await import('node:inspector/promises')
  return new Session() as unknown as InspectorSession
}

/**
 * CPU profiles of this process through the inspector (the same data as `node --cpu-prof`), saved
 * as `<dir>/cpu-<timestamp>.cpuprofile` for Chrome DevTools or VS Code to open.
 */
export class CpuProfiler {
  private running: { session: InspectorSession; startedAt: number } | undefined
  private starting = false
  private readonly openSession: () => Promise<InspectorSession>
  private readonly now: () => number

  constructor(private readonly options: CpuProfilerOptions) {
    this.openSession = options.openSession ?? inspectorSession
    this.now = options.now ?? Date.now
  }

  status(): CpuProfileState {
    return this.running ? { running: true, startedAt: this.running.startedAt } : { running: false }
  }

  async start(): Promise<CpuProfileState> {
    if (this.running) throw new ProfileRunningError(this.running.startedAt)
    if (this.starting) throw new ProfileRunningError(this.now())
    this.starting = true
    try {
      const session = await this.openSession()
      session.connect()
      try {
        await session.post('Profiler.enable')
        await session.post('Profiler.start')
      } catch (error) {
        session.disconnect()
        throw new AppError('E_INTERNAL', 'The CPU profiler could not start.', { cause: error })
      }
      this.running = { session, startedAt: this.now() }
      return this.status()
    } finally {
      this.starting = false
    }
  }

  async stop(): Promise<CpuProfileState> {
    const running = this.running
    if (!running) throw new ProfileNotRunningError()
    this.running = undefined
    try {
      const { profile } = await running.session.post('Profiler.stop')
      await running.session.post('Profiler.disable').catch(() => undefined)
      fs.mkdirSync(this.options.dir, { recursive: true })
      const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-')
      const file = path.join(this.options.dir, `cpu-${stamp}.cpuprofile`)
      const text = JSON.stringify(profile)
      fs.writeFileSync(file, text, { mode: 0o600 })
      return { running: false, path: file, bytes: Buffer.byteLength(text) }
    } finally {
      running.session.disconnect()
    }
  }

  /** Stops a running profile without saving it (app shutdown). */
  close(): void {
    this.running?.session.disconnect()
    this.running = undefined
  }
}
