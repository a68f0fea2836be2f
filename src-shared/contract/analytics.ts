import { z } from 'zod'

/** Opt-in usage analytics: consent, a closed set of events, and the local log of what was sent. */

/** Settings section `analytics`: every field has a default so older settings files still parse. */
export const AnalyticsSettingsSchema = z.object({})
/** A partial update of the `analytics` section; unknown keys are refused. */
export const AnalyticsSettingsPatchSchema = z.object({}).partial().strict()

export const analyticsRoutes = {} as const

export const analyticsEvents = {} as const

export const analyticsStreams = {} as const
