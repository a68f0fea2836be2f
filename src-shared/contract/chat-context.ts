import { z } from 'zod'

/**
 * How full a chat's context window is, and compaction: what the context meter shows, the share of
 * the window that triggers automatic compaction before a send, and the summaries already written.
 * The routes are part of the chat capability (chat.ts), which knows the models' windows.
 */

/** The meter turns to its warning style from this share of the window. */
export const CONTEXT_WARN_SHARE = 0.8
/** The window assumed when a model's is unknown (Ollama's default `num_ctx`). */
export const DEFAULT_CONTEXT_WINDOW = 8192
/** Automatic compaction's default threshold (the original CLI's). */
export const DEFAULT_COMPACT_THRESHOLD = 0.85

const Threshold = z
  .number({ error: 'the compaction threshold must be a number' })
  .min(0.5, 'the compaction threshold must be at least 50 % of the window')
  .max(0.99, 'the compaction threshold must be at most 99 % of the window')

export const CompactionSettingsSchema = z.object({
  /** Summarise older messages before a send when the context passes `threshold` of the window. */
  auto: z.boolean().default(true),
  threshold: Threshold.default(DEFAULT_COMPACT_THRESHOLD),
})
export const CompactionSettingsPatchSchema = z.object({ auto: z.boolean(), threshold: Threshold }).partial().strict()
export type CompactionSettings = z.infer<typeof CompactionSettingsSchema>

export const CompactionEntrySchema = z.object({
  summaryMessageId: z.string(),
  /** The newest original message the summary covers (it and its ancestors). */
  uptoMessageId: z.string(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  createdAt: z.number(),
  /** What the model is sent in place of the originals. */
  summary: z.string(),
})
export type CompactionEntry = z.infer<typeof CompactionEntrySchema>

export const ChatContextSchema = z.object({
  /** Tokens the next request would put in the window (the summary standing in for older messages). */
  tokens: z.number(),
  estimated: z.boolean(),
  messages: z.number(),
  contextWindow: z.number(),
  /** `chat`: the chat's own context length (Ollama's `num_ctx`); `model`: the model's own window; `default`: unknown, so Ollama's default is assumed. */
  windowSource: z.enum(['chat', 'model', 'default']),
  /** The model whose window this is: the one asked about, else the latest reply's. */
  model: z.object({ providerId: z.string(), model: z.string() }).nullable(),
  warnAt: z.number(),
  /** The share that triggers automatic compaction; null when it is turned off. */
  compactAt: z.number().nullable(),
  compactions: z.array(CompactionEntrySchema),
})
export type ChatContext = z.infer<typeof ChatContextSchema>

export const chatContextRoutes = {
  'chat.context': {
    description: 'How full a chat’s context window is (tokens used of the model’s window), when it will be compacted, and the summaries written so far.',
    input: z
      .object({
        sessionId: z.string().min(1, 'a session id is needed').max(64),
        /** The model the next message goes to; without it, the model of the latest reply. */
        providerId: z.string().min(1).max(64).optional(),
        model: z.string().min(1).max(200).optional(),
      })
      .strict()
      .refine((input) => (input.providerId === undefined) === (input.model === undefined), { message: 'give both providerId and model, or neither', path: ['model'] }),
    output: ChatContextSchema,
  },
} as const
