/**
 * Public shapes of the session store. Every value here survives structuredClone (worker boundary).
 * Those that cross the contract are held equal to its schemas by contract-parity.ts.
 */

export type MessageRole = 'system' | 'user' | 'assistant' | 'tool'
export type MessageStatus = 'streaming' | 'complete' | 'error'

export type ContentPart = { type: 'text'; text: string } | { type: 'attachment'; sha256: string; name: string; mime: string }

/** Token counts. `estimated` marks counts we computed (chars / 4) because the provider gave none. */
export interface Usage {
  inputTokens?: number
  outputTokens?: number
  cachedTokens?: number
  estimated?: boolean
}

export interface ToolCall {
  id?: string
  name: string
  arguments: unknown
  /** On a tool result: who allowed or denied the call (the user, a rule, a hook), for the record. */
  decision?: string
}

export interface AttachmentInfo {
  sha256: string
  name: string
  mime: string
  size: number
}

export interface Message {
  id: string
  sessionId: string
  parentId: string | null
  role: MessageRole
  content: ContentPart[]
  /** Plain text of the message, what search indexes. */
  text: string
  reasoning: string | null
  toolCalls: ToolCall[] | null
  provider: string | null
  model: string | null
  usage: Usage | null
  cost: number | null
  /** Free-form durations, e.g. { firstTokenMs, totalMs }. */
  timings: Record<string, number> | null
  status: MessageStatus
  error: string | null
  createdAt: number
  updatedAt: number
  attachments: AttachmentInfo[]
}

export interface Session {
  id: string
  title: string
  createdAt: number
  updatedAt: number
  pinned: boolean
  archived: boolean
  /** Set when the session is in the trash (soft delete); null otherwise. */
  deletedAt: number | null
  workspace: string | null
  tags: string[]
  messageCount: number
  /** Where an imported session came from ('chatgpt', 'ollama-cli', 'qarin'), null for our own. */
  source: string | null
}

export interface NewSession {
  id?: string
  title?: string
  workspace?: string | null
  tags?: string[]
  createdAt?: number
}

export interface NewAttachment {
  name: string
  mime: string
  data: Uint8Array
}

export interface NewMessage {
  id?: string
  role: MessageRole
  /** Plain text; derived from `content` when omitted. */
  text?: string
  content?: ContentPart[]
  reasoning?: string | null
  toolCalls?: ToolCall[] | null
  provider?: string | null
  model?: string | null
  usage?: Usage | null
  cost?: number | null
  timings?: Record<string, number> | null
  status?: 'complete' | 'error'
  error?: string | null
  /** undefined: continue after the latest message; null: start a new root (a new branch). */
  parentId?: string | null
  createdAt?: number
  attachments?: NewAttachment[]
}

export interface StreamingMeta {
  role?: 'assistant' | 'tool'
  provider?: string | null
  model?: string | null
  parentId?: string | null
}

/**
 * What starting a chat turn writes, in one transaction and one call to the store's thread: the
 * session (an existing one by id, or a new one), the user's message (none when a reply is asked
 * again for a message already saved), and the reply's streaming row under it.
 */
export interface NewTurn {
  sessionId?: string
  /** The new session, when there is no sessionId. */
  session?: NewSession
  user: NewMessage | null
  /** The reply's row; its parent is the user's message when there is one. */
  reply: StreamingMeta
}

export interface StartedTurn {
  session: Session
  userMessage: Message | null
  reply: Message
}

export interface StreamingFinal {
  /** Who actually answered, when a fallback changed it after the reply began. */
  provider?: string | null
  model?: string | null
  usage?: Usage | null
  cost?: number | null
  timings?: Record<string, number> | null
  toolCalls?: ToolCall[] | null
}

export type SessionSort = 'updated' | 'created' | 'title'

export interface ListSessionsQuery {
  provider?: string
  model?: string
  tag?: string
  workspace?: string
  /** Inclusive lower and exclusive upper bound (ms since epoch) on `dateField`. */
  from?: number
  to?: number
  dateField?: 'created' | 'updated'
  /** undefined: both. */
  pinned?: boolean
  archived?: boolean
  /** Trash: soft-deleted sessions are hidden unless one of these is set. */
  includeDeleted?: boolean
  onlyDeleted?: boolean
  hasAttachments?: boolean
  sort?: SessionSort
  order?: 'asc' | 'desc'
  /** Pinned sessions first whatever the sort (default true). */
  pinnedFirst?: boolean
  limit?: number
  offset?: number
}

export interface SessionPage {
  sessions: Session[]
  total: number
  /** Pass as `offset` for the next page; null on the last page. */
  nextOffset: number | null
}

export interface MessagePageQuery {
  limit?: number
  /** A message id: returns the messages just before it (older). */
  before?: string
}

export interface MessagePage {
  /** Oldest first. */
  messages: Message[]
  /** Pass as `before` for the previous (older) page; null when this page reaches the start. */
  nextBefore: string | null
}

export interface SearchFilters {
  sessionId?: string
  provider?: string
  model?: string
  tag?: string
  /** Only messages with this role (title hits drop out). */
  role?: MessageRole
  /** Messages created in [from, to); a title hit needs the session's life to overlap it. */
  from?: number
  to?: number
  /** Archived sessions are searched unless this is false. */
  includeArchived?: boolean
  /** Sessions in the trash are skipped unless this is true. */
  includeDeleted?: boolean
  /**
   * 'ranked' (default): best first (bm25). 'recent': newest first without ranking, for search as
   * you type (exact words first, a bounded prefix when needed; see the README).
   */
  mode?: 'recent' | 'ranked'
  /** Default 50, at most 200. */
  limit?: number
  offset?: number
}

export interface SearchHit {
  sessionId: string
  sessionTitle: string
  /** null when the hit is the session title. */
  messageId: string | null
  role: MessageRole | null
  /** Matched words are wrapped in HIGHLIGHT_START / HIGHLIGHT_END. */
  snippet: string
  /** bm25: lower is better. */
  rank: number
  createdAt: number
}

export interface ContextWindowUsage {
  tokens: number
  /** True when any part of the figure is our chars / 4 estimate. */
  estimated: boolean
  messages: number
}

export type ExportFormat = 'markdown' | 'json' | 'html'

export interface ImportResult {
  imported: number
  skipped: number
  errors: { file: string; message: string }[]
}

export interface RestoreOptions {
  mode?: 'merge' | 'replace'
  confirmReplace?: boolean
}

export interface RestoreResult {
  mode: 'merge' | 'replace'
  sessionsAdded: number
  messagesAdded: number
  /** Copy of the history taken before a replace, null for merges. */
  snapshot: string | null
}

export interface BackupResult {
  path: string
  bytes: number
}

export interface ExportAllResult {
  path: string
  sessions: number
  bytes: number
}

/**
 * A summary that stands in for the older part of a conversation when it is sent to a model. The
 * summary is a message of its own (role 'system', never the parent of a reply); the originals stay.
 */
export interface Compaction {
  id: string
  sessionId: string
  summaryMessageId: string
  /** The last original message the summary covers: it and all its ancestors. */
  uptoMessageId: string
  /** The context before and after, in tokens (provider counts where known, else chars / 4). */
  tokensBefore: number
  tokensAfter: number
  createdAt: number
}

export interface CompactionPlanOptions {
  /** The model's context window, in tokens. */
  contextWindow: number
  /** Compact once the context reaches this share of the window (default 0.8). */
  threshold?: number
  /** Original messages kept word for word at the end (default 8). */
  keepRecent?: number
  /** Plan even below the threshold (a manual "compact now"). */
  force?: boolean
  /** The branch to look at; default: the one ending at the latest message. */
  leafId?: string
}

export interface CompactionPlan {
  /** What `recordCompaction` gets as `uptoMessageId`. */
  upto: string
  /** What the summarizer reads, oldest first: the previous summary (if any), then the originals. */
  toSummarize: Message[]
  tokensBefore: number
}

export interface NewCompaction {
  uptoMessageId: string
  summary: string
  provider?: string | null
  model?: string | null
  tokensBefore: number
  /** The branch whose context `tokensAfter` measures; default: the one ending at the latest message. */
  leafId?: string
}

/** Where a message stands among its versions (its siblings: same parent), oldest first, 1-based. */
export interface MessageVersion {
  index: number
  count: number
  /** The neighbouring versions' ids, null at either end. */
  previous: string | null
  next: string | null
}

export interface BranchPageQuery {
  limit?: number
  /** A message id on the branch: returns the messages just before it (older). */
  before?: string
}

export interface BranchPage {
  /** The branch being read, oldest first. */
  messages: Message[]
  /** Pass as `before` for the previous (older) page; null when this page reaches the start. */
  nextBefore: string | null
  /** The newest message of the branch (null in an empty session). */
  leafId: string | null
  /** Versions of the page's messages that have siblings, by message id. */
  versions: Record<string, MessageVersion>
}

/** Where a find-in-chat text occurs on the branch being read. */
export interface BranchFind {
  /** Messages holding the text, oldest first, with how often each does (case-insensitive, as typed). */
  matches: { messageId: string; count: number }[]
  /** Occurrences in all, also past the listed messages when truncated. */
  total: number
  /** More messages hold it than are listed (the first FIND_MESSAGES_MAX). */
  truncated: boolean
}

export interface DeletedMessage {
  deletedId: string
  /** Replies moved up to the deleted message's parent. */
  reparented: number
  /** The newest message of the branch now being read. */
  leafId: string | null
}

/** 'active': the branch being read (and its summaries); 'all': every version. */
export type ExportBranches = 'active' | 'all'
