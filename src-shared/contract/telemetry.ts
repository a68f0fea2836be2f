import { z } from 'zod'

/** OpenTelemetry tracing of chat requests, off by default, exported over OTLP to an endpoint the user sets. */

/** Settings section `telemetry`: every field has a default so older settings files still parse. */
export const TelemetrySettingsSchema = z.object({})
/** A partial update of the `telemetry` section; unknown keys are refused. */
export const TelemetrySettingsPatchSchema = z.object({}).partial().strict()

export const telemetryRoutes = {} as const

export const telemetryEvents = {} as const

export const telemetryStreams = {} as const
