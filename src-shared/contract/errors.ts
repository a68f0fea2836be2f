import { z } from 'zod'

/** Stable error codes. The renderer and CLI branch on these, never on message text. */
export const errorCodes = [
  'E_VALIDATION',
  'E_PAYLOAD_TOO_LARGE',
  'E_UNKNOWN_ROUTE',
  'E_UNAUTHORIZED',
  'E_FORBIDDEN',
  'E_NOT_FOUND',
  'E_CONFIG',
  'E_IO',
  'E_NETWORK',
  'E_TIMEOUT',
  'E_CANCELLED',
  'E_UNSUPPORTED',
  // The disk holding the data folder is full: the message says how much is free.
  'E_DISK_FULL',
  // Model providers (mapped from each SDK's errors; see src-main/core/providers/errors.ts)
  'E_AUTH',
  'E_RATE_LIMITED',
  'E_QUOTA',
  'E_CONTEXT_LENGTH',
  'E_MODEL_NOT_FOUND',
  'E_PROVIDER_SERVER',
  'E_CONTENT_FILTERED',
  'E_BAD_RESPONSE',
  'E_BUDGET',
  'E_NO_PROVIDER',
  // A hook (UserPromptSubmit, SkillTrigger …) refused; the message carries its reason.
  'E_BLOCKED',
  // A speech model file is missing, truncated or not an ONNX model; re-download it.
  'E_VOICE_MODEL_INVALID',
  'E_INTERNAL',
] as const

export const ErrorCodeSchema = z.enum(errorCodes)
export type ErrorCode = z.infer<typeof ErrorCodeSchema>

export const ErrorIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
})
export type ErrorIssue = z.infer<typeof ErrorIssueSchema>

/** What an error looks like when it crosses a process or network boundary. No stacks, ever. */
export const ErrorShapeSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  hint: z.string().optional(),
  retryable: z.boolean(),
  /** Rate limits: how long the provider asked us to wait. */
  retryAfterMs: z.number().optional(),
  issues: z.array(ErrorIssueSchema).optional(),
})
export type ErrorShape = z.infer<typeof ErrorShapeSchema>

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorShape }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = <T = never>(error: ErrorShape): Result<T> => ({ ok: false, error })
