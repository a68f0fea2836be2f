import { z } from 'zod'
import { defineCapability } from './capability'

/** What `sessions.deleteAll` needs as `confirm`: typed on purpose, never a default. */
export const DELETE_ALL_CONFIRMATION = 'delete all my chats'

/** The longest instructions "Compact now" takes for the summary (Claude Code's `/compact <instructions>`). */
export const COMPACT_INSTRUCTIONS_MAX = 2000

/**
 * Session history shapes as they cross the contract. The store's own types
 * (src-main/core/sessions/types.ts) describe the same values; contract-parity.ts next to them makes
 * the compiler hold the two equal.
 */
const Id = z.string().min(1).max(64)
const Time = z.number().int().min(0)
const Short = z.string().max(200)

export const MessageRoleSchema = z.enum(['system', 'user', 'assistant', 'tool'])

export const SessionSchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  pinned: z.boolean(),
  archived: z.boolean(),
  deletedAt: z.number().nullable(),
  workspace: z.string().nullable(),
  tags: z.array(z.string()),
  messageCount: z.number(),
  source: z.string().nullable(),
})
export type SessionSummary = z.infer<typeof SessionSchema>

const UsageSchema = z.object({
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  cachedTokens: z.number().optional(),
  estimated: z.boolean().optional(),
})

export const MessageSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  parentId: z.string().nullable(),
  role: MessageRoleSchema,
  content: z.array(
    z.union([
      z.object({ type: z.literal('text'), text: z.string() }),
      z.object({ type: z.literal('attachment'), sha256: z.string(), name: z.string(), mime: z.string() }),
    ]),
  ),
  text: z.string(),
  reasoning: z.string().nullable(),
  toolCalls: z.array(z.object({ id: z.string().optional(), name: z.string(), arguments: z.unknown(), decision: z.string().optional() })).nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  usage: UsageSchema.nullable(),
  cost: z.number().nullable(),
  timings: z.record(z.string(), z.number()).nullable(),
  status: z.enum(['streaming', 'complete', 'error']),
  error: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  attachments: z.array(z.object({ sha256: z.string(), name: z.string(), mime: z.string(), size: z.number() })),
})
export type SessionMessage = z.infer<typeof MessageSchema>

export const ListSessionsInputSchema = z
  .object({
    provider: Short.optional(),
    model: Short.optional(),
    tag: Short.optional(),
    from: Time.optional(),
    to: Time.optional(),
    pinned: z.boolean().optional(),
    archived: z.boolean().optional(),
    onlyDeleted: z.boolean().optional(),
    hasAttachments: z.boolean().optional(),
    sort: z.enum(['updated', 'created', 'title']).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.number().int().min(1).max(500).optional(),
    offset: z.number().int().min(0).optional(),
  })
  .strict()
export type ListSessionsInput = z.input<typeof ListSessionsInputSchema>

export const SearchHitSchema = z.object({
  sessionId: z.string(),
  sessionTitle: z.string(),
  messageId: z.string().nullable(),
  role: MessageRoleSchema.nullable(),
  /** Matched words are wrapped in HIGHLIGHT_START / HIGHLIGHT_END. */
  snippet: z.string(),
  rank: z.number(),
  createdAt: z.number(),
})
export type SearchHit = z.infer<typeof SearchHitSchema>

/** Control characters that never occur in chat text mark the highlighted words of a snippet. */
export const HIGHLIGHT_START = '\u0002'
export const HIGHLIGHT_END = '\u0003'

export const MessageVersionSchema = z.object({
  /** 1-based place among the message's versions (siblings: same parent), oldest first. */
  index: z.number(),
  count: z.number(),
  previous: z.string().nullable(),
  next: z.string().nullable(),
})
export type MessageVersion = z.infer<typeof MessageVersionSchema>

/** Why the history cannot save anything right now. */
export const ReadOnlyReasonSchema = z.object({ reason: z.literal('disk-full'), message: z.string(), hint: z.string() })
export type ReadOnlyReason = z.infer<typeof ReadOnlyReasonSchema>

export const ExportFormatSchema = z.enum(['markdown', 'json', 'html'])

const Ids = z.array(Id).min(1).max(500)

export const sessionRoutes = {
  'sessions.list': {
    description: 'A page of sessions, filtered and sorted; pinned first.',
    input: ListSessionsInputSchema,
    output: z.object({ sessions: z.array(SessionSchema), total: z.number(), nextOffset: z.number().nullable() }),
  },
  'sessions.spend': {
    description: 'Tokens and cost of every reply in a session.',
    input: z.object({ id: Id }).strict(),
    output: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number(), estimated: z.boolean(), replies: z.number(), unpriced: z.number() }),
  },
  'sessions.get': {
    description: 'One session.',
    input: z.object({ id: Id }).strict(),
    output: SessionSchema,
  },
  'sessions.create': {
    description: 'A new, empty session.',
    input: z.object({ title: z.string().max(500).optional(), tags: z.array(Short).max(50).optional() }).strict(),
    output: SessionSchema,
  },
  'sessions.update': {
    description: 'Rename, pin, archive or tag a session.',
    input: z
      .object({
        id: Id,
        title: z.string().trim().min(1, 'a title cannot be empty').max(500).optional(),
        pinned: z.boolean().optional(),
        archived: z.boolean().optional(),
        addTags: z.array(Short.min(1)).max(50).optional(),
        removeTags: z.array(Short.min(1)).max(50).optional(),
      })
      .strict(),
    output: SessionSchema,
  },
  'sessions.delete': {
    description: 'Move sessions to the trash (undo with sessions.restore).',
    input: z.object({ ids: Ids }).strict(),
    output: z.object({ sessions: z.array(SessionSchema) }),
  },
  'sessions.restore': {
    description: 'Bring sessions back from the trash.',
    input: z.object({ ids: Ids }).strict(),
    output: z.object({ sessions: z.array(SessionSchema) }),
  },
  'sessions.messages': {
    description: 'A page of a session’s messages, oldest first; `before` pages back.',
    input: z.object({ sessionId: Id, before: Id.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    output: z.object({ messages: z.array(MessageSchema), nextBefore: z.string().nullable() }),
  },
  'sessions.branch': {
    description:
      'A page of the branch being read (oldest first; `before` pages back), with the versions ‹2/3› of its messages. The branch is kept with the session, so reopening shows the same one.',
    input: z.object({ sessionId: Id, before: Id.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    output: z.object({ messages: z.array(MessageSchema), nextBefore: z.string().nullable(), leafId: z.string().nullable(), versions: z.record(z.string(), MessageVersionSchema) }),
  },
  'sessions.find': {
    description:
      'Find in chat: the messages of the branch being read that hold this text (case-insensitive, as typed; compaction summaries aside), oldest first, with how often each does. Lists at most 5,000 messages; `total` counts every occurrence.',
    input: z
      .object({
        sessionId: Id,
        query: z.string({ error: 'query must be the text to find' }).min(1, 'query is empty: type the text to find').max(500, 'query is too long: find at most 500 characters'),
      })
      .strict(),
    output: z.object({ matches: z.array(z.object({ messageId: z.string(), count: z.number().int().min(1) })), total: z.number().int().min(0), truncated: z.boolean() }),
  },
  'sessions.setBranch': {
    description: 'Read the branch through this message from now on (a version switcher, a search hit on another branch): the newest message under it becomes the leaf.',
    input: z.object({ sessionId: Id, messageId: Id }).strict(),
    output: z.object({ leafId: z.string() }),
  },
  'sessions.deleteMessage': {
    description: 'Delete one message. Its replies move up to its parent, so no other message is lost.',
    input: z.object({ sessionId: Id, messageId: Id }).strict(),
    output: z.object({ deletedId: z.string(), reparented: z.number(), leafId: z.string().nullable() }),
  },
  'sessions.search': {
    description:
      'Full-text search over titles and messages; accepts any text. mode "recent" (default): newest first, for search as you type (whole words first, a prefix of the last word when they do not fill the page; a last word of one or two characters matches whole words, and titles by prefix). mode "ranked": best first.',
    input: z
      .object({
        query: z.string().max(1000),
        mode: z.enum(['recent', 'ranked'], { error: 'mode must be "recent" (newest first, as you type) or "ranked" (best first)' }).optional(),
        tag: Short.optional(),
        provider: Short.optional(),
        model: Short.optional(),
        from: Time.optional(),
        to: Time.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
    output: z.object({ hits: z.array(SearchHitSchema) }),
  },
  'sessions.stats': {
    description: 'How many sessions (the trash included) and messages the history holds, and its database’s size on disk (with its write-ahead log).',
    input: z.object({}).strict(),
    output: z.object({ sessions: z.number().int().min(0), messages: z.number().int().min(0), bytes: z.number().int().min(0) }),
  },
  'sessions.storage': {
    description: 'Whether new messages can be saved now: on a full disk the history opens read-only (reading and search work) until there is room again.',
    input: z.object({}).strict(),
    output: z.object({ readOnly: ReadOnlyReasonSchema.nullable() }),
  },
  'sessions.tags': {
    description: 'Every tag in use, with how many sessions carry it.',
    input: z.object({}).strict(),
    output: z.object({ tags: z.array(z.object({ tag: z.string(), count: z.number() })) }),
  },
  'sessions.export': {
    description: 'One session as Markdown, JSON (re-importable) or self-contained HTML: the branch being read, or every version with `branches: "all"`.',
    input: z.object({ id: Id, format: ExportFormatSchema, branches: z.enum(['active', 'all']).optional() }).strict(),
    output: z.object({ filename: z.string(), mime: z.string(), content: z.string() }),
  },
  'sessions.importable': {
    description: 'Session files of the original ollama-cli found in the home folder.',
    input: z.object({}).strict(),
    output: z.object({ files: z.array(z.string()) }),
  },
  'sessions.import': {
    description: 'Import session files (ollama-cli, ChatGPT conversations.json, our JSON) from paths on this machine.',
    input: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
    output: z.object({
      imported: z.number(),
      skipped: z.number(),
      errors: z.array(z.object({ file: z.string(), message: z.string() })),
    }),
  },
  'sessions.backup': {
    description: 'A full copy of the history in the data folder’s backups.',
    input: z.object({}).strict(),
    output: z.object({ path: z.string(), bytes: z.number() }),
  },
  'sessions.restoreBackup': {
    description:
      'Bring back history from a backup file. Merges by session id unless `replace` is asked for, which also needs `confirmReplace` and snapshots the current history first.',
    input: z.object({ path: z.string().min(1).max(4096), mode: z.enum(['merge', 'replace']).optional(), confirmReplace: z.boolean().optional() }).strict(),
    output: z.object({ mode: z.enum(['merge', 'replace']), sessionsAdded: z.number(), messagesAdded: z.number(), snapshot: z.string().nullable() }),
  },
  'sessions.compact': {
    description:
      'Summarise the older part of a long chat so it fits the model’s context window (`force`: even below the 80 % threshold; `instructions`: what the summary should focus on, also told to PreCompact hooks as `custom_instructions`). Originals stay; the summary is a system message.',
    input: z
      .object({
        sessionId: Id,
        contextWindow: z.number().int().min(256).max(10_000_000).optional(),
        force: z.boolean().optional(),
        instructions: z
          .string({ error: 'the instructions must be text' })
          .trim()
          .max(COMPACT_INSTRUCTIONS_MAX, `keep the instructions for the summary under ${COMPACT_INSTRUCTIONS_MAX.toLocaleString('en')} characters`)
          .optional(),
      })
      .strict(),
    output: z.discriminatedUnion('compacted', [
      z.object({ compacted: z.literal(false), reason: z.enum(['below-threshold', 'nothing-to-compact']), tokens: z.number() }),
      z.object({ compacted: z.literal(true), summaryMessageId: z.string(), messagesSummarized: z.number(), tokensBefore: z.number(), tokensAfter: z.number() }),
    ]),
  },
  'sessions.lifecycle': {
    description:
      'A window opened, closed or cleared (New chat) a chat, for the lifecycle hooks: `opened` fires SessionStart with source `resume` unless the chat is open already; `closed` and `cleared` fire SessionEnd with reason `other` or `clear` if it is open. `fired` says which ran.',
    input: z
      .object({
        sessionId: z.string({ error: 'sessionId: a session id is needed' }).min(1, 'sessionId: a session id is needed').max(64, 'sessionId: not a session id (at most 64 characters)'),
        state: z.enum(['opened', 'closed', 'cleared'], { error: 'state: must be "opened", "closed" or "cleared"' }),
      })
      .strict(),
    output: z.object({ fired: z.enum(['SessionStart', 'SessionEnd']).nullable() }),
  },
  'sessions.deleteAll': {
    description: `Delete every chat for good, the trash included. Needs \`confirm: "${DELETE_ALL_CONFIRMATION}"\`. A backup of the whole history is made first; its path is in the answer.`,
    input: z.object({ confirm: z.literal(DELETE_ALL_CONFIRMATION, { error: `confirm must be exactly "${DELETE_ALL_CONFIRMATION}": deleting every chat needs that confirmation` }) }).strict(),
    output: z.object({ deleted: z.number().int().min(0), backup: z.string() }),
  },
  'sessions.exportAll': {
    description:
      'Every session (JSON and Markdown) in one zip file on this machine: an absolute path in an existing folder; an existing file is replaced only with `overwrite`.',
    input: z.object({ path: z.string().min(1).max(4096), overwrite: z.boolean().optional() }).strict(),
    output: z.object({ path: z.string(), sessions: z.number(), bytes: z.number() }),
  },
} as const

export const sessionEvents = {
  /** Sessions were created, changed, deleted or restored (by any window, the CLI or an import). */
  'sessions.changed': z.object({ ids: z.array(z.string()) }),
} as const

export const sessionsCapability = defineCapability({ name: 'sessions', routes: sessionRoutes, events: sessionEvents })
