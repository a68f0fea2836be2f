import { z } from 'zod'

/** Logs from every process, the diagnostics bundle, and profiling (performance marks, CPU profiles). */

/** Settings section `developer`: every field has a default so older settings files still parse. */
export const ObservabilitySettingsSchema = z.object({})
/** A partial update of the `developer` section; unknown keys are refused. */
export const ObservabilitySettingsPatchSchema = z.object({}).partial().strict()

export const observabilityRoutes = {} as const

export const observabilityEvents = {} as const

export const observabilityStreams = {} as const
