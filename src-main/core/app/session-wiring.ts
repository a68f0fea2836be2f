import fs from 'node:fs/promises'
import path from 'node:path'
import { AppError, toAppError } from '../errors'
import { trackMark } from '../profiling'
import { DEFAULT_CONTEXT_WINDOW } from '../../../src-shared/contract'
import type { SessionCompactor } from '../chat'
import { compactSession, sessionPaths, SessionStore, type CompactSessionOptions, type Session as SessionSummary, type Summarizer } from '../sessions'
import type { CapabilityWiring } from './capability'
import type { BaseWiringContext } from './wiring-context'

export type SessionRouteHandlers = CapabilityWiring<'sessions'>['handlers']

export interface SessionHandlerDeps {
  /** Opens the store on first use and returns the same one after. */
  store: () => Promise<SessionStore>
  dataDir: string
  /** Tells every client which sessions changed, so lists refresh everywhere. */
  changed: (ids: string[]) => void
  home: string
  now?: () => Date
  /** Writes compaction summaries; none until a model provider is connected. */
  summarizer?: Summarizer
  /** SessionEnd hooks, told which sessions were deleted. */
  ended?: (ids: string[]) => void
  /** SessionStart hooks (`source: compact`), told once a compaction is saved; awaited before the compaction answers. */
  compacted?: (session: SessionSummary) => Promise<unknown>
  /** A window opened, closed or cleared a chat (`sessions.lifecycle`): SessionStart/SessionEnd hooks. */
  lifecycle?: (session: SessionSummary, state: 'opened' | 'closed' | 'cleared') => Promise<'SessionStart' | 'SessionEnd' | null>
  /** PreCompact hooks: may refuse (throw) before the summarizer runs. */
  beforeCompact?: CompactSessionOptions['beforeCompact']
}

/** The context window assumed when the caller does not know the model's (Ollama's default). */
export { DEFAULT_CONTEXT_WINDOW }

/** Compactions with the app's summarizer and PreCompact hooks; every client hears the session changed. */
export function sessionCompactor(deps: Pick<SessionHandlerDeps, 'store' | 'changed' | 'summarizer' | 'beforeCompact' | 'compacted'>): SessionCompactor {
  return async (sessionId, options) => {
    if (!deps.summarizer) {
      throw new AppError('E_UNSUPPORTED', 'Compacting needs a model to write the summary.', { hint: 'Connect a model provider first; your messages are unchanged.' })
    }
    const store = await deps.store()
    const result = await compactSession(store, sessionId, { ...options, summarizer: deps.summarizer, ...(deps.beforeCompact ? { beforeCompact: deps.beforeCompact } : {}) })
    if (result.compacted) {
      deps.changed([sessionId])
      await deps.compacted?.(await store.getSession(sessionId))
    }
    return result
  }
}

const exportTypes = {
  markdown: { extension: 'md', mime: 'text/markdown; charset=utf-8' },
  json: { extension: 'json', mime: 'application/json' },
  html: { extension: 'html', mime: 'text/html; charset=utf-8' },
} as const

/** A file name that is safe on every OS and still recognisable. */
export function exportFileName(title: string, extension: string): string {
  // Characters Windows, macOS or Linux refuse in file names, and control characters.
  const cleaned = [...title.normalize('NFKC')].map((char) => (char < ' ' || '\\/:*?"<>|'.includes(char) ? ' ' : char)).join('')
  const base = cleaned.replace(/\s+/g, ' ').trim().slice(0, 80)
  return `${base || 'session'}.${extension}`
}

/** A file's size, 0 when it does not exist (no write-ahead log between checkpoints). */
const fileBytes = (file: string): Promise<number> => fs.stat(file).then((stat) => stat.size, () => 0)

export function createSessionHandlers(deps: SessionHandlerDeps): SessionRouteHandlers {
  const { store, changed } = deps
  const compact = sessionCompactor(deps)
  const each = async <T>(ids: string[], run: (s: SessionStore, id: string) => Promise<T>): Promise<T[]> => {
    const s = await store()
    const results: T[] = []
    for (const id of ids) results.push(await run(s, id))
    changed(ids)
    return results
  }

  return {
    'sessions.list': async (query) => (await store()).listSessions(query),
    'sessions.get': async ({ id }) => (await store()).getSession(id),
    'sessions.spend': async ({ id }) => (await store()).sessionSpend(id),
    'sessions.create': async (input) => {
      const session = await (await store()).createSession(input)
      changed([session.id])
      return session
    },
    'sessions.update': async ({ id, title, pinned, archived, addTags, removeTags }) => {
      const s = await store()
      let session = await s.getSession(id)
      if (title !== undefined) session = await s.renameSession(id, title)
      if (pinned !== undefined) session = await s.setPinned(id, pinned)
      if (archived !== undefined) session = await s.setArchived(id, archived)
      if (addTags?.length) session = await s.tagSession(id, addTags)
      if (removeTags?.length) session = await s.untagSession(id, removeTags)
      changed([id])
      return session
    },
    'sessions.delete': async ({ ids }) => {
      const sessions = await each(ids, (s, id) => s.softDeleteSession(id))
      deps.ended?.(ids)
      return { sessions }
    },
    'sessions.restore': async ({ ids }) => ({ sessions: await each(ids, (s, id) => s.restoreSession(id)) }),
    'sessions.messages': async ({ sessionId, before, limit }) => (await store()).getMessages(sessionId, { before, limit }),
    'sessions.branch': async ({ sessionId, before, limit }) => (await store()).getBranch(sessionId, { before, limit }),
    'sessions.find': async ({ sessionId, query }) => (await store()).findInBranch(sessionId, query),
    'sessions.setBranch': async ({ sessionId, messageId }) => {
      const result = await (await store()).setActiveBranch(sessionId, messageId)
      changed([sessionId])
      return result
    },
    'sessions.deleteMessage': async ({ sessionId, messageId }) => {
      const result = await (await store()).deleteMessage(sessionId, messageId)
      changed([sessionId])
      return result
    },
    'sessions.search': async ({ query, limit, mode, ...filters }) => ({ hits: await (await store()).search(query, { ...filters, limit, mode: mode ?? 'recent' }) }),
    'sessions.storage': async () => {
      try {
        return { readOnly: await (await store()).readOnly() }
      } catch (error) {
        // A disk so full the history could not open at all: say so the same way.
        const appError = toAppError(error)
        if (appError.code !== 'E_DISK_FULL') throw appError
        return { readOnly: { reason: 'disk-full' as const, message: appError.message, hint: appError.hint ?? '' } }
      }
    },
    'sessions.tags': async () => ({ tags: await (await store()).listTags() }),
    'sessions.stats': async () => {
      const info = await (await store()).storeInfo()
      return { sessions: info.sessions, messages: info.messages, bytes: (await fileBytes(info.file)) + (await fileBytes(`${info.file}-wal`)) }
    },
    'sessions.export': async ({ id, format, branches = 'active' }) => {
      const s = await store()
      const session = await s.getSession(id)
      const type = exportTypes[format]
      return { filename: exportFileName(session.title, type.extension), mime: type.mime, content: await s.exportSession(id, format, branches) }
    },
    'sessions.importable': async () => ({ files: await (await store()).findImportableFiles(deps.home) }),
    'sessions.import': async ({ paths }) => {
      const result = await (await store()).importFiles(paths.map((file) => path.resolve(file)))
      if (result.imported > 0) changed([])
      return result
    },
    'sessions.restoreBackup': async ({ path: file, ...options }) => {
      const result = await (await store()).restore(path.resolve(file), options)
      changed([])
      return result
    },
    'sessions.lifecycle': async ({ sessionId, state }) => {
      const session = await (await store()).getSession(sessionId)
      return { fired: deps.lifecycle ? await deps.lifecycle(session, state) : null }
    },
    'sessions.compact': ({ sessionId, contextWindow = DEFAULT_CONTEXT_WINDOW, force = false, instructions }, { signal }) =>
      compact(sessionId, { contextWindow, force, signal, ...(instructions ? { instructions } : {}) }),
    'sessions.exportAll': async ({ path: file, overwrite }) => (await store()).exportAll(file, { overwrite }),
    'sessions.deleteAll': async () => {
      const s = await store()
      const stamp = (deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')
      // A way back first: the whole history as it was, in the backups folder.
      const { path: backup } = await s.backup(path.join(sessionPaths(deps.dataDir).backups, `before-delete-all-${stamp}.sqlite`))
      const all: SessionSummary[] = []
      for (let offset: number | null = 0; offset !== null; ) {
        const page = await s.listSessions({ includeDeleted: true, limit: 500, offset })
        all.push(...page.sessions)
        offset = page.nextOffset
      }
      for (const session of all) if (session.deletedAt === null) await s.softDeleteSession(session.id)
      const deleted = await s.purgeDeleted()
      const ids = all.map((session) => session.id)
      deps.ended?.(all.filter((session) => session.deletedAt === null).map((session) => session.id))
      changed(ids)
      return { deleted, backup }
    },
    'sessions.backup': async () => {
      const stamp = (deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')
      return (await store()).backup(path.join(sessionPaths(deps.dataDir).backups, `manual-${stamp}.sqlite`))
    },
  }
}

export interface SessionWiring extends CapabilityWiring<'sessions'> {
  /** The session history, opened on first use. */
  store(): Promise<SessionStore>
  /** Compacts a session (automatic compaction before a send uses it too). */
  compact: SessionCompactor
}

/** The chat history: opened on first use, answered by the session routes, closed with the core. */
export function wireSessions(ctx: BaseWiringContext, deps: Pick<SessionHandlerDeps, 'summarizer' | 'ended' | 'beforeCompact' | 'compacted' | 'lifecycle'>): SessionWiring {
  let opening: Promise<SessionStore> | undefined
  const backup = dailyBackupLater(ctx)
  const store = (): Promise<SessionStore> => {
    opening ??= trackMark('startup.sessions.open', openSessions(ctx, backup.schedule)).catch((error: unknown) => {
      opening = undefined // let the next request try again (e.g. after the disk was freed)
      throw error
    })
    return opening
  }
  const changed = (ids: string[]): void => ctx.broadcast('sessions.changed', { ids })
  return {
    store,
    compact: sessionCompactor({ store, changed, ...deps }),
    handlers: createSessionHandlers({ store, dataDir: ctx.paths.root, home: ctx.home, changed, ...deps }),
    streamHandlers: {},
    async close() {
      const opened = opening
      opening = undefined
      await backup.cancel()
      await (await opened?.catch(() => undefined))?.close()
    },
  }
}

/** How long after the history opens the daily backup is taken: start-up and the first searches come first. */
export const DAILY_BACKUP_DELAY_MS = 60_000

/**
 * The daily backup (`VACUUM INTO`, seconds on a big history) runs on the store's thread, so it is
 * never taken in front of start-up's first requests: DAILY_BACKUP_DELAY_MS after the history
 * opens, and then only once no reply is streaming (SessionStore.dailyBackupWhenIdle).
 */
function dailyBackupLater({ options, logger }: BaseWiringContext): { schedule: (store: SessionStore) => void; cancel: () => Promise<void> } {
  const log = logger.log.child({ component: 'sessions' })
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<unknown> | undefined
  return {
    schedule(store) {
      timer = setTimeout(() => {
        timer = undefined
        running = store.dailyBackupWhenIdle().then(
          (file) => file && log.info({ backup: file }, 'daily backup taken'),
          // E.g. the disk filled: the history stays open; the next start tries again.
          (error: unknown) => log.error({ err: error }, 'the daily backup failed'),
        )
      }, options.dailyBackupDelayMs ?? DAILY_BACKUP_DELAY_MS)
      timer.unref()
    },
    async cancel() {
      clearTimeout(timer)
      await running
    },
  }
}

/** Opens the history, finishes replies a crash interrupted, and schedules the daily backup (not on a full disk: it would not fit). */
async function openSessions({ paths, options, logger }: BaseWiringContext, scheduleBackup: (store: SessionStore) => void): Promise<SessionStore> {
  const worker = options.sessionWorker
  const store = await SessionStore.open({ dataDir: paths.root, ...(worker ? { worker } : {}) })
  const log = logger.log.child({ component: 'sessions' })
  log.info({ file: store.info.file, sessions: store.info.sessions, migration: store.info.migration }, 'session store opened')
  if (store.info.readOnly) log.error({ dataDir: paths.root }, store.info.readOnly.message)
  if (!options.ownsHistory || store.info.readOnly) return store
  try {
    const recovered = await store.recoverInterruptedMessages()
    if (recovered > 0) log.warn({ recovered }, 'replies interrupted by a crash were kept and marked')
  } catch (error) {
    // E.g. the disk filled since the check: the history stays open; the next start tries again.
    log.error({ err: error }, 'marking interrupted replies failed')
  }
  scheduleBackup(store)
  return store
}
