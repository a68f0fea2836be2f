import { z } from 'zod'

/**
 * The sampling parameters a chat can set, as the app names them. Each provider kind maps them to
 * its own fields (src-main/core/providers/parameters.ts, rendered in docs/parameters.md).
 */
export const CHAT_PARAMS = ['temperature', 'topP', 'topK', 'maxTokens', 'contextLength', 'seed', 'stop', 'reasoningEffort'] as const
export type ChatParamName = (typeof CHAT_PARAMS)[number]

export const ReasoningEffortSchema = z.enum(['low', 'medium', 'high'])
export type ReasoningEffort = z.infer<typeof ReasoningEffortSchema>

export const ChatParamsSchema = z
  .object({
    temperature: z.number().min(0, 'temperature is 0 to 2').max(2, 'temperature is 0 to 2').optional(),
    topP: z.number().min(0, 'top_p is 0 to 1').max(1, 'top_p is 0 to 1').optional(),
    topK: z.number().int('top_k is a whole number').min(1, 'top_k is at least 1').max(1000, 'top_k is at most 1000').optional(),
    maxTokens: z.number().int('max output tokens is a whole number').min(1, 'max output tokens is at least 1').max(1_000_000).optional(),
    /** Ollama's num_ctx: the context window the model is loaded with. */
    contextLength: z.number().int('context length is a whole number').min(256, 'context length is at least 256').max(2_097_152).optional(),
    seed: z.number().int('the seed is a whole number').min(0, 'the seed is 0 or more').max(2_147_483_647).optional(),
    stop: z.array(z.string().min(1, 'a stop sequence cannot be empty').max(100)).max(4, 'at most 4 stop sequences').optional(),
    reasoningEffort: ReasoningEffortSchema.optional(),
  })
  .strict()
export type ChatParams = z.infer<typeof ChatParamsSchema>

/** How a provider kind takes one parameter: sent as `field`; `maybe`: sent, but the server may ignore it; `no`: not sent, the user is told. */
export const ParamSupportSchema = z.object({ support: z.enum(['yes', 'maybe', 'no']), field: z.string().nullable(), note: z.string().optional() })
export type ParamSupport = z.infer<typeof ParamSupportSchema>
