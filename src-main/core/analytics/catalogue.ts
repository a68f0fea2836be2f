import { z } from 'zod'
import {
  AnalyticsEventTypeSchema,
  AppModeSchema,
  ProviderKindSchema,
  UpdateChannelSchema,
  type AnalyticsEventType,
  type AnalyticsFields,
} from '../../../src-shared/contract'
import { ValidationError, issuesOf } from '../errors'

/*
 * The closed catalogue of analytics events. Every field is an enum, a bucket, a boolean or a small
 * count, and every schema is strict: free text (a prompt, a path, a key) has no field to go in.
 */

export const DURATION_BUCKETS = ['<1s', '1-5s', '5-15s', '15-60s', '>60s'] as const
export const TOKEN_BUCKETS = ['0', '1-100', '101-1k', '1k-10k', '>10k'] as const
export const SIZE_BUCKETS = ['<1GB', '1-4GB', '4-10GB', '10-30GB', '>30GB'] as const
export const FEATURES = ['voice_dictation', 'compare', 'mcp', 'hooks', 'skills', 'cluster', 'web_companion', 'tracing', 'search', 'export', 'import'] as const

const count = z.number().int().min(0).max(1000)
/** Semver only: an app version is never anything else, so nothing else fits here. */
const version = z.string().regex(/^\d{1,4}\.\d{1,4}\.\d{1,6}(-[0-9A-Za-z.]{1,24})?$/, 'must be a version number like 1.2.3')

export const analyticsCatalogue = {
  app_started: z.object({ version, platform: z.enum(['darwin', 'win32', 'linux', 'other']), mode: AppModeSchema }).strict(),
  onboarding_completed: z.object({}).strict(),
  chat_completed: z
    .object({
      provider_kind: ProviderKindSchema,
      duration_ms_bucket: z.enum(DURATION_BUCKETS),
      tokens_bucket: z.enum(TOKEN_BUCKETS),
      tool_calls: count,
      fell_back: z.boolean(),
    })
    .strict(),
  model_pulled: z.object({ size_bucket: z.enum(SIZE_BUCKETS) }).strict(),
  update_checked: z.object({ channel: UpdateChannelSchema, outcome: z.enum(['up_to_date', 'available', 'failed']) }).strict(),
  feature_used: z.object({ feature: z.enum(FEATURES) }).strict(),
} satisfies Record<AnalyticsEventType, z.ZodType<AnalyticsFields>>

export type AnalyticsEventFields = { [K in AnalyticsEventType]: z.infer<(typeof analyticsCatalogue)[K]> }

export interface AnalyticsEvent {
  type: AnalyticsEventType
  fields: AnalyticsFields
}

/** Checks an event against the catalogue; anything outside it is a ValidationError naming the field. */
export function validateEvent(type: string, fields: unknown): AnalyticsEvent {
  const known = AnalyticsEventTypeSchema.safeParse(type)
  if (!known.success) {
    throw new ValidationError(`There is no analytics event named "${type.slice(0, 64)}".`, [{ path: 'type', message: `must be one of ${AnalyticsEventTypeSchema.options.join(', ')}` }])
  }
  const parsed = analyticsCatalogue[known.data].safeParse(fields)
  if (parsed.success) return { type: known.data, fields: parsed.data }
  const issues = issuesOf(parsed.error)
  const extra = parsed.error.issues.find((issue) => issue.code === 'unrecognized_keys')
  if (extra) {
    const names = extra.keys.map((key) => `"${key.slice(0, 64)}"`).join(', ')
    throw new ValidationError(`The ${known.data} event does not allow the field ${names}; only ${Object.keys(analyticsCatalogue[known.data].shape).join(', ') || 'no fields'}.`, issues)
  }
  const first = issues[0]
  throw new ValidationError(`The ${known.data} event's field "${first?.path ?? '(root)'}" ${first?.message ?? 'is not allowed'}; free text is never sent.`, issues)
}

function bucket<T extends string>(value: number, limits: number[], names: readonly T[]): T {
  const index = limits.findIndex((limit) => value < limit)
  return names[index === -1 ? names.length - 1 : index]!
}

export const durationBucket = (ms: number) => bucket(ms, [1_000, 5_000, 15_000, 60_000], DURATION_BUCKETS)
export const tokensBucket = (tokens: number) => bucket(tokens, [1, 101, 1_001, 10_001], TOKEN_BUCKETS)
const GB = 1024 ** 3
export const sizeBucket = (bytes: number) => bucket(bytes, [GB, 4 * GB, 10 * GB, 30 * GB], SIZE_BUCKETS)

export function platformOf(platform: string): AnalyticsEventFields['app_started']['platform'] {
  return platform === 'darwin' || platform === 'win32' || platform === 'linux' ? platform : 'other'
}
