import { z } from 'zod'
import { defineCapability } from './capability'

/** Logs from every process, the diagnostics bundle, and profiling (performance marks, CPU profiles). */

/** Settings section `developer`: every field has a default so older settings files still parse. */
export const ObservabilitySettingsSchema = z.object({
  /** Show the developer panel (recent performance marks, CPU profile switch) in Settings. */
  panel: z.boolean().default(false),
})
/** A partial update of the `developer` section; unknown keys are refused. */
export const ObservabilitySettingsPatchSchema = z.object({ panel: z.boolean() }).partial().strict()

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export const LogLevelSchema = z.enum(LOG_LEVELS)
export type LogLevel = z.infer<typeof LogLevelSchema>

/** Longest message kept whole; longer ones are cut (the schema refuses far longer ones outright). */
export const LOG_MESSAGE_KEEP = 2000
export const LOG_BATCH_MAX = 50

const ContextValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()])

export const RendererLogLineSchema = z
  .object({
    level: LogLevelSchema,
    message: z.string().max(16_384),
    /** What raised it: console.warn/error, window.onerror, an unhandled rejection, or the app itself. */
    source: z.enum(['console', 'error', 'rejection', 'app']).default('app'),
    context: z
      .record(z.string().max(64), ContextValue)
      .refine((value) => Object.keys(value).length <= 20, 'at most 20 context fields')
      .optional(),
  })
  .strict()
export type RendererLogLine = z.input<typeof RendererLogLineSchema>

export const MarkEntrySchema = z.object({
  name: z.string(),
  /** performance.now() of the start, in ms since the process started. */
  startTime: z.number(),
  duration: z.number(),
  /** Wall clock at the end (epoch ms). */
  at: z.number(),
  ok: z.boolean(),
})
export type MarkEntry = z.infer<typeof MarkEntrySchema>

export const CpuProfileStateSchema = z.object({
  running: z.boolean(),
  /** Epoch ms the running profile started. */
  startedAt: z.number().optional(),
  /** The .cpuprofile just written (after stop). */
  path: z.string().optional(),
  bytes: z.number().optional(),
})
export type CpuProfileState = z.infer<typeof CpuProfileStateSchema>

// The shape of DoctorCheck (routes.ts imports this module, so it cannot be imported from there).
const BundleCheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  detail: z.string(),
  hint: z.string().optional(),
})

export const DiagnosticsBundleSchema = z.object({
  /** Where the zip was written (in the data dir unless a path was asked for). */
  path: z.string(),
  bytes: z.number(),
  /** Names inside the zip. */
  files: z.array(z.string()),
  /** A short plain-text report for the clipboard: versions, checks, where the zip is. No secrets. */
  summary: z.string(),
  checks: z.array(BundleCheckSchema),
  /** The zip itself, when asked for (the web companion downloads it). */
  base64: z.string().optional(),
})
export type DiagnosticsBundle = z.infer<typeof DiagnosticsBundleSchema>

export const observabilityRoutes = {
  'log.write': {
    description: 'Renderer log lines into the main log (secrets scrubbed; rate- and size-limited). Echoes what was written.',
    input: z.object({ lines: z.array(RendererLogLineSchema).min(1).max(LOG_BATCH_MAX) }).strict(),
    output: z.object({
      written: z.number(),
      /** Lines refused by the rate limit. */
      dropped: z.number(),
      /** The lines as they went into the log, scrubbed. */
      echo: z.array(z.object({ level: LogLevelSchema, message: z.string() })),
    }),
  },
  'diagnostics.bundle': {
    description: 'Zip the recent logs, the configuration (secrets redacted), versions and doctor checks.',
    input: z
      .object({
        /** An absolute path for the zip; defaults to <dataDir>/diagnostics/. */
        path: z.string().min(1).max(4096).optional(),
        includeBase64: z.boolean().optional(),
      })
      .strict(),
    output: DiagnosticsBundleSchema,
  },
  'profiling.marks': {
    description: 'Recent performance measures (startup phases, chat turns, store queries), newest first.',
    input: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    output: z.object({ entries: z.array(MarkEntrySchema), capacity: z.number() }),
  },
  'profiling.cpuProfile': {
    description: 'Start or stop a CPU profile of the main process; stop saves <dataDir>/profiles/cpu-<time>.cpuprofile.',
    input: z.object({ action: z.enum(['start', 'stop', 'status']) }).strict(),
    output: CpuProfileStateSchema,
  },
} as const

export const observabilityEvents = {} as const

export const observabilityStreams = {} as const

export const observabilityCapability = defineCapability({ name: 'observability', routes: observabilityRoutes, streams: observabilityStreams, events: observabilityEvents, settings: { developer: { schema: ObservabilitySettingsSchema, patch: ObservabilitySettingsPatchSchema } } })
