import { z } from 'zod'
import { defineCapability } from './capability'

/** The app itself: what is running, Ollama's reachability, the health checks, links, the look and the first run. */
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

export const ThemeSchema = z.enum(['system', 'light', 'dark'])
export type Theme = z.infer<typeof ThemeSchema>

export const AccentSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'accent must be a hex colour like #4f7cff')

/** How code blocks are coloured: the app's own colours, stronger ones, or none. */
export const CodeThemeSchema = z.enum(['default', 'high-contrast', 'plain'], { error: 'codeTheme must be "default", "high-contrast" or "plain"' })
export type CodeTheme = z.infer<typeof CodeThemeSchema>
/** Room around messages: comfortable, or compact to fit more on screen. */
export const DensitySchema = z.enum(['comfortable', 'compact'], { error: 'density must be "comfortable" or "compact"' })
export type Density = z.infer<typeof DensitySchema>
export const CHAT_FONT_MIN = 12
export const CHAT_FONT_MAX = 20
/** The size of message text, in CSS pixels. */
export const ChatFontSizeSchema = z
  .number({ error: 'fontSize must be a number of pixels' })
  .int('fontSize must be a whole number of pixels')
  .min(CHAT_FONT_MIN, `fontSize must be ${CHAT_FONT_MIN} to ${CHAT_FONT_MAX} pixels`)
  .max(CHAT_FONT_MAX, `fontSize must be ${CHAT_FONT_MIN} to ${CHAT_FONT_MAX} pixels`)

const OllamaHost = z.string().min(1).max(512)
const Port = z.number().int().min(0).max(65535)

export const appCapability = defineCapability({
  name: 'app',
  routes: {
    'app.info': {
      description: 'Name, version, runtime and data directory of the running app.',
      input: Empty,
      output: AppInfoSchema,
    },
    'ollama.status': {
      description: 'Whether Ollama answers at the configured host, and its version.',
      input: z.object({ host: OllamaHost.optional() }).strict(),
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
  },
  streams: {
    'diagnostics.loopback': {
      description:
        'Emits `count` sequence events of `payloadBytes` each: a transport self-test and the streaming benchmark.',
      input: z
        .object({
          count: z.number().int().min(0).max(1_000_000),
          payloadBytes: z.number().int().min(0).max(65_536).default(0),
          intervalMs: z.number().int().min(0).max(10_000).default(0),
        })
        .strict(),
      event: z.object({ seq: z.number().int(), payload: z.string() }),
      result: z.object({ sent: z.number().int() }),
    },
  },
  events: {
    'app.notice': z.object({
      level: z.enum(['info', 'warning', 'error']),
      message: z.string(),
      hint: z.string().optional(),
    }),
  },
  settings: {
    appearance: {
      schema: z.object({
        theme: ThemeSchema.default('system'),
        accent: AccentSchema.default('#4f7cff'),
      }),
      patch: z.object({ theme: ThemeSchema, accent: AccentSchema }).partial().strict(),
    },
    /** How chats look: message text size, code colours, density, and whether replies show their token counts. */
    display: {
      schema: z.object({
        fontSize: ChatFontSizeSchema.default(14),
        codeTheme: CodeThemeSchema.default('default'),
        density: DensitySchema.default('comfortable'),
        /** Token counts, speed and time to first token under each reply; off keeps replies plain. */
        showTokenEstimates: z.boolean({ error: 'showTokenEstimates must be true or false' }).default(false),
      }),
      patch: z.object({ fontSize: ChatFontSizeSchema, codeTheme: CodeThemeSchema, density: DensitySchema, showTokenEstimates: z.boolean({ error: 'showTokenEstimates must be true or false' }) }).partial().strict(),
    },
    ollama: {
      schema: z.object({
        host: OllamaHost.default('http://127.0.0.1:11434'),
        /** Start the Ollama that Ollama Desk installed when the app opens (and on login, where a service exists). */
        autoStart: z.boolean().default(true),
      }),
      patch: z.object({ host: OllamaHost, autoStart: z.boolean() }).partial().strict(),
    },
    webCompanion: {
      schema: z.object({ port: Port.default(47800) }),
      patch: z.object({ port: Port }).partial().strict(),
    },
    onboarding: {
      schema: z.object({ completed: z.boolean().default(false) }),
      patch: z.object({ completed: z.boolean() }).partial().strict(),
    },
  },
})
