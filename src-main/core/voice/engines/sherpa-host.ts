import { fork } from 'node:child_process'
import { AppError } from '../../errors'
import type { ChildMethod, ChildReply, ChildRequest, ChildRequests } from './sherpa-protocol'

/** What the host needs of a child process: Node's ChildProcess and Electron's UtilityProcess both fit. */
export interface SherpaChild {
  send(message: ChildRequest): unknown
  on(event: 'message', listener: (message: ChildReply) => void): unknown
  on(event: 'exit', listener: (code: number | null) => void): unknown
  kill(): unknown
  /** onnxruntime prints why it aborted here. */
  stderr?: { on(event: 'data', listener: (data: Buffer) => void): unknown } | null
}

export type SpawnSherpa = () => SherpaChild

export interface SherpaHostOptions {
  /** Starts the child; undefined when this build has no child entry (then local engines are unavailable). */
  spawn?: SpawnSherpa
  /** Lines the child wrote to stderr (onnxruntime's reason for an abort), for the log. */
  onStderr?: (text: string) => void
}

/** Forks the child entry with Node (Electron runs it as Node too); typed arrays survive the `advanced` serialization. */
export function forkSherpa(entry: string): SpawnSherpa {
  return () => fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] }) as unknown as SherpaChild
}

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
  /** Set when this call is the first to use a model: a crash then means the model is bad. */
  loading?: string
}

/**
 * The app's side of the sherpa-onnx child: one request at a time per call id, a crash turned into
 * typed errors for whatever was pending, and a fresh child on the next call.
 */
export class SherpaHost {
  private child: SherpaChild | undefined
  private readonly pending = new Map<number, Pending>()
  private readonly loaded = new Set<string>()
  private nextId = 1
  private closed = false

  constructor(private readonly options: SherpaHostOptions) {}

  get configured(): boolean {
    return this.options.spawn !== undefined
  }

  /** `modelKey` names the model a call loads, so a crash while loading it is reported against the model. */
  call<M extends ChildMethod>(method: M, args: ChildRequests[M]['args'], modelKey?: string): Promise<ChildRequests[M]['result']> {
    if (this.closed) return Promise.reject(new AppError('E_CANCELLED', 'The speech engine is shutting down.'))
    const child = this.ensure()
    const id = this.nextId++
    const loading = modelKey !== undefined && !this.loaded.has(modelKey) ? modelKey : undefined
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(loading ? { loading } : {}) })
      child.send({ id, method, args })
    }).then((value) => {
      if (modelKey !== undefined) this.loaded.add(modelKey)
      return value as ChildRequests[M]['result']
    })
  }

  close(): void {
    this.closed = true
    this.child?.kill()
    this.child = undefined
  }

  private ensure(): SherpaChild {
    if (this.child) return this.child
    const spawn = this.options.spawn
    if (!spawn) throw new AppError('E_UNSUPPORTED', 'Local speech is not available in this build.', { hint: 'Use the OpenAI engine in Settings → Voice.' })
    const child = spawn()
    this.child = child
    this.loaded.clear()
    let stderr = ''
    child.stderr?.on('data', (data) => {
      const text = data.toString('utf8')
      stderr = (stderr + text).slice(-2000)
      this.options.onStderr?.(text)
    })
    child.on('message', (reply) => this.settle(reply))
    child.on('exit', (code) => {
      if (this.child === child) this.child = undefined
      const orphaned = [...this.pending.values()]
      this.pending.clear()
      // stderr may still be draining when 'exit' fires; its last line says why.
      setTimeout(() => this.rejectOrphans(orphaned, describeExit(code, stderr)), 50).unref()
    })
    return child
  }

  private settle(reply: ChildReply): void {
    const waiter = this.pending.get(reply.id)
    if (!waiter) return
    this.pending.delete(reply.id)
    if (reply.ok) waiter.resolve(reply.value)
    else waiter.reject(childError(reply.message, waiter.loading))
  }

  private rejectOrphans(orphaned: Pending[], why: string): void {
    for (const waiter of orphaned) {
      waiter.reject(
        waiter.loading
          ? new AppError('E_VOICE_MODEL_INVALID', `The speech model ${waiter.loading} could not be loaded: the speech engine stopped (${why}).`, {
              hint: 'Remove the model in Settings → Voice and download it again. The app itself is fine.',
            })
          : new AppError('E_INTERNAL', `The speech engine stopped unexpectedly (${why}).`, { retryable: true, hint: 'Try again; it restarts by itself.' }),
      )
    }
  }
}

function describeExit(code: number | null, stderr: string): string {
  const reason = stderr.split('\n').map((line) => line.trim()).filter(Boolean).pop()
  return reason ? reason.slice(0, 200) : code === null ? 'killed' : `exit code ${code}`
}

function childError(message: string, loading: string | undefined): AppError {
  if (/Cannot find module|was compiled against|dlopen|\.node/i.test(message)) {
    return new AppError('E_UNSUPPORTED', 'The local speech engine (sherpa-onnx) does not load on this machine.', { hint: 'Use the OpenAI engine in Settings → Voice.' })
  }
  if (loading) return new AppError('E_VOICE_MODEL_INVALID', `The speech model ${loading} could not be loaded: ${message.slice(0, 200)}`, { hint: 'Remove the model in Settings → Voice and download it again.' })
  return new AppError('E_INTERNAL', `The speech engine failed: ${message.slice(0, 200)}`)
}
