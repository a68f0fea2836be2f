import { z } from 'zod'
import { agentRoutes } from './agent'
import { installerRoutes } from './installer'
import { mcpRoutes } from './mcp'
import { modelRoutes } from './models'
import { providerRoutes } from './providers'
import { sessionRoutes } from './sessions'
import { SettingsPatchSchema, SettingsSchema } from './settings'
import { observabilityRoutes } from './observability'
import { telemetryRoutes } from './telemetry'
import { analyticsRoutes } from './analytics'
import { updatesRoutes } from './updates'
import { voiceRoutes } from './voice'
import { clusterRoutes } from './cluster'

/**
 * Every request the renderer (or any other client) can make. Add a route here, then add its
 * handler in src-main/core/app/handlers.ts: the compiler refuses to build until you do.
 */
const Empty = z.object({}).strict()

export const AppModeSchema = z.enum(['electron', 'web'])

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  mode: AppModeSchema,
  platform: z.string(),
  arch: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().optional() }),
  dataDir: z.string(),
  /** Set when OLLAMA_HOST overrides the saved Ollama host, as it does for Ollama's own CLI. */
  ollamaHostFromEnv: z.string().optional(),
})
export type AppInfo = z.infer<typeof AppInfoSchema>

export const CheckStatusSchema = z.enum(['ok', 'warn', 'fail'])
export const DoctorCheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: CheckStatusSchema,
  detail: z.string(),
  hint: z.string().optional(),
})
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>

export const OllamaStatusSchema = z.object({
  host: z.string(),
  reachable: z.boolean(),
  version: z.string().optional(),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
})
export type OllamaStatus = z.infer<typeof OllamaStatusSchema>

export const routes = {
  'app.info': {
    description: 'Name, version, runtime and data directory of the running app.',
    input: Empty,
    output: AppInfoSchema,
  },
  'settings.get': {
    description: 'The current settings, with defaults filled in.',
    input: Empty,
    output: SettingsSchema,
  },
  'settings.update': {
    description: 'Apply a partial update; returns the settings as saved.',
    input: SettingsPatchSchema,
    output: SettingsSchema,
  },
  'settings.reset': {
    description: 'Restore every setting to its default; the old file is kept as a backup.',
    input: Empty,
    output: SettingsSchema,
  },
  'ollama.status': {
    description: 'Whether Ollama answers at the configured host, and its version.',
    input: z.object({ host: z.string().min(1).max(512).optional() }).strict(),
    output: OllamaStatusSchema,
  },
  'diagnostics.doctor': {
    description: 'The same health checks as `ollama-desk doctor`.',
    input: Empty,
    output: z.object({ checks: z.array(DoctorCheckSchema) }),
  },
  'shell.openExternal': {
    description: 'Open an http(s) link in the OS browser (desktop only).',
    input: z.object({ url: z.url({ protocol: /^https?$/ }).max(2048) }).strict(),
    output: z.object({ opened: z.boolean() }),
  },
  ...sessionRoutes,
  ...modelRoutes,
  ...installerRoutes,
  ...providerRoutes,
  ...agentRoutes,
  ...mcpRoutes,
  ...observabilityRoutes,
  ...telemetryRoutes,
  ...analyticsRoutes,
  ...updatesRoutes,
  ...voiceRoutes,
  ...clusterRoutes,
} as const

export type Routes = typeof routes
export type RouteName = keyof Routes
export type RouteInput<K extends RouteName> = z.input<Routes[K]['input']>
export type RouteParsedInput<K extends RouteName> = z.output<Routes[K]['input']>
export type RouteOutput<K extends RouteName> = z.output<Routes[K]['output']>

export const routeNames = Object.keys(routes) as RouteName[]
export const isRouteName = (name: string): name is RouteName => Object.hasOwn(routes, name)
