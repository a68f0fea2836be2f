import { MessageChannel, Worker } from 'node:worker_threads'
import type { SessionEngineOptions, StoreInfo } from './engine'
import type { SessionSpend } from './messages-repo'
import type { Draft } from './chat-state-repo'
import { fromErrorShape, StoreClosedError } from './errors'
import type { EngineApi, EngineMethod, HostMessage, StoreRequest, WorkerOptions } from './protocol'
import { StreamingMessageWriter, type StreamingWriterOptions } from './streaming-writer'
import type {
  BackupResult, BranchFind, BranchPage, BranchPageQuery, Compaction, DeletedMessage, ExportBranches, CompactionPlan, CompactionPlanOptions, ContextWindowUsage, ExportAllResult, ExportFormat, ImportResult,
  ListSessionsQuery, Message, MessagePage, MessagePageQuery, NewCompaction, NewMessage, NewSession, NewTurn, RestoreOptions, RestoreResult,
  SearchFilters, SearchHit, Session, SessionPage, StreamingFinal, StreamingMeta,
} from './types'
import { serveSessionEngine } from './worker-host'
import { trackMark } from '../profiling'
import { AppError } from '../errors'
import { readUserTextFile } from '../paths'
import { IMPORT_FILE_LIMITS, type ImportText } from './importer'

export interface SessionStoreOptions extends SessionEngineOptions {
  /**
   * Run the engine in a worker thread from this script: the bundled `worker-entry` (see README).
   * Without it the engine runs on the calling thread behind the same async API (tests, tools).
   */
  worker?: { entry: string | URL; execArgv?: string[]; workerData?: Record<string, unknown> }
  /** Defaults for beginStreamingMessage writers. */
  streaming?: StreamingWriterOptions
}

/** The client side of a port: Worker and MessagePort both fit. */
interface ClientPort {
  postMessage(value: StoreRequest): void
  on(event: 'message', listener: (value: HostMessage) => void): unknown
  ref(): void
  unref(): void
}

type Pending = { resolve: (value: unknown) => void; reject: (error: unknown) => void }

/**
 * The session store as the app sees it: every call is async and runs on the engine's own thread,
 * so a slow query never blocks the caller's event loop. Errors arrive as AppErrors.
 */
export class SessionStore {
  readonly info: StoreInfo
  private readonly port: ClientPort
  private readonly stop: () => Promise<void>
  private readonly streamingDefaults: StreamingWriterOptions
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private closed: StoreClosedError | null = null
  /** Replies being streamed through writers of this store, and who waits for there to be none. */
  private streaming = 0
  private idleWaiters: (() => void)[] = []

  private constructor(port: ClientPort, info: StoreInfo, stop: () => Promise<void>, streaming: StreamingWriterOptions) {
    this.port = port
    this.info = info
    this.stop = stop
    this.streamingDefaults = streaming
    port.on('message', (message) => this.settle(message))
    port.unref()
  }

  /** Opens the store (creating and upgrading the database as needed). */
  static async open(options: SessionStoreOptions): Promise<SessionStore> {
    const { worker: workerOptions, streaming = {}, ...engineOptions } = options
    if (workerOptions) {
      const wire: WorkerOptions = { dataDir: engineOptions.dataDir, backupRetention: engineOptions.backupRetention }
      const worker = new Worker(workerOptions.entry, { workerData: { ...workerOptions.workerData, options: wire }, execArgv: workerOptions.execArgv })
      const info = await firstMessage(worker, () => void worker.terminate())
      const store: SessionStore = new SessionStore(worker, info, async () => void (await worker.terminate()), streaming)
      worker.on('error', (error) => store.shutDown(new StoreClosedError('The session store stopped unexpectedly.'), error))
      worker.on('exit', () => store.shutDown(new StoreClosedError()))
      return store
    }
    const { port1, port2 } = new MessageChannel()
    port1.unref() // the host side never keeps the process alive; pending calls ref the client side
    serveSessionEngine(port1, engineOptions)
    const info = await firstMessage(port2, () => port2.close())
    return new SessionStore(port2, info, async () => port2.close(), streaming)
  }

  private settle(message: HostMessage): void {
    if (message.type !== 'result') return
    const waiter = this.pending.get(message.id)
    if (!waiter) return
    this.pending.delete(message.id)
    if (this.pending.size === 0) this.port.unref()
    if (message.ok) waiter.resolve(message.value)
    else waiter.reject(fromErrorShape(message.error, message.detail))
  }

  private shutDown(reason: StoreClosedError, cause?: unknown): void {
    if (!this.closed) this.closed = cause === undefined ? reason : Object.assign(reason, { cause })
    for (const waiter of this.pending.values()) waiter.reject(this.closed)
    this.pending.clear()
  }

  private send(method: StoreRequest['method'], args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closed)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.port.ref() // keep the process alive until the answer arrives
      this.port.postMessage({ id, method, args })
    })
  }

  private call<M extends EngineMethod>(method: M, ...args: Parameters<EngineApi[M]>): Promise<ReturnType<EngineApi[M]>> {
    // Trailing undefined arguments are dropped so defaults apply on the other side.
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop()
    return trackMark(`store.${method}`, this.send(method, args)) as Promise<ReturnType<EngineApi[M]>>
  }

  createSession(input?: NewSession): Promise<Session> { return this.call('createSession', input) }
  getSession(id: string): Promise<Session> { return this.call('getSession', id) }
  listSessions(query?: ListSessionsQuery): Promise<SessionPage> { return this.call('listSessions', query) }
  renameSession(id: string, title: string): Promise<Session> { return this.call('renameSession', id, title) }
  setPinned(id: string, pinned: boolean): Promise<Session> { return this.call('setPinned', id, pinned) }
  setArchived(id: string, archived: boolean): Promise<Session> { return this.call('setArchived', id, archived) }
  setWorkspace(id: string, workspace: string | null): Promise<Session> { return this.call('setWorkspace', id, workspace) }
  tagSession(id: string, tags: string[]): Promise<Session> { return this.call('tagSession', id, tags) }
  untagSession(id: string, tags: string[]): Promise<Session> { return this.call('untagSession', id, tags) }
  listTags(): Promise<{ tag: string; count: number }[]> { return this.call('listTags') }
  softDeleteSession(id: string): Promise<Session> { return this.call('softDeleteSession', id) }
  restoreSession(id: string): Promise<Session> { return this.call('restoreSession', id) }
  purgeSession(id: string): Promise<void> { return this.call('purgeSession', id) }
  purgeDeleted(olderThan?: number): Promise<number> { return this.call('purgeDeleted', olderThan) }

  appendMessage(sessionId: string, input: NewMessage): Promise<Message> { return this.call('appendMessage', sessionId, input) }
  getMessage(id: string): Promise<Message> { return this.call('getMessage', id) }
  getMessages(sessionId: string, query?: MessagePageQuery): Promise<MessagePage> { return this.call('getMessages', sessionId, query) }
  getThread(leafId: string): Promise<Message[]> { return this.call('getThread', leafId) }
  getBranch(sessionId: string, query?: BranchPageQuery): Promise<BranchPage> { return this.call('getBranch', sessionId, query) }
  findInBranch(sessionId: string, query: string): Promise<BranchFind> { return this.call('findInBranch', sessionId, query) }
  setActiveBranch(sessionId: string, messageId: string): Promise<{ leafId: string }> { return this.call('setActiveBranch', sessionId, messageId) }
  deleteMessage(sessionId: string, messageId: string): Promise<DeletedMessage> { return this.call('deleteMessage', sessionId, messageId) }
  recoverInterruptedMessages(): Promise<number> { return this.call('recoverInterruptedMessages') }
  readAttachment(sha256: string): Promise<Uint8Array> { return this.call('readAttachment', sha256) }
  contextWindowUsage(sessionId: string, leafId?: string): Promise<ContextWindowUsage> { return this.call('contextWindowUsage', sessionId, leafId) }
  sessionSpend(sessionId: string): Promise<SessionSpend> { return this.call('sessionSpend', sessionId) }

  /** Compaction (README, "Compaction"); `compactSession` in compactor.ts drives these with a summarizer. */
  planCompaction(sessionId: string, options: CompactionPlanOptions): Promise<CompactionPlan | null> { return this.call('planCompaction', sessionId, options) }
  recordCompaction(sessionId: string, input: NewCompaction): Promise<Compaction> { return this.call('recordCompaction', sessionId, input) }
  contextMessages(sessionId: string, leafId?: string): Promise<Message[]> { return this.call('contextMessages', sessionId, leafId) }
  listCompactions(sessionId: string): Promise<Compaction[]> { return this.call('listCompactions', sessionId) }

  /** Starts a streamed reply; write text with the returned writer's append(), end with complete() or fail(). */
  async beginStreamingMessage(sessionId: string, meta: StreamingMeta = {}, options: StreamingWriterOptions = {}): Promise<StreamingMessageWriter> {
    return this.writerFor(await this.call('startStreamingMessage', sessionId, meta), options)
  }

  /** Saves a new turn's session, user message and reply row in one call (NewTurn); the writer streams the reply. */
  async beginTurn(turn: NewTurn, options: StreamingWriterOptions = {}): Promise<{ session: Session; userMessage: Message | null; writer: StreamingMessageWriter }> {
    const started = await this.call('beginTurn', turn)
    return { session: started.session, userMessage: started.userMessage, writer: this.writerFor(started.reply, options) }
  }

  private writerFor(message: Message, options: StreamingWriterOptions): StreamingMessageWriter {
    this.streaming++
    let live = true
    // A reply stops streaming once its last write succeeds (a failed one may be retried).
    const ended = (written: Message): Message => {
      if (live) {
        live = false
        if (--this.streaming === 0) for (const wake of this.idleWaiters.splice(0)) wake()
      }
      return written
    }
    const sink = {
      appendStreamingText: (id: string, text: string, reasoning?: string) => this.call('appendStreamingText', id, text, reasoning),
      completeStreamingMessage: (id: string, tail: { text?: string; reasoning?: string }, final?: StreamingFinal) => this.call('completeStreamingMessage', id, tail, final).then(ended),
      failStreamingMessage: (id: string, tail: { text?: string; reasoning?: string }, error: string) => this.call('failStreamingMessage', id, tail, error).then(ended),
    }
    return new StreamingMessageWriter(message, sink, { ...this.streamingDefaults, ...options })
  }

  /** Opens a finished reply again and streams more text onto its end (Continue). */
  async resumeStreamingMessage(sessionId: string, messageId: string, options: StreamingWriterOptions = {}): Promise<StreamingMessageWriter> {
    return this.writerFor(await this.call('resumeStreamingMessage', sessionId, messageId), options)
  }

  /** Per-chat settings (raw JSON; the chat-settings service validates it), automatic titles and drafts. */
  readChatSettings(id: string): Promise<string | null> { return this.call('readChatSettings', id) }
  writeChatSettings(id: string, json: string | null): Promise<void> { return this.call('writeChatSettings', id, json) }
  setAutoTitle(id: string, title: string): Promise<Session | null> { return this.call('setAutoTitle', id, title) }
  titleSource(id: string): Promise<'auto' | 'user' | null> { return this.call('titleSource', id) }
  readDraft(key: string): Promise<Draft | null> { return this.call('readDraft', key) }
  writeDraft(key: string, body: string): Promise<void> { return this.call('writeDraft', key, body) }

  search(query: string, filters?: SearchFilters): Promise<SearchHit[]> { return this.call('search', query, filters) }
  /**
   * Files are read here, off the store's thread, with readUserFile's checks and time limits: a
   * FIFO, a device or a stalled network drive never holds up every other sessions call.
   */
  async importFiles(files: string[]): Promise<ImportResult> {
    const texts: ImportText[] = []
    const unreadable: ImportResult['errors'] = []
    for (const file of files) {
      try {
        texts.push({ file, text: await readUserTextFile(file, IMPORT_FILE_LIMITS) })
      } catch (error) {
        unreadable.push({ file, message: error instanceof AppError ? error.message : String(error) })
      }
    }
    const result: ImportResult = await this.call('importTexts', texts)
    return { ...result, errors: [...unreadable, ...result.errors] }
  }
  findImportableFiles(home: string): Promise<string[]> { return this.call('findImportableFiles', home) }
  exportSession(id: string, format: ExportFormat, which?: ExportBranches): Promise<string> { return this.call('exportSession', id, format, which) }
  exportAll(zipPath: string, options: { overwrite?: boolean } = {}): Promise<ExportAllResult> { return this.call('exportAll', zipPath, options) }
  backup(toPath: string): Promise<BackupResult> { return this.call('backup', toPath) }
  /** Call at app start: today's backup in <dataDir>/backups if missing, keeping the newest N. */
  maybeDailyBackup(now?: number): Promise<string | null> { return this.call('maybeDailyBackup', now) }
  /**
   * The daily backup, never while a reply of this store is streaming: waits until none is, then
   * asks for it (the app calls this a while after start-up, not in front of the first requests).
   */
  async dailyBackupWhenIdle(now?: number): Promise<string | null> {
    while (this.streaming > 0) await new Promise<void>((wake) => this.idleWaiters.push(wake))
    return this.maybeDailyBackup(now)
  }
  restore(fromPath: string, options?: RestoreOptions): Promise<RestoreResult> { return this.call('restore', fromPath, options) }
  storeInfo(): Promise<StoreInfo> { return this.call('info') }
  /** Why nothing can be saved now (a full disk), or null; reopens as usual once there is room. */
  readOnly(): Promise<StoreInfo['readOnly']> { return this.call('readOnly') }

  /** Closes the database (finishing any queued call first) and stops the worker. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    try {
      await this.send('close', [])
    } finally {
      this.shutDown(new StoreClosedError())
      await this.stop()
    }
  }
}

type StartPort = ClientPort & {
  once(event: string, listener: (value: unknown) => void): unknown
  off(event: string, listener: (value: unknown) => void): unknown
}

/** Waits for the host's ready (or failed) message, or for the worker to die first. */
function firstMessage(port: StartPort, abort: () => void): Promise<StoreInfo> {
  return new Promise((resolve, reject) => {
    const done = () => {
      port.off('message', onMessage)
      port.off('error', onDeath)
      port.off('exit', onExit)
    }
    const onMessage = (value: unknown) => {
      const message = value as HostMessage
      done()
      if (message.type === 'ready') return resolve(message.info)
      abort()
      reject(message.type === 'failed' ? fromErrorShape(message.error, message.detail) : new StoreClosedError('The session store could not start.'))
    }
    const onDeath = (cause: unknown) => {
      done()
      abort()
      reject(Object.assign(new StoreClosedError('The session store could not start.'), { cause }))
    }
    const onExit = (code: unknown) => onDeath(new Error(`worker exited with code ${String(code)}`))
    port.once('message', onMessage)
    port.once('error', onDeath)
    port.once('exit', onExit)
  })
}

export const openSessionStore = (options: SessionStoreOptions): Promise<SessionStore> => SessionStore.open(options)
