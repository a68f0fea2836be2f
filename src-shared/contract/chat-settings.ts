import { z } from 'zod'
import { defineCapability } from './capability'
import { ChatTargetSchema } from './chat'
import { CHAT_PARAMS, ChatParamsSchema, ParamSupportSchema } from './chat-params'
import { ProviderIdSchema } from './providers'

/** Per-chat settings (kept with the session in the core), composer drafts, and Settings → Chat. */

/**
 * The agent a chat was started with (Agents → Start chat): its tool set holds for every turn. Its
 * prompt, model and parameters are written into the chat's own settings, where the user can change them.
 */
export const ChatAgentSchema = z
  .object({
    name: z.string().min(1, 'the agent has no name').max(64, 'an agent name is at most 64 characters'),
    /** null: every tool the chat has; [] none. Entries as the agent file writes them (`Bash(git:*)`, `mcp__github__*`). */
    tools: z.array(z.string().min(1).max(200)).max(200, 'at most 200 tools').nullable(),
    disallowedTools: z.array(z.string().min(1).max(200)).max(200, 'at most 200 tools').default([]),
  })
  .strict()
export type ChatAgent = z.infer<typeof ChatAgentSchema>

export const ChatSettingsSchema = z
  .object({
    /** The model this chat talks to; none: the default model from Settings → Chat. */
    target: ChatTargetSchema.optional(),
    system: z.string().max(50_000, 'the system prompt is at most 50,000 characters').optional(),
    params: ChatParamsSchema.prefault({}),
    agent: ChatAgentSchema.optional(),
    /** Knowledge bases whose passages go with every prompt of this chat (see core/knowledge), by id. */
    knowledge: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/, 'not a knowledge base id')).max(20, 'at most 20 knowledge bases per chat').optional(),
  })
  .strict()
export type ChatSettings = z.infer<typeof ChatSettingsSchema>

const SessionId = z.string().min(1, 'a session id is needed').max(64, 'not a session id').regex(/^[A-Za-z0-9_-]+$/, 'not a session id')
/** A draft's key: the session it belongs to, or `new` for the composer of a chat not started yet. */
export const DraftKeySchema = z.union([z.literal('new'), SessionId])

const FixedTarget = z.object({ providerId: ProviderIdSchema, model: z.string().min(1).max(200) }).strict()
const SendKeySchema = z.enum(['enter', 'mod-enter'])

export const ChatDefaultsSchema = z.object({
  /** New chats use this model; null: the first local model. */
  defaultTarget: FixedTarget.nullable().default(null),
  defaultSystem: z.string().max(50_000).default(''),
  /** Writes chat titles; null: the chat's own model. */
  titleTarget: FixedTarget.nullable().default(null),
  /** `enter` sends with Enter (Shift+Enter: new line); `mod-enter` sends with Ctrl/Cmd+Enter. */
  sendKey: SendKeySchema.default('enter'),
  /** Generate a title after the first reply. */
  autoTitle: z.boolean().default(true),
})
export type ChatDefaults = z.infer<typeof ChatDefaultsSchema>
const ChatDefaultsPatchSchema = z
  .object({ defaultTarget: FixedTarget.nullable(), defaultSystem: z.string().max(50_000), titleTarget: FixedTarget.nullable(), sendKey: SendKeySchema, autoTitle: z.boolean() })
  .partial()
  .strict()

export const ParamSupportTableSchema = z.object(Object.fromEntries(CHAT_PARAMS.map((name) => [name, ParamSupportSchema])) as Record<(typeof CHAT_PARAMS)[number], typeof ParamSupportSchema>)

const DraftSchema = z.object({ key: z.string(), body: z.string(), updatedAt: z.number() })

export const chatSettingsRoutes = {
  'chat.settings.get': {
    description: "A chat's settings; stored settings that do not parse give the defaults and a notice (no message is touched).",
    input: z.object({ sessionId: SessionId }).strict(),
    output: z.object({ settings: ChatSettingsSchema, notice: z.string().nullable() }),
  },
  'chat.settings.set': {
    description: "Replace a chat's settings (model, system prompt, parameters); returns them as saved.",
    input: z.object({ sessionId: SessionId, settings: ChatSettingsSchema }).strict(),
    output: z.object({ settings: ChatSettingsSchema }),
  },
  'chat.parameters': {
    description: 'How a provider takes each chat parameter (sent as which field, maybe ignored, or not supported), for the model given.',
    input: z.object({ providerId: ProviderIdSchema, model: z.string().max(200).optional() }).strict(),
    output: z.object({ dialect: z.string(), params: ParamSupportTableSchema }),
  },
  'chat.model.check': {
    description: "Whether a chat's model is still offered; if not, alternatives: the same provider's and family's models first, then the default model.",
    input: z.object({ target: FixedTarget }).strict(),
    output: z.object({ available: z.boolean(), alternatives: z.array(FixedTarget.extend({ reason: z.enum(['family', 'provider', 'default']) })) }),
  },
  'chat.drafts.get': {
    description: "The composer's unsent text for a chat (or `new`); null when there is none.",
    input: z.object({ key: DraftKeySchema }).strict(),
    output: DraftSchema.nullable(),
  },
  'chat.drafts.set': {
    description: "Save the composer's unsent text; an empty body clears it.",
    input: z.object({ key: DraftKeySchema, body: z.string().max(200_000, 'a draft is at most 200,000 characters') }).strict(),
    output: z.object({ ok: z.literal(true) }),
  },
  'chat.drafts.clear': {
    description: 'Forget the draft of a chat (after sending it).',
    input: z.object({ key: DraftKeySchema }).strict(),
    output: z.object({ ok: z.literal(true) }),
  },
} as const

export const chatSettingsCapability = defineCapability({
  name: 'chatSettings',
  routes: chatSettingsRoutes,
  settings: { chat: { schema: ChatDefaultsSchema, patch: ChatDefaultsPatchSchema } },
})
