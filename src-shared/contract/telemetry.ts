import { z } from 'zod'
import { defineCapability } from './capability'

/** OpenTelemetry tracing of chat requests, off by default, exported over OTLP to an endpoint the user sets. */

export const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318/v1/traces'

/** Where spans go: an OTLP/HTTP traces URL; only http and https are spoken. */
export const OtlpEndpointSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
    } catch {
      return false
    }
  }, 'must be an http:// or https:// address, e.g. http://127.0.0.1:4318/v1/traces')

/** Extra request headers for the collector (e.g. an API key header). */
export const OtlpHeadersSchema = z
  .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'not a valid header name'), z.string().max(4096).regex(/^[^\r\n]*$/, 'no line breaks'))
  .refine((value) => Object.keys(value).length <= 20, 'at most 20 headers')

/** Settings section `telemetry`: every field has a default so older settings files still parse. */
export const TelemetrySettingsSchema = z.object({
  /** Off by default: nothing leaves the machine until the user turns tracing on. */
  enabled: z.boolean().default(false),
  endpoint: OtlpEndpointSchema.default(DEFAULT_OTLP_ENDPOINT),
  headers: OtlpHeadersSchema.default({}),
  serviceName: z.string().trim().min(1).max(128).default('ollama-desk'),
})
export type TelemetrySettings = z.infer<typeof TelemetrySettingsSchema>

/** A partial update of the `telemetry` section; unknown keys are refused. */
export const TelemetrySettingsPatchSchema = z
  .object({ enabled: z.boolean(), endpoint: OtlpEndpointSchema, headers: OtlpHeadersSchema, serviceName: z.string().trim().min(1).max(128) })
  .partial()
  .strict()

export const TelemetryStatusSchema = z.object({
  enabled: z.boolean(),
  endpoint: z.string(),
  /** Spans the collector accepted since the app started. */
  exported: z.number().int().nonnegative(),
  /** Spans that could not be delivered (collector down, refused …). */
  failed: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
})
export type TelemetryStatus = z.infer<typeof TelemetryStatusSchema>

export const TelemetryTestResultSchema = z.object({ endpoint: z.string(), ms: z.number().nonnegative() })
export type TelemetryTestResult = z.infer<typeof TelemetryTestResultSchema>

export const telemetryRoutes = {
  'telemetry.status': {
    description: 'Whether tracing is on, where spans go, and how many were exported or lost.',
    input: z.object({}).strict(),
    output: TelemetryStatusSchema,
  },
  'telemetry.test': {
    description: 'Send one test span to the endpoint (the saved one unless given) and wait for the collector to accept it.',
    input: z.object({ endpoint: OtlpEndpointSchema.optional(), headers: OtlpHeadersSchema.optional() }).strict(),
    output: TelemetryTestResultSchema,
  },
} as const

export const telemetryEvents = {} as const

export const telemetryStreams = {} as const

export const telemetryCapability = defineCapability({ name: 'telemetry', routes: telemetryRoutes, streams: telemetryStreams, events: telemetryEvents, settings: { telemetry: { schema: TelemetrySettingsSchema, patch: TelemetrySettingsPatchSchema } } })
