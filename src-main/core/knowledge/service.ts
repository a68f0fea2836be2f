import fs from 'node:fs'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { AppError, ValidationError, toAppError } from '../errors'
import type { ErrorShape } from '../../../src-shared/contract'
import { KnowledgeBase, type EmbeddingSpec, type KnowledgeBaseInfo, type KnowledgeFile, type KnowledgeFilters, type KnowledgeSource } from './base'
import { JobControl, type JobState } from './control'
import type { Embedder } from './embedder'
import { createEmbedder, type EmbedderConfig } from './embedders'
import { syncSource, type IngestProgress } from './ingest'
import { retrieve, type RetrievalMode, type ScoredPassage } from './retrieve'
import type { VectorKind } from './vector-index'
import { SourceWatcher } from './watcher'

export interface KnowledgeServiceOptions {
  /** The app's data folder: bases live in `<dataDir>/knowledge/<id>.kb.db`. */
  dataDir: string
  /** 'exact' turns sqlite-vec off. */
  vectors?: VectorKind
  wholeFileCapBytes?: number
}

/** How to reach each provider's embeddings endpoint, keyed by provider id; sent by the app (keys never leave the process). */
export type EmbedderEndpoints = Record<string, { kind: 'ollama' | 'openai'; baseUrl: string; apiKey?: string }>

export type KnowledgeJobStatus = 'idle' | JobState | 'failed' | 'done'

export interface KnowledgeJob {
  status: KnowledgeJobStatus
  progress: IngestProgress | null
  error: ErrorShape | null
}

export interface KnowledgeBaseSummary extends KnowledgeBaseInfo {
  sources: KnowledgeSource[]
  job: KnowledgeJob
  failed: number
}

export type KnowledgeEvent = { type: 'job'; base: string; job: KnowledgeJob }

export interface KnowledgeSearchInput {
  bases: string[]
  query: string
  k?: number
  mode?: RetrievalMode
  filters?: KnowledgeFilters
}

const ID = /^[a-z0-9-]{1,64}$/

/**
 * All knowledge bases of a data folder, with their indexing jobs. It runs on the knowledge
 * worker's thread (or the caller's in tests): reading, parsing, hashing, chunking and database
 * writes never block the app's main thread; embedding requests are plain network calls from here.
 */
export class KnowledgeService {
  private readonly dir: string
  private readonly options: KnowledgeServiceOptions
  private readonly open = new Map<string, KnowledgeBase>()
  private readonly jobs = new Map<string, { control: JobControl; job: KnowledgeJob; running: Promise<void> }>()
  private endpoints: EmbedderEndpoints = {}
  private readonly listeners = new Set<(event: KnowledgeEvent) => void>()
  private readonly watchers = new Map<string, SourceWatcher>()
  /** Bases that changed while their sync ran: synced again when it ends. */
  private readonly again = new Set<string>()

  constructor(options: KnowledgeServiceOptions) {
    this.options = options
    this.dir = path.join(options.dataDir, 'knowledge')
  }

  onEvent(listener: (event: KnowledgeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(event: KnowledgeEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  setEndpoints(endpoints: EmbedderEndpoints): void {
    this.endpoints = { ...endpoints }
  }

  private fileOf(id: string): string {
    if (!ID.test(id)) throw new ValidationError(`"${id.slice(0, 80)}" is not a knowledge base id.`, [{ path: 'id', message: 'lowercase letters, digits and dashes' }])
    return path.join(this.dir, `${id}.kb.db`)
  }

  private base(id: string): KnowledgeBase {
    const cached = this.open.get(id)
    if (cached) return cached
    const file = this.fileOf(id)
    if (!fs.existsSync(file)) throw new AppError('E_NOT_FOUND', `There is no knowledge base "${id}".`, { hint: 'It may have been removed; refresh the list.' })
    const kb = KnowledgeBase.open(file, { vectors: this.options.vectors })
    this.open.set(id, kb)
    return kb
  }

  private embedderFor(kb: KnowledgeBase): Embedder | null {
    const spec = kb.info().embedding
    if (!spec) return null
    const endpoint = this.endpoints[spec.provider]
    if (!endpoint) throw new AppError('E_NOT_FOUND', `The provider "${spec.provider}" of this knowledge base's embedding model is not set up.`, { hint: 'Add it in Settings → Models & Providers, or pick another embedding model.' })
    const config: EmbedderConfig = endpoint.kind === 'ollama' ? { kind: 'ollama', baseUrl: endpoint.baseUrl, model: spec.model } : { kind: 'openai', baseUrl: endpoint.baseUrl, apiKey: endpoint.apiKey, model: spec.model }
    return createEmbedder(config)
  }

  /** The base's embedder, or none when its provider is not set up (search then goes by words only). */
  private embedderOrNone(kb: KnowledgeBase): Embedder | null {
    try {
      return this.embedderFor(kb)
    } catch {
      return null
    }
  }

  private jobOf(id: string): KnowledgeJob {
    return this.jobs.get(id)?.job ?? { status: 'idle', progress: null, error: null }
  }

  list(): KnowledgeBaseSummary[] {
    if (!fs.existsSync(this.dir)) return []
    return fs
      .readdirSync(this.dir)
      .filter((name) => name.endsWith('.kb.db'))
      .map((name) => name.slice(0, -'.kb.db'.length))
      .filter((id) => ID.test(id))
      .map((id) => this.get(id))
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  get(id: string): KnowledgeBaseSummary {
    const kb = this.base(id)
    return { ...kb.info(), id, sources: kb.sources(), job: this.jobOf(id), failed: kb.files().filter((f) => f.status === 'error').length }
  }

  create(input: { name: string; embedding?: EmbeddingSpec }): KnowledgeBaseSummary {
    const name = input.name.trim()
    if (!name) throw new ValidationError('A knowledge base needs a name.', [{ path: 'name', message: 'empty' }])
    const id = randomUUID()
    const kb = KnowledgeBase.open(this.fileOf(id), { create: { id, name, ...(input.embedding ? { embedding: input.embedding } : {}) }, vectors: this.options.vectors })
    this.open.set(id, kb)
    return this.get(id)
  }

  rename(id: string, name: string): KnowledgeBaseSummary {
    if (!name.trim()) throw new ValidationError('A knowledge base needs a name.', [{ path: 'name', message: 'empty' }])
    this.base(id).rename(name.trim())
    return this.get(id)
  }

  async remove(id: string): Promise<void> {
    const file = this.fileOf(id)
    await this.watchers.get(id)?.close()
    this.watchers.delete(id)
    await this.cancel(id)
    this.open.get(id)?.close()
    this.open.delete(id)
    this.jobs.delete(id)
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
  }

  /** Adds a folder or a regular file (checked now; its files are read by sync). */
  addSource(id: string, sourcePath: string, watch = false): KnowledgeBaseSummary {
    const kb = this.base(id)
    if (!path.isAbsolute(sourcePath)) throw new ValidationError(`${sourcePath} is not an absolute path.`, [{ path: 'path', message: 'must be absolute' }])
    const stat = fs.statSync(sourcePath, { throwIfNoEntry: false })
    if (!stat) throw new AppError('E_NOT_FOUND', `There is no file or folder at ${sourcePath}.`)
    if (!stat.isDirectory() && !stat.isFile()) throw new ValidationError(`${sourcePath} is neither a folder nor a regular file.`, [{ path: 'path', message: 'not a regular file' }])
    kb.addSource(path.resolve(sourcePath), stat.isDirectory() ? 'folder' : 'file', watch)
    return this.get(id)
  }

  removeSource(id: string, sourcePath: string): KnowledgeBaseSummary {
    if (!this.base(id).removeSource(sourcePath)) throw new AppError('E_NOT_FOUND', `${sourcePath} is not a source of this knowledge base.`)
    return this.get(id)
  }

  files(id: string): KnowledgeFile[] {
    return this.base(id).files()
  }

  /** Starts (or joins) indexing every source of a base; progress arrives as events, the promise when it ends. */
  sync(id: string): KnowledgeJob {
    const kb = this.base(id)
    const current = this.jobs.get(id)
    if (current && (current.job.status === 'running' || current.job.status === 'paused')) return current.job
    const embedder = this.embedderFor(kb)
    const control = new JobControl()
    const job: KnowledgeJob = { status: 'running', progress: null, error: null }
    const update = (change: Partial<KnowledgeJob>): void => {
      Object.assign(job, change)
      this.emit({ type: 'job', base: id, job: { ...job } })
    }
    const running = (async () => {
      try {
        for (const source of kb.sources()) {
          await syncSource(kb, source.path, { embedder, control, wholeFileCapBytes: this.options.wholeFileCapBytes, onProgress: (progress) => update({ progress, status: control.state }) })
        }
        update({ status: 'done' })
      } catch (error) {
        const appError = toAppError(error)
        update({ status: appError.code === 'E_CANCELLED' ? 'cancelled' : 'failed', error: appError.toShape() })
      }
      if (this.again.delete(id) && job.status === 'done') queueMicrotask(() => this.resync(id))
    })()
    this.jobs.set(id, { control, job, running })
    update({})
    return { ...job }
  }

  /**
   * Watches the folders of every base marked `watch` and syncs a base when its files change
   * (a change during a sync syncs it again afterwards). Resolves once the watchers are ready.
   */
  async watchSources(options: { polling?: boolean } = {}): Promise<void> {
    for (const summary of this.list()) {
      const folders = summary.sources.filter((s) => s.watch && s.kind === 'folder').map((s) => s.path)
      await this.watchers.get(summary.id)?.close()
      this.watchers.delete(summary.id)
      if (folders.length === 0) continue
      const watcher = new SourceWatcher(folders, () => this.resync(summary.id), options)
      this.watchers.set(summary.id, watcher)
      await watcher.ready
    }
  }

  private resync(id: string): void {
    const status = this.jobs.get(id)?.job.status
    if (status === 'running' || status === 'paused') {
      this.again.add(id)
      return
    }
    try {
      this.sync(id)
    } catch {
      // The base was removed meanwhile, or its provider is gone: the next explicit sync says why.
    }
  }

  /** Waits for a base's current job to end (tests, the CLI). */
  async settled(id: string): Promise<KnowledgeJob> {
    await this.jobs.get(id)?.running
    return this.jobOf(id)
  }

  pause(id: string): KnowledgeJob {
    const entry = this.jobs.get(id)
    if (entry?.job.status === 'running') {
      entry.control.pause()
      entry.job.status = 'paused'
      this.emit({ type: 'job', base: id, job: { ...entry.job } })
    }
    return this.jobOf(id)
  }

  resume(id: string): KnowledgeJob {
    const entry = this.jobs.get(id)
    if (entry?.job.status === 'paused') {
      entry.control.resume()
      entry.job.status = 'running'
      this.emit({ type: 'job', base: id, job: { ...entry.job } })
    }
    return this.jobOf(id)
  }

  async cancel(id: string): Promise<KnowledgeJob> {
    const entry = this.jobs.get(id)
    if (entry) {
      entry.control.cancel()
      await entry.running
    }
    return this.jobOf(id)
  }

  async search(input: KnowledgeSearchInput): Promise<ScoredPassage[]> {
    if (!input.query.trim()) return []
    const bases = input.bases.map((id) => {
      const kb = this.base(id)
      return { name: id, kb, embedder: this.embedderOrNone(kb) }
    })
    return retrieve(bases, input.query, { k: input.k, mode: input.mode, filters: input.filters })
  }

  async close(): Promise<void> {
    for (const watcher of this.watchers.values()) await watcher.close()
    this.watchers.clear()
    for (const id of this.jobs.keys()) await this.cancel(id)
    for (const kb of this.open.values()) kb.close()
    this.open.clear()
  }
}
