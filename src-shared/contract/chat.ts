import { z } from 'zod'
import { PermissionRequestSchema } from './agent'
import { ATTACHMENT_LIMITS, DocumentRefSchema } from './attachments'
import { defineCapability } from './capability'
import { chatContextRoutes, CompactionSettingsPatchSchema, CompactionSettingsSchema } from './chat-context'
import { ChatParamsSchema } from './chat-params'
import { ProviderIdSchema } from './providers'
import { MessageSchema } from './sessions'

/** The chat turn: a message in, the reply streamed back (with retries, fallbacks, tools and hooks) and saved. */

export const ChatTargetSchema = z.union([
  z.object({ providerId: ProviderIdSchema, model: z.string().min(1).max(200) }).strict(),
  /** Let routing choose: the fallback chain, or the cheapest capable model under the `cheapest` policy. */
  z.object({ auto: z.literal(true) }).strict(),
])
export type ChatTarget = z.infer<typeof ChatTargetSchema>

export const ImageInputSchema = z
  .object({
    name: z.string().max(255),
    mime: z.enum(['image/png', 'image/jpeg', 'image/webp', 'image/gif']),
    /** Base64 without a data: prefix. The renderer scales pictures down first. */
    data: z.string().max(900_000, 'this picture is too large; attach one under 650 KB').regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64'),
  })
  .strict()

/** A regenerate, a continue or a reply to a stored prompt: no new prompt is written. */
export const reusesPrompt = (input: { regenerate?: string | undefined; continueOf?: string | undefined; replyTo?: string | undefined }): boolean =>
  input.regenerate !== undefined || input.continueOf !== undefined || input.replyTo !== undefined

export const ChatSendInputSchema = z
  .object({
    /** Omit to start a new session. */
    sessionId: z.string().min(1).max(64).optional(),
    text: z.string().max(200_000),
    images: z.array(ImageInputSchema).max(4).optional(),
    /** Documents staged with `attachments.upload`: their text goes to the model fenced under the file name. */
    documents: z.array(DocumentRefSchema).max(ATTACHMENT_LIMITS.maxDocuments, `at most ${ATTACHMENT_LIMITS.maxDocuments} documents per message`).optional(),
    target: ChatTargetSchema,
    /** Replace this assistant reply with a new one (same prompt). */
    regenerate: z.string().max(64).optional(),
    /** Edit this user message and resend: a new branch from its parent. */
    editOf: z.string().max(64).optional(),
    /** Continue this (stopped) reply: the model writes on from its end, into the same message. */
    continueOf: z.string().max(64).optional(),
    /** Answer this stored prompt again (another model's version beside the first: Compare). */
    replyTo: z.string().max(64).optional(),
    system: z.string().max(50_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    reasoning: z.boolean().optional(),
    /** Sampling parameters for this turn; they win over the chat's stored ones and are stored with it. */
    params: ChatParamsSchema.optional(),
    /** A workspace folder the user granted: built-in tools and workspace hooks work inside it. */
    workspace: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .refine((input) => input.text.trim().length > 0 || (input.images?.length ?? 0) > 0 || (input.documents?.length ?? 0) > 0 || reusesPrompt(input), {
    message: 'write a message or attach a picture or a file',
    path: ['text'],
  })
  .refine((input) => [input.regenerate, input.editOf, input.continueOf, input.replyTo].filter((id) => id !== undefined).length <= 1, {
    message: 'regenerate, editOf, continueOf and replyTo are ways to send; pick one',
    path: ['regenerate'],
  })
export type ChatSendInput = z.input<typeof ChatSendInputSchema>

const UsageOut = z.object({ inputTokens: z.number(), outputTokens: z.number(), cachedTokens: z.number().optional(), estimated: z.boolean() })

export const AttemptSchema = z.object({
  providerId: z.string(),
  model: z.string(),
  outcome: z.enum(['answered', 'failed', 'skipped']),
  /** Why it failed or was skipped, for the user ("circuit open", "no vision", "401 from the API"). */
  reason: z.string().optional(),
  code: z.string().optional(),
})
export type Attempt = z.infer<typeof AttemptSchema>

export const ChatEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), sessionId: z.string(), userMessageId: z.string().nullable(), assistantMessageId: z.string() }),
  /**
   * A new round of the same turn begins (after tool results, or a Stop hook's continuation): its
   * reply streams into its own message, `assistantMessageId`, which follows `parentId`. The text
   * events after it belong to that message; the earlier rounds are stored as they ended.
   */
  z.object({ type: z.literal('round'), assistantMessageId: z.string(), parentId: z.string() }),
  z.object({ type: z.literal('attempt'), attempt: AttemptSchema }),
  z.object({ type: z.literal('retry'), providerId: z.string(), model: z.string(), attempt: z.number(), delayMs: z.number(), reason: z.string() }),
  z.object({ type: z.literal('answering'), providerId: z.string(), model: z.string() }),
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('reasoning'), text: z.string() }),
  z.object({ type: z.literal('tool_call'), call: z.object({ id: z.string().optional(), name: z.string(), arguments: z.unknown() }) }),
  z.object({ type: z.literal('usage'), usage: UsageOut, costUsd: z.number().nullable() }),
  z.object({ type: z.literal('budget'), state: z.enum(['warn']), message: z.string() }),
  /** A tool call waits for the user: answer with the `tools.decide` route. */
  z.object({ type: z.literal('permission'), request: PermissionRequestSchema }),
  z.object({ type: z.literal('tool_result'), callId: z.string(), name: z.string(), ok: z.boolean(), output: z.string(), decision: z.string().optional() }),
  /** A hook blocked something or has a message for the user. */
  z.object({ type: z.literal('hook'), event: z.string(), blocked: z.boolean(), message: z.string() }),
  /** Something the user should know about this turn, e.g. a parameter the provider does not take. */
  z.object({ type: z.literal('notice'), message: z.string() }),
])
export type ChatEvent = z.infer<typeof ChatEventSchema>

export const chatStreams = {
  'chat.send': {
    description: 'Send a message and stream the reply, with retries and fallbacks; the reply is saved as it streams.',
    input: ChatSendInputSchema,
    event: ChatEventSchema,
    result: z.object({ sessionId: z.string(), message: MessageSchema, attempts: z.array(AttemptSchema) }),
  },
} as const

export const chatCapability = defineCapability({
  name: 'chat',
  routes: chatContextRoutes,
  streams: chatStreams,
  settings: { compaction: { schema: CompactionSettingsSchema, patch: CompactionSettingsPatchSchema } },
})
