import { z } from 'zod'
import { ObservabilitySettingsPatchSchema, ObservabilitySettingsSchema } from './observability'
import { TelemetrySettingsPatchSchema, TelemetrySettingsSchema } from './telemetry'
import { AnalyticsSettingsPatchSchema, AnalyticsSettingsSchema } from './analytics'
import { UpdatesSettingsPatchSchema, UpdatesSettingsSchema } from './updates'
import { VoiceSettingsPatchSchema, VoiceSettingsSchema } from './voice'
import { ClusterSettingsPatchSchema, ClusterSettingsSchema } from './cluster'

export const SETTINGS_VERSION = 1

export const ThemeSchema = z.enum(['system', 'light', 'dark'])
export type Theme = z.infer<typeof ThemeSchema>

export const AccentSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'accent must be a hex colour like #4f7cff')

export const SettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  appearance: z
    .object({
      theme: ThemeSchema.default('system'),
      accent: AccentSchema.default('#4f7cff'),
    })
    .prefault({}),
  ollama: z
    .object({
      host: z.string().min(1).max(512).default('http://127.0.0.1:11434'),
      /** Start the Ollama that Ollama Desk installed when the app opens (and on login, where a service exists). */
      autoStart: z.boolean().default(true),
    })
    .prefault({}),
  webCompanion: z
    .object({
      port: z.number().int().min(0).max(65535).default(47800),
    })
    .prefault({}),
  onboarding: z
    .object({
      completed: z.boolean().default(false),
    })
    .prefault({}),
  developer: ObservabilitySettingsSchema.prefault({}),
  telemetry: TelemetrySettingsSchema.prefault({}),
  analytics: AnalyticsSettingsSchema.prefault({}),
  updates: UpdatesSettingsSchema.prefault({}),
  voice: VoiceSettingsSchema.prefault({}),
  cluster: ClusterSettingsSchema.prefault({}),
})
export type Settings = z.infer<typeof SettingsSchema>

/** A partial update: every leaf optional, unknown keys rejected so typos do not vanish silently. */
export const SettingsPatchSchema = z
  .object({
    appearance: z.object({ theme: ThemeSchema, accent: AccentSchema }).partial().strict(),
    ollama: z.object({ host: z.string().min(1).max(512), autoStart: z.boolean() }).partial().strict(),
    webCompanion: z.object({ port: z.number().int().min(0).max(65535) }).partial().strict(),
    onboarding: z.object({ completed: z.boolean() }).partial().strict(),
    developer: ObservabilitySettingsPatchSchema,
    telemetry: TelemetrySettingsPatchSchema,
    analytics: AnalyticsSettingsPatchSchema,
    updates: UpdatesSettingsPatchSchema,
    voice: VoiceSettingsPatchSchema,
    cluster: ClusterSettingsPatchSchema,
  })
  .partial()
  .strict()
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>
