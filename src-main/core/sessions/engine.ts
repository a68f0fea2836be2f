import fs from 'node:fs'
import path from 'node:path'
import { AppError, ValidationError } from '../errors'
import { AttachmentFiles } from './attachments'
import { backupTo, hasHistory, maybeDailyBackup, mergeFrom, preparedCopy, removeDatabaseFiles, snapshotBeforeReplace } from './backup'
import * as branches from './branches'
import * as chatState from './chat-state-repo'
import * as compactions from './compactions-repo'
import { sessionPaths, type StoreContext } from './context'
import { openDatabase } from './database'
import { openOnAnyDisk, readOnlyNow, type DiskSeams, type ReadOnlyReason } from './full-disk'
import { exportAll, exportSession } from './exporter'
import { findImportableFiles, importFiles, importTexts, writeImportedBatch, type ImportText } from './importer'
import type { ImportedSession } from './import-shared'
import * as messages from './messages-repo'
import type { MigrationOutcome } from './migrate'
import { search } from './search'
import * as sessions from './sessions-repo'
import type {
  BackupResult, BranchFind, BranchPage, BranchPageQuery, Compaction, DeletedMessage, ExportBranches, CompactionPlan, CompactionPlanOptions, ContextWindowUsage, ExportAllResult, ExportFormat, ImportResult,
  ListSessionsQuery, Message, MessagePage, MessagePageQuery, NewCompaction, NewMessage, NewSession, RestoreOptions, RestoreResult,
  NewTurn, SearchFilters, SearchHit, Session, SessionPage, StartedTurn, StreamingFinal, StreamingMeta,
} from './types'
import { createUuidV7 } from './uuid'

export interface SessionEngineOptions {
  /** The app's data folder: the database, attachments/ and backups/ live inside it. */
  dataDir: string
  /** Daily backups to keep (default 7). */
  backupRetention?: number
  now?: () => number
  /** Tests stand in for the database open and the disk's free space (full-disk start-up). */
  openDatabase?: DiskSeams['openDatabase']
  freeMegabytes?: DiskSeams['freeMegabytes']
}

export interface StoreInfo {
  file: string
  schemaVersion: number
  sessions: number
  messages: number
  /** What happened when this process opened the store. */
  migration: MigrationOutcome
  /** Set while nothing can be saved (the store opened on a full disk that is still full). */
  readOnly: ReadOnlyReason | null
}

/**
 * The session store itself: synchronous (node:sqlite), one connection, used from exactly one
 * thread. The app reaches it through SessionStore, which runs it in a worker thread.
 */
export class SessionEngine {
  private readonly ctx: StoreContext
  private readonly retention: number
  private readonly seams: DiskSeams
  /** Opened without shared memory on a full disk; reopened normally once there is room. */
  private fullAtOpen: boolean
  readonly migration: MigrationOutcome

  private constructor(ctx: StoreContext, migration: MigrationOutcome, options: { retention: number; seams: DiskSeams; fullAtOpen: boolean }) {
    this.ctx = ctx
    this.migration = migration
    this.retention = options.retention
    this.seams = options.seams
    this.fullAtOpen = options.fullAtOpen
  }

  static open(options: SessionEngineOptions): SessionEngine {
    const paths = sessionPaths(path.resolve(options.dataDir))
    const now = options.now ?? Date.now
    const seams: DiskSeams = { ...(options.openDatabase ? { openDatabase: options.openDatabase } : {}), ...(options.freeMegabytes ? { freeMegabytes: options.freeMegabytes } : {}) }
    const { db, migration, fullAtOpen } = openOnAnyDisk(paths.database, paths.dataDir, { now }, seams)
    const ctx: StoreContext = { db, paths, now, files: new AttachmentFiles(paths.attachments), newId: createUuidV7(now) }
    return new SessionEngine(ctx, migration, { retention: options.backupRetention ?? 7, seams, fullAtOpen })
  }

  info(): StoreInfo {
    const count = (table: string) => Number(this.ctx.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)?.n ?? 0)
    const version = Number(this.ctx.db.get<{ user_version: number }>('PRAGMA user_version')?.user_version)
    return { file: this.ctx.paths.database, schemaVersion: version, sessions: count('sessions'), messages: count('messages'), migration: this.migration, readOnly: this.readOnly() }
  }

  /** Why nothing can be saved now (the disk is full), or null. Once a full disk has room again, a store opened on it reopens as usual. */
  readOnly(): ReadOnlyReason | null {
    const reason = readOnlyNow(this.ctx.paths.dataDir, this.seams)
    if (reason === null && this.fullAtOpen) this.reopenNormally()
    return reason
  }

  /** Back to shared memory (so the command line can use the history alongside), if the open works now. */
  private reopenNormally(): void {
    const open = this.seams.openDatabase ?? openDatabase
    const { database } = this.ctx.paths
    // Our own exclusive hold must go before the normal open can take the file.
    this.ctx.db.close()
    try {
      this.ctx.db = open(database, { now: this.ctx.now }).db
      this.fullAtOpen = false
    } catch {
      // Not yet: back as before (writes work; the command line waits until the app restarts).
      this.ctx.db = open(database, { now: this.ctx.now, withoutSharedMemory: true }).db
    }
  }

  // Per-chat settings, titles and drafts (chat-state-repo.ts)
  readChatSettings(id: string): string | null {
    return chatState.readChatSettings(this.ctx, id)
  }
  writeChatSettings(id: string, json: string | null): void {
    chatState.writeChatSettings(this.ctx, id, json)
  }
  setAutoTitle(id: string, title: string): Session | null {
    return chatState.setAutoTitle(this.ctx, id, title)
  }
  titleSource(id: string): 'auto' | 'user' | null {
    return chatState.titleSource(this.ctx, id)
  }
  readDraft(key: string): chatState.Draft | null {
    return chatState.readDraft(this.ctx, key)
  }
  writeDraft(key: string, body: string): void {
    chatState.writeDraft(this.ctx, key, body)
  }

  // Sessions
  createSession(input: NewSession = {}): Session {
    return sessions.createSession(this.ctx, input)
  }
  getSession(id: string): Session {
    return sessions.requireSession(this.ctx, id)
  }
  listSessions(query: ListSessionsQuery = {}): SessionPage {
    return sessions.listSessions(this.ctx, query)
  }
  renameSession(id: string, title: string): Session {
    return sessions.renameSession(this.ctx, id, title)
  }
  setPinned(id: string, pinned: boolean): Session {
    return sessions.setPinned(this.ctx, id, pinned)
  }
  setArchived(id: string, archived: boolean): Session {
    return sessions.setArchived(this.ctx, id, archived)
  }
  setWorkspace(id: string, workspace: string | null): Session {
    return sessions.setWorkspace(this.ctx, id, workspace)
  }
  tagSession(id: string, tags: string[]): Session {
    return sessions.tagSession(this.ctx, id, tags)
  }
  untagSession(id: string, tags: string[]): Session {
    return sessions.untagSession(this.ctx, id, tags)
  }
  listTags(): { tag: string; count: number }[] {
    return sessions.listTags(this.ctx)
  }
  softDeleteSession(id: string): Session {
    return sessions.softDeleteSession(this.ctx, id)
  }
  restoreSession(id: string): Session {
    return sessions.restoreSession(this.ctx, id)
  }
  purgeSession(id: string): void {
    sessions.purgeSession(this.ctx, id)
  }
  purgeDeleted(olderThan?: number): number {
    return sessions.purgeDeleted(this.ctx, olderThan)
  }

  // Messages
  appendMessage(sessionId: string, input: NewMessage): Message {
    return messages.appendMessage(this.ctx, sessionId, input)
  }
  getMessage(id: string): Message {
    return messages.getMessage(this.ctx, id)
  }
  getMessages(sessionId: string, query: MessagePageQuery = {}): MessagePage {
    return messages.getMessages(this.ctx, sessionId, query)
  }
  getThread(leafId: string): Message[] {
    return messages.getThread(this.ctx, leafId)
  }
  // Branches (see branches.ts)
  /** A page of the branch being read, with the versions of its messages. */
  getBranch(sessionId: string, query: BranchPageQuery = {}): BranchPage {
    return branches.getBranch(this.ctx, sessionId, query)
  }
  /** Reads the branch through this message from now on; returns the new leaf. */
  findInBranch(sessionId: string, query: string): BranchFind {
    return branches.findInBranch(this.ctx, sessionId, query)
  }

  setActiveBranch(sessionId: string, messageId: string): { leafId: string } {
    return branches.setActiveBranch(this.ctx, sessionId, messageId)
  }
  /** Deletes one message; its replies move up to its parent. */
  deleteMessage(sessionId: string, messageId: string): DeletedMessage {
    return branches.deleteMessage(this.ctx, sessionId, messageId)
  }
  /** Opens a finished reply again to stream more text onto it (Continue). */
  resumeStreamingMessage(sessionId: string, messageId: string): Message {
    return branches.resumeStreamingMessage(this.ctx, sessionId, messageId)
  }
  /** The session, the user's message and the reply's streaming row of a new turn, all or nothing (see NewTurn). */
  beginTurn(turn: NewTurn): StartedTurn {
    return this.ctx.db.tx(() => {
      const session = turn.sessionId === undefined ? sessions.createSession(this.ctx, turn.session ?? {}) : sessions.requireSession(this.ctx, turn.sessionId)
      const userMessage = turn.user === null ? null : messages.appendMessage(this.ctx, session.id, turn.user)
      const reply = messages.startStreamingMessage(this.ctx, session.id, userMessage === null ? turn.reply : { ...turn.reply, parentId: userMessage.id })
      return { session: sessions.requireSession(this.ctx, session.id), userMessage, reply }
    })
  }
  startStreamingMessage(sessionId: string, meta: StreamingMeta = {}): Message {
    return messages.startStreamingMessage(this.ctx, sessionId, meta)
  }
  appendStreamingText(id: string, text: string, reasoning?: string): void {
    messages.appendStreamingText(this.ctx, id, text, reasoning)
  }
  completeStreamingMessage(id: string, tail: { text?: string; reasoning?: string } = {}, final: StreamingFinal = {}): Message {
    return messages.completeStreamingMessage(this.ctx, id, tail, final)
  }
  failStreamingMessage(id: string, tail: { text?: string; reasoning?: string }, error: string): Message {
    return messages.failStreamingMessage(this.ctx, id, tail, error)
  }
  recoverInterruptedMessages(): number {
    return messages.recoverInterruptedMessages(this.ctx)
  }
  readAttachment(sha256: string): Uint8Array {
    return messages.readAttachment(this.ctx, sha256)
  }
  /** Tokens and cost of every reply in the session. */
  sessionSpend(sessionId: string): messages.SessionSpend {
    return messages.sessionSpend(this.ctx, sessionId)
  }
  /** Tokens of `contextMessages`: what the next request would fill of the model's context window. */
  contextWindowUsage(sessionId: string, leafId?: string): ContextWindowUsage {
    return compactions.contextWindowUsage(this.ctx, sessionId, leafId)
  }

  // Compaction (see compactions-repo.ts)
  /** What to summarise when the context passed threshold × window (or `force`), else null. */
  planCompaction(sessionId: string, options: CompactionPlanOptions): CompactionPlan | null {
    return compactions.planCompaction(this.ctx, sessionId, options)
  }
  /** Stores the summary message and the compaction in one transaction; originals are untouched. */
  recordCompaction(sessionId: string, input: NewCompaction): Compaction {
    return compactions.recordCompaction(this.ctx, sessionId, input)
  }
  /** What a model should be sent now: [latest summary (if any), ...the messages after what it covers]. */
  contextMessages(sessionId: string, leafId?: string): Message[] {
    return compactions.contextMessages(this.ctx, sessionId, leafId)
  }
  listCompactions(sessionId: string): Compaction[] {
    return compactions.listCompactions(this.ctx, sessionId)
  }

  // Search
  search(query: string, filters: SearchFilters = {}): SearchHit[] {
    return search(this.ctx, query, filters)
  }

  // Import and export
  /** Writes already-parsed sessions in one transaction (seeding, migrations from other apps): all of them, or none on an error. */
  importSessions(imported: readonly ImportedSession[]): number {
    return writeImportedBatch(this.ctx, imported)
  }
  importFiles(files: string[]): ImportResult {
    if (!Array.isArray(files)) throw new ValidationError('Pass a list of files to import.', [{ path: 'files', message: 'invalid' }])
    return importFiles(this.ctx, files.map(String))
  }

  /** Import files the caller has read already (the store reads them on its own thread, with time limits). */
  importTexts(texts: ImportText[]): ImportResult {
    return importTexts(this.ctx, texts)
  }
  findImportableFiles(home: string): string[] {
    return findImportableFiles(String(home))
  }
  exportSession(id: string, format: ExportFormat, which: ExportBranches = 'active'): string {
    return exportSession(this.ctx, id, format, which)
  }
  exportAll(zipPath: string, options: { overwrite?: boolean } = {}): ExportAllResult {
    return exportAll(this.ctx, zipPath, options)
  }

  // Backups
  backup(toPath: string): BackupResult {
    return backupTo(this.ctx, toPath)
  }
  maybeDailyBackup(now: number = this.ctx.now()): string | null {
    return maybeDailyBackup(this.ctx, now, this.retention)
  }

  /**
   * Brings back a backup. 'merge' (default) adds what is missing and changes nothing else;
   * 'replace' swaps the whole history for the backup, only with confirmReplace, and only after
   * a snapshot of the current history is saved in backups/.
   */
  restore(fromPath: string, options: RestoreOptions = {}): RestoreResult {
    const mode = options.mode ?? 'merge'
    if (mode !== 'merge' && mode !== 'replace') throw new ValidationError('The restore mode must be merge or replace.', [{ path: 'mode', message: 'invalid' }])
    const workDir = path.join(this.ctx.paths.backups, '.restore')
    const { copy } = preparedCopy(fromPath, workDir, this.ctx.now)
    try {
      if (mode === 'merge') return { mode, ...mergeFrom(this.ctx, copy), snapshot: null }
      if (hasHistory(this.ctx) && options.confirmReplace !== true) {
        throw new ValidationError(
          'Replacing would delete the current history.',
          [{ path: 'confirmReplace', message: 'required' }],
          'Confirm the replace (a copy of the current history is kept in backups), or merge instead to keep both.',
        )
      }
      const snapshot = snapshotBeforeReplace(this.ctx)
      this.swapDatabase(copy)
      const info = this.info()
      return { mode, sessionsAdded: info.sessions, messagesAdded: info.messages, snapshot }
    } finally {
      removeDatabaseFiles(copy)
      fs.rmSync(workDir, { recursive: true, force: true })
    }
  }

  private swapDatabase(replacement: string): void {
    const file = this.ctx.paths.database
    this.ctx.db.close()
    // The last connection to close removes the WAL; if it is still there, another process
    // (a second window, the CLI) has the store open and would keep writing to the old file.
    if (fs.existsSync(`${file}-wal`)) {
      this.ctx.db = openDatabase(file, { now: this.ctx.now }).db
      throw new AppError('E_IO', 'The history is open in another Ollama Desk process, so it cannot be replaced now.', {
        hint: 'Close other Ollama Desk windows and command-line sessions, then try again. Nothing was changed.',
        retryable: true,
      })
    }
    // A leftover -shm from the old file must not be paired with the new one; the rename is atomic.
    fs.rmSync(`${file}-shm`, { force: true })
    fs.renameSync(replacement, file)
    this.ctx.db = openDatabase(file, { now: this.ctx.now }).db
  }

  close(): void {
    this.ctx.db.close()
  }
}
