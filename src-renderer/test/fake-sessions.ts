import {
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  routes,
  type ErrorShape,
  type ListSessionsInput,
  type ReadOnlyReason,
  type Result,
  type RouteInput,
  type SearchHit,
  type SessionMessage,
  type SessionSummary,
} from '../../src-shared/contract'
import { branchPage, newestUnder } from './fake-branches'

export interface FakeSessionsOptions {
  sessions?: SessionSummary[]
  /** Messages per session id, in any order (they are sorted by time like the core does). */
  messages?: Record<string, SessionMessage[]>
  /** What sessions.importable finds. */
  importable?: string[]
  /** Per imported path: 'imported', 'skipped', or the message of that file's error. */
  importOutcome?(path: string): 'imported' | 'skipped' | string
  backup?: { path: string; bytes: number }
  /** A full disk while `readOnly` is set (read live: clear it to free the disk); sessions.create then fails with E_DISK_FULL. */
  storage?: { readOnly: ReadOnlyReason | null }
}

type Routes = typeof routes
type SessionRoute = Extract<keyof Routes, `sessions.${string}`>

const ok = <T>(value: T): Result<T> => ({ ok: true, value })
const fail = (error: ErrorShape): Result<never> => ({ ok: false, error })
const notFound = (what: string, id: string): Result<never> =>
  fail({ code: 'E_NOT_FOUND', message: `There is no ${what} with id ${id}.`, hint: 'It may have been deleted for good.', retryable: false })

/** The dispatcher's wording for input the contract refuses (see parseOrThrow in the core). */
function validate(route: SessionRoute, input: unknown): Result<unknown> {
  const parsed = routes[route].input.safeParse(input)
  if (parsed.success) return ok(parsed.data)
  const issue = parsed.error.issues[0]
  const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : ''
  const issues = parsed.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(root)', message: i.message }))
  return fail({ code: 'E_VALIDATION', message: `Invalid input for "${route}"${where}: ${issue?.message ?? 'unknown problem'}.`, retryable: false, issues })
}

/** Like the core: a chat starts once when opened and ends once when closed or cleared; says which hook event fired. */
function lifecycle(open: Set<string>, sessionId: string, state: 'opened' | 'closed' | 'cleared'): 'SessionStart' | 'SessionEnd' | null {
  const wasOpen = open.has(sessionId)
  if (state !== 'opened') return open.delete(sessionId) ? 'SessionEnd' : null
  open.add(sessionId)
  return wasOpen ? null : 'SessionStart'
}

const TOKEN = /[\p{L}\p{N}]+/gu

interface Matcher {
  /** This word is one of the query's (the last query word matches as a prefix, as in the core's FTS). */
  word(word: string): boolean
  /** Every query word occurs in the text. */
  all(text: string): boolean
}

function matcher(query: string): Matcher | undefined {
  const terms = [...query.toLowerCase().matchAll(TOKEN)].map((match) => match[0])
  if (terms.length === 0) return undefined
  const last = terms.length - 1
  const fits = (term: string, i: number, word: string): boolean => (i === last ? word.startsWith(term) : word === term)
  return {
    word: (word) => terms.some((term, i) => fits(term, i, word)),
    all: (text) => {
      const words = [...text.toLowerCase().matchAll(TOKEN)].map((match) => match[0])
      return terms.every((term, i) => words.some((word) => fits(term, i, word)))
    },
  }
}

/** Up to 16 words around the first hit, matched words between the contract's markers (like FTS5 snippet()). */
function snippet(text: string, hits: Matcher): string {
  const tokens = [...text.matchAll(TOKEN)].map((match) => ({ start: match.index, end: match.index + match[0].length, word: match[0].toLowerCase() }))
  const first = Math.max(0, tokens.findIndex((token) => hits.word(token.word)))
  const from = Math.max(0, first - 5)
  const to = Math.min(tokens.length, from + 16)
  let out = from > 0 ? '…' : ''
  for (let k = from; k < to; k++) {
    const token = tokens[k]!
    if (k > from) out += text.slice(tokens[k - 1]!.end, token.start)
    const word = text.slice(token.start, token.end)
    out += hits.word(token.word) ? `${HIGHLIGHT_START}${word}${HIGHLIGHT_END}` : word
  }
  return to < tokens.length ? `${out}…` : out
}

/** An in-memory session store answering the sessions.* routes the way the core does. */
export function fakeSessions(options: FakeSessionsOptions, changed: (ids: string[]) => void) {
  const sessions = new Map((options.sessions ?? []).map((session) => [session.id, { ...session }]))
  /** Chats a window said it opened (sessions.lifecycle). */
  const open = new Set<string>()
  const messages = new Map<string, SessionMessage[]>()
  for (const [id, list] of Object.entries(options.messages ?? {})) {
    messages.set(id, [...list].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)))
    const session = sessions.get(id)
    if (session) session.messageCount = list.length
  }
  let clock = Date.now()
  let nextId = 1
  const now = (): number => ++clock
  const messagesOf = (id: string): SessionMessage[] => messages.get(id) ?? []
  /** The branch being read per session (sessions.setBranch), as the core keeps it. */
  const leaves = new Map<string, string>()

  const matchesList = (s: SessionSummary, q: ListSessionsInput): boolean =>
    (q.onlyDeleted ? s.deletedAt !== null : s.deletedAt === null) &&
    (q.pinned === undefined || s.pinned === q.pinned) &&
    (q.archived === undefined || s.archived === q.archived) &&
    (q.tag === undefined || s.tags.includes(q.tag)) &&
    (q.provider === undefined || messagesOf(s.id).some((m) => m.provider === q.provider)) &&
    (q.model === undefined || messagesOf(s.id).some((m) => m.model === q.model)) &&
    (q.hasAttachments === undefined || messagesOf(s.id).some((m) => m.attachments.length > 0) === q.hasAttachments) &&
    (q.from === undefined || s.updatedAt >= q.from) &&
    (q.to === undefined || s.updatedAt < q.to)

  function list(q: ListSessionsInput) {
    const key = q.sort ?? 'updated'
    const direction = q.order === 'asc' ? 1 : -1
    const value = (s: SessionSummary): number | string => (key === 'title' ? s.title.toLowerCase() : key === 'created' ? s.createdAt : s.updatedAt)
    const all = [...sessions.values()].filter((s) => matchesList(s, q))
    all.sort((a, b) => Number(b.pinned) - Number(a.pinned) || (value(a) < value(b) ? -direction : value(a) > value(b) ? direction : 0) || direction * a.id.localeCompare(b.id))
    const offset = q.offset ?? 0
    const page = all.slice(offset, offset + (q.limit ?? 50))
    return { sessions: page, total: all.length, nextOffset: offset + page.length < all.length ? offset + page.length : null }
  }

  function search(q: RouteInput<'sessions.search'>): SearchHit[] {
    const hits = matcher(q.query)
    if (!hits) return []
    const found: SearchHit[] = []
    for (const s of sessions.values()) {
      if (s.deletedAt !== null || (q.tag !== undefined && !s.tags.includes(q.tag))) continue
      const inSession = messagesOf(s.id)
      const sameSource = (m: SessionMessage): boolean => (q.provider === undefined || m.provider === q.provider) && (q.model === undefined || m.model === q.model)
      // A title matches when the session's life overlaps the range and it has messages from that provider/model.
      const titleFits = (q.provider === undefined && q.model === undefined) || inSession.some(sameSource)
      const inRange = (q.from === undefined || s.updatedAt >= q.from) && (q.to === undefined || s.createdAt < q.to)
      if (titleFits && inRange && hits.all(s.title)) {
        found.push({ sessionId: s.id, sessionTitle: s.title, messageId: null, role: null, snippet: snippet(s.title, hits), rank: -2, createdAt: s.updatedAt })
      }
      for (const m of inSession) {
        if (!sameSource(m) || (q.from !== undefined && m.createdAt < q.from) || (q.to !== undefined && m.createdAt >= q.to) || !hits.all(m.text)) continue
        found.push({ sessionId: s.id, sessionTitle: s.title, messageId: m.id, role: m.role, snippet: snippet(m.text, hits), rank: -1, createdAt: m.createdAt })
      }
    }
    found.sort((a, b) => a.rank - b.rank || b.createdAt - a.createdAt)
    return found.slice(0, q.limit ?? 50)
  }

  function tags() {
    const counts = new Map<string, number>()
    for (const s of sessions.values()) if (s.deletedAt === null) for (const tag of s.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1)
    return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag))
  }

  function page(q: RouteInput<'sessions.messages'>) {
    const all = messagesOf(q.sessionId)
    const end = q.before === undefined ? all.length : all.findIndex((m) => m.id === q.before)
    if (end < 0) return notFound('message', q.before!)
    const start = Math.max(0, end - (q.limit ?? 100))
    const slice = all.slice(start, end)
    return ok({ messages: slice, nextBefore: start > 0 && slice.length > 0 ? slice[0]!.id : null })
  }

  /** Like the core: every assistant reply with usage, on every branch (each one was paid for). */
  function spend(id: string) {
    const replies = messagesOf(id).filter((m) => m.role === 'assistant' && m.usage !== null)
    const sum = (pick: (m: SessionMessage) => number | null | undefined): number => replies.reduce((total, m) => total + (pick(m) ?? 0), 0)
    return {
      inputTokens: sum((m) => m.usage?.inputTokens),
      outputTokens: sum((m) => m.usage?.outputTokens),
      costUsd: sum((m) => m.cost),
      estimated: replies.some((m) => m.usage?.estimated === true),
      replies: replies.length,
      unpriced: replies.filter((m) => m.cost === null).length,
    }
  }

  function exported(s: SessionSummary, format: RouteInput<'sessions.export'>['format']) {
    const body = messagesOf(s.id)
    if (format === 'json') return { filename: `${s.title}.json`, mime: 'application/json', content: JSON.stringify({ session: s, messages: body }) }
    if (format === 'html') return { filename: `${s.title}.html`, mime: 'text/html; charset=utf-8', content: `<!doctype html><title>${s.title}</title>` }
    return { filename: `${s.title}.md`, mime: 'text/markdown; charset=utf-8', content: `# ${s.title}\n\n${body.map((m) => `**${m.role}**: ${m.text}`).join('\n\n')}\n` }
  }

  function importFiles(paths: string[]) {
    let imported = 0
    let skipped = 0
    const errors: { file: string; message: string }[] = []
    for (const file of paths) {
      const outcome = options.importOutcome?.(file) ?? 'imported'
      if (outcome === 'skipped') skipped++
      else if (outcome !== 'imported') errors.push({ file, message: outcome })
      else {
        imported++
        const id = `imported-${nextId++}`
        const at = now()
        sessions.set(id, { id, title: `Imported ${file.split('/').pop()}`, createdAt: at, updatedAt: at, pinned: false, archived: false, deletedAt: null, workspace: null, tags: [], messageCount: 0, source: 'ollama-cli' })
      }
    }
    if (imported > 0) changed([])
    return { imported, skipped, errors }
  }

  const each = (ids: string[], change: (s: SessionSummary) => void): Result<unknown> => {
    const missing = ids.find((id) => !sessions.has(id))
    if (missing) return notFound('session', missing)
    ids.forEach((id) => change(sessions.get(id)!))
    changed(ids)
    return ok({ sessions: ids.map((id) => ({ ...sessions.get(id)! })) })
  }

  /** The branch routes (see fake-branches.ts), kept apart from `answer` so each stays readable. */
  const branchRoutes: Partial<Record<SessionRoute, (raw: unknown) => Result<unknown>>> = {
    'sessions.lifecycle': (raw) => {
      const { sessionId, state } = raw as RouteInput<'sessions.lifecycle'>
      return sessions.has(sessionId) ? ok({ fired: lifecycle(open, sessionId, state) }) : notFound('session', sessionId)
    },
    'sessions.branch': (raw) => {
      const q = raw as RouteInput<'sessions.branch'>
      if (!sessions.has(q.sessionId)) return notFound('session', q.sessionId)
      const found = branchPage(messagesOf(q.sessionId), leaves.get(q.sessionId), q)
      return found ? ok(found) : notFound('message', q.before!)
    },
    'sessions.setBranch': (raw) => {
      const { sessionId, messageId } = raw as RouteInput<'sessions.setBranch'>
      if (!messagesOf(sessionId).some((m) => m.id === messageId)) return notFound('message', messageId)
      const current = branchPage(messagesOf(sessionId), leaves.get(sessionId), { sessionId, limit: 1000 })!
      if (!current.messages.some((m) => m.id === messageId)) leaves.set(sessionId, newestUnder(messagesOf(sessionId), messageId))
      else if (current.leafId) leaves.set(sessionId, current.leafId)
      changed([sessionId])
      return ok({ leafId: leaves.get(sessionId)! })
    },
    'sessions.deleteMessage': (raw) => {
      const { sessionId, messageId } = raw as RouteInput<'sessions.deleteMessage'>
      const gone = messagesOf(sessionId).find((m) => m.id === messageId)
      if (!gone) return notFound('message', messageId)
      const reparented = messagesOf(sessionId).filter((m) => m.parentId === messageId).length
      const moved = messagesOf(sessionId).filter((m) => m !== gone).map((m) => (m.parentId === messageId ? { ...m, parentId: gone.parentId } : m))
      messages.set(sessionId, moved)
      if (leaves.get(sessionId) === messageId) leaves.delete(sessionId)
      changed([sessionId])
      return ok({ deletedId: messageId, reparented, leafId: leaves.get(sessionId) ?? moved.at(-1)?.id ?? null })
    },
  }

  /** A full disk (options.storage): the banner's route, and a create that does not fit. */
  function diskAnswer(route: SessionRoute): Result<unknown> | undefined {
    const full = options.storage?.readOnly ?? null
    if (route === 'sessions.storage') return ok({ readOnly: full })
    if (route === 'sessions.create' && full) return fail({ code: 'E_DISK_FULL', message: 'The disk holding your data is full: 0 MB free.', hint: full.hint, retryable: true })
    return undefined
  }

  /** Delete all chats: the fake keeps no backup file, it names one. */
  function deleteAll(route: SessionRoute, raw: unknown): Result<unknown> | undefined {
    if (route !== 'sessions.deleteAll') return undefined
    const valid = validate(route, raw)
    if (!valid.ok) return valid
    const deleted = sessions.size
    sessions.clear()
    return ok({ deleted, backup: '/tmp/data/backups/before-delete-all.sqlite' })
  }

  function answer(route: SessionRoute, raw: unknown): Result<unknown> {
    const valid = validate(route, raw)
    if (!valid.ok) return valid
    // The value passed the route's own input schema, so it has that route's input type.
    const input = <K extends SessionRoute>(_route: K): RouteInput<K> => valid.value as RouteInput<K>
    const get = (id: string): Result<SessionSummary> => {
      const s = sessions.get(id)
      return s ? ok({ ...s }) : notFound('session', id)
    }
    switch (route) {
      case 'sessions.list':
        return ok(list(input(route)))
      case 'sessions.get':
        return get(input(route).id)
      case 'sessions.spend': {
        const { id } = input(route)
        return sessions.has(id) ? ok(spend(id)) : notFound('session', id)
      }
      case 'sessions.create': {
        const { title, tags: initial } = input(route)
        const at = now()
        const s: SessionSummary = { id: `new-${nextId++}`, title: title ?? '', createdAt: at, updatedAt: at, pinned: false, archived: false, deletedAt: null, workspace: null, tags: initial ?? [], messageCount: 0, source: null }
        sessions.set(s.id, s)
        changed([s.id])
        return ok({ ...s })
      }
      case 'sessions.update': {
        const { id, title, pinned, archived, addTags, removeTags } = input(route)
        const s = sessions.get(id)
        if (!s) return notFound('session', id)
        if (title !== undefined) Object.assign(s, { title, updatedAt: now() })
        if (pinned !== undefined) s.pinned = pinned
        if (archived !== undefined) s.archived = archived
        if (addTags) s.tags = [...new Set([...s.tags, ...addTags.map((tag) => tag.trim())])]
        if (removeTags) s.tags = s.tags.filter((tag) => !removeTags.includes(tag))
        changed([id])
        return ok({ ...s })
      }
      case 'sessions.delete':
        return each(input(route).ids, (s) => (s.deletedAt ??= now()))
      case 'sessions.restore':
        return each(input(route).ids, (s) => (s.deletedAt = null))
      case 'sessions.messages': {
        const q = input(route)
        return sessions.has(q.sessionId) ? page(q) : notFound('session', q.sessionId)
      }
      case 'sessions.search':
        return ok({ hits: search(input(route)) })
      case 'sessions.tags':
        return ok({ tags: tags() })
      case 'sessions.stats':
        // Like the core: the trash counts; the size is a made-up but plausible figure.
        return ok({ sessions: sessions.size, messages: [...messages.values()].reduce((sum, list) => sum + list.length, 0), bytes: 4096 * (1 + messages.size) })
      case 'sessions.export': {
        const { id, format } = input(route)
        const s = sessions.get(id)
        return s ? ok(exported(s, format)) : notFound('session', id)
      }
      case 'sessions.importable':
        return ok({ files: options.importable ?? [] })
      case 'sessions.import':
        return ok(importFiles(input(route).paths))
      case 'sessions.backup':
        return ok(options.backup ?? { path: '/tmp/data/sessions/backups/manual-2025-01-01.sqlite', bytes: 2_500_000 })
      case 'sessions.restoreBackup': {
        const { mode = 'merge', confirmReplace } = input(route)
        if (mode === 'replace' && !confirmReplace) {
          return fail({ code: 'E_VALIDATION', message: 'Replacing your history needs confirmation.', hint: 'Pass confirmReplace, or merge instead.', retryable: false })
        }
        changed([])
        return ok({ mode, sessionsAdded: 0, messagesAdded: 0, snapshot: mode === 'replace' ? '/tmp/data/sessions/backups/before-restore.sqlite' : null })
      }
      case 'sessions.exportAll': {
        const live = [...sessions.values()].filter((s) => s.deletedAt === null).length
        return ok({ path: input(route).path, sessions: live, bytes: 1_000 + live * 500 })
      }
      case 'sessions.compact': {
        // As the core answers until a model provider can write the summary.
        const { sessionId } = input(route)
        return sessions.has(sessionId)
          ? fail({ code: 'E_UNSUPPORTED', message: 'Compacting needs a model to write the summary.', hint: 'Connect a model provider first; your messages are unchanged.', retryable: false })
          : notFound('session', sessionId)
      }
      default:
        return branchRoutes[route]!(valid.value)
    }
  }

  return {
    isSessionRoute: (route: string): route is SessionRoute => route.startsWith('sessions.') && Object.hasOwn(routes, route),
    /** Answers like the core, and checks the answer against the contract's output schema. */
    call(route: SessionRoute, input: unknown): Result<unknown> {
      const result = diskAnswer(route) ?? deleteAll(route, input) ?? answer(route, input)
      if (result.ok) routes[route].output.parse(result.value)
      return result
    },
    session: (id: string): SessionSummary | undefined => sessions.get(id),
    /**
     * A message arrives (as a reply being saved would), with the event the core sends; `quiet` holds
     * the event back, to prove a screen also refreshes on its own signal (a chat reply ending).
     */
    addMessage(message: SessionMessage, { quiet = false }: { quiet?: boolean } = {}): void {
      messages.set(message.sessionId, [...messagesOf(message.sessionId), message])
      leaves.delete(message.sessionId) // like the core: what is written is read next
      const session = sessions.get(message.sessionId)!
      Object.assign(session, { messageCount: session.messageCount + 1, updatedAt: message.createdAt })
      if (!quiet) changed([message.sessionId])
    },
    all: (): SessionSummary[] => [...sessions.values()],
  }
}
