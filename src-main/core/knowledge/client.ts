import { MessageChannel, Worker } from 'node:worker_threads'
import type { ErrorShape } from '../../../src-shared/contract'
import { AppError } from '../errors'
import type { KnowledgeFile } from './base'
import type { ScoredPassage } from './retrieve'
import type { EmbedderEndpoints, KnowledgeBaseSummary, KnowledgeEvent, KnowledgeJob, KnowledgeSearchInput, KnowledgeServiceOptions } from './service'
import type { EmbeddingSpec } from './base'
import { serveKnowledge, type KnowledgeHostMessage, type KnowledgeMethod, type KnowledgeRequest } from './worker-host'

interface ClientPort {
  postMessage(value: KnowledgeRequest): void
  on(event: 'message', listener: (value: KnowledgeHostMessage) => void): unknown
  ref(): void
  unref(): void
}

export interface KnowledgeClientOptions extends KnowledgeServiceOptions {
  /** Run the service in a worker thread from this script (the bundled worker-entry); without it, on the calling thread. */
  worker?: { entry: string | URL; workerData?: Record<string, unknown> }
}

const fromShape = (shape: ErrorShape): AppError => new AppError(shape.code, shape.message, { hint: shape.hint, retryable: shape.retryable, issues: shape.issues })

/** The knowledge bases as the app sees them: async calls answered by the knowledge worker, job events as they happen. */
export class KnowledgeClient {
  private readonly port: ClientPort
  private readonly stop: () => Promise<void>
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>()
  private readonly listeners = new Set<(event: KnowledgeEvent) => void>()
  private nextId = 1
  private closed = false

  private constructor(port: ClientPort, stop: () => Promise<void>) {
    this.port = port
    this.stop = stop
    port.on('message', (message) => this.settle(message))
    port.unref()
  }

  static async open(options: KnowledgeClientOptions): Promise<KnowledgeClient> {
    const { worker, ...service } = options
    if (worker) {
      const thread = new Worker(worker.entry, { workerData: { ...worker.workerData, options: service } })
      await new Promise<void>((resolve, reject) => {
        thread.once('message', () => resolve())
        thread.once('error', reject)
      })
      const client: KnowledgeClient = new KnowledgeClient(thread, async () => void (await thread.terminate()))
      thread.on('error', () => client.fail('The knowledge worker stopped unexpectedly.'))
      thread.on('exit', () => client.fail('The knowledge worker has stopped.'))
      return client
    }
    const { port1, port2 } = new MessageChannel()
    port1.unref()
    const ready = new Promise<void>((resolve) => port2.once('message', () => resolve()))
    serveKnowledge(port1, service)
    await ready
    return new KnowledgeClient(port2, async () => port2.close())
  }

  onEvent(listener: (event: KnowledgeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private settle(message: KnowledgeHostMessage): void {
    if (message.type === 'event') {
      for (const listener of this.listeners) listener(message.event)
      return
    }
    if (message.type !== 'result') return
    const waiter = this.pending.get(message.id)
    if (!waiter) return
    this.pending.delete(message.id)
    if (this.pending.size === 0) this.port.unref()
    if (message.ok) waiter.resolve(message.value)
    else waiter.reject(fromShape(message.error))
  }

  private fail(reason: string): void {
    this.closed = true
    for (const waiter of this.pending.values()) waiter.reject(new AppError('E_INTERNAL', reason, { hint: 'Restart Ollama Desk; indexing resumes where it stopped.' }))
    this.pending.clear()
  }

  private call<T>(method: KnowledgeMethod | 'close', ...args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new AppError('E_INTERNAL', 'The knowledge bases are closed.'))
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.port.ref()
      this.port.postMessage({ id, method, args })
    })
  }

  list(): Promise<KnowledgeBaseSummary[]> { return this.call('list') }
  get(id: string): Promise<KnowledgeBaseSummary> { return this.call('get', id) }
  create(input: { name: string; embedding?: EmbeddingSpec }): Promise<KnowledgeBaseSummary> { return this.call('create', input) }
  rename(id: string, name: string): Promise<KnowledgeBaseSummary> { return this.call('rename', id, name) }
  remove(id: string): Promise<void> { return this.call('remove', id) }
  addSource(id: string, sourcePath: string, watch?: boolean): Promise<KnowledgeBaseSummary> { return this.call('addSource', id, sourcePath, watch ?? false) }
  removeSource(id: string, sourcePath: string): Promise<KnowledgeBaseSummary> { return this.call('removeSource', id, sourcePath) }
  files(id: string): Promise<KnowledgeFile[]> { return this.call('files', id) }
  sync(id: string): Promise<KnowledgeJob> { return this.call('sync', id) }
  settled(id: string): Promise<KnowledgeJob> { return this.call('settled', id) }
  pause(id: string): Promise<KnowledgeJob> { return this.call('pause', id) }
  resume(id: string): Promise<KnowledgeJob> { return this.call('resume', id) }
  cancel(id: string): Promise<KnowledgeJob> { return this.call('cancel', id) }
  search(input: KnowledgeSearchInput): Promise<ScoredPassage[]> { return this.call('search', input) }
  setEndpoints(endpoints: EmbedderEndpoints): Promise<void> { return this.call('setEndpoints', endpoints) }
  watchSources(options: { polling?: boolean } = {}): Promise<void> { return this.call('watchSources', options) }

  async close(): Promise<void> {
    if (this.closed) return
    try {
      await this.call('close')
    } finally {
      this.closed = true
      await this.stop()
    }
  }
}
