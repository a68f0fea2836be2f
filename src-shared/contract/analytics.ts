import { z } from 'zod'
import { defineCapability } from './capability'

/** Opt-in usage analytics: consent, a closed set of events, and the local log of what was sent. */

/** `unasked` until the user answers the one-time question; only `granted` ever sends anything. */
export const AnalyticsConsentSchema = z.enum(['unasked', 'granted', 'denied'])
export type AnalyticsConsent = z.infer<typeof AnalyticsConsentSchema>

/** Where events go: an http(s) address the user chose (self-hostable), or '' for nowhere. */
export const AnalyticsEndpointSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    if (value === '') return true
    try {
      const url = new URL(value)
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === ''
    } catch {
      return false
    }
  }, 'must be empty or an http:// or https:// address without a user name or password, e.g. https://stats.example.org/events')

/** The closed set of event types; each one's allowed fields live in src-main/core/analytics/catalogue.ts. */
export const AnalyticsEventTypeSchema = z.enum(['app_started', 'onboarding_completed', 'chat_completed', 'model_pulled', 'update_checked', 'feature_used'])
export type AnalyticsEventType = z.infer<typeof AnalyticsEventTypeSchema>

/** Field values are enums, buckets, booleans or small counts: never free text. */
export const AnalyticsFieldValueSchema = z.union([z.string(), z.number(), z.boolean()])
export type AnalyticsFields = Record<string, z.infer<typeof AnalyticsFieldValueSchema>>

/** Settings section `analytics`: every field has a default so older settings files still parse. */
export const AnalyticsSettingsSchema = z.object({
  consent: AnalyticsConsentSchema.default('unasked'),
  /** Empty by default: even with consent nothing is sent until an address is set. */
  endpoint: AnalyticsEndpointSchema.default(''),
})
export type AnalyticsSettings = z.infer<typeof AnalyticsSettingsSchema>
/** A partial update of the `analytics` section; unknown keys are refused. */
export const AnalyticsSettingsPatchSchema = z.object({ consent: AnalyticsConsentSchema, endpoint: AnalyticsEndpointSchema }).partial().strict()

export const AnalyticsStatusSchema = z.object({
  consent: AnalyticsConsentSchema,
  endpoint: z.string(),
  /** The random id sent with every batch; null unless consent is granted. */
  installId: z.string().nullable(),
  /** Consent granted and an endpoint set: only then is anything recorded. */
  active: z.boolean(),
  /** Events waiting for the next batch. */
  queued: z.number().int().nonnegative(),
  /** Since the app started. */
  sent: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Events dropped because the queue was full. */
  dropped: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
})
export type AnalyticsStatus = z.infer<typeof AnalyticsStatusSchema>

/** One line of the local log: an event exactly as it went out, and whether the endpoint took it. */
export const AnalyticsSentEventSchema = z.object({
  at: z.number(),
  type: z.string(),
  fields: z.record(z.string(), AnalyticsFieldValueSchema),
  installId: z.string(),
  endpoint: z.string(),
  outcome: z.enum(['sent', 'failed']),
  error: z.string().optional(),
})
export type AnalyticsSentEvent = z.infer<typeof AnalyticsSentEventSchema>

const Empty = z.object({}).strict()

export const analyticsRoutes = {
  'analytics.status': {
    description: 'Consent, endpoint, the install id (only when granted) and how many events were sent, failed or wait.',
    input: Empty,
    output: AnalyticsStatusSchema,
  },
  'analytics.setConsent': {
    description: 'Grant (a fresh random install id) or refuse analytics; refusing deletes the id and every unsent event.',
    input: z.object({ granted: z.boolean() }).strict(),
    output: AnalyticsStatusSchema,
  },
  'analytics.resetId': {
    description: 'Replace the install id with a new random one (consent must be granted).',
    input: Empty,
    output: AnalyticsStatusSchema,
  },
  'analytics.sent': {
    description: 'The local log of every event that was sent, newest first: time, type, fields, endpoint, outcome.',
    input: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    output: z.object({ events: z.array(AnalyticsSentEventSchema) }),
  },
  'analytics.track': {
    description: 'Record an event from the window; an unknown type or a field outside its allow-list is refused.',
    input: z.object({ type: z.string().max(64), fields: z.record(z.string().max(64), z.unknown()) }).strict(),
    output: z.object({ recorded: z.boolean() }),
  },
} as const

export const analyticsEvents = {
  /** Consent, id or counts changed (an event batch went out or failed). */
  'analytics.changed': AnalyticsStatusSchema,
} as const

export const analyticsStreams = {} as const

export const analyticsCapability = defineCapability({ name: 'analytics', routes: analyticsRoutes, streams: analyticsStreams, events: analyticsEvents, settings: { analytics: { schema: AnalyticsSettingsSchema, patch: AnalyticsSettingsPatchSchema } } })
