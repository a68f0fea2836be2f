import { z } from 'zod'
import { defineCapability } from './capability'
import { ModelNameSchema } from './models'

/** Installing, starting and trying Ollama: the onboarding wizard and `ollama-desk ollama …` use these. */

export const DEFAULT_RELEASE_URL = 'https://github.com/ollama/ollama/releases/latest/download'

export const DetectedInstallSchema = z.object({
  path: z.string(),
  kind: z.enum(['ours', 'user', 'system', 'app', 'brew']),
  version: z.string().optional(),
  /** Installed by Ollama Desk, so start, stop and uninstall apply to it. */
  ours: z.boolean(),
})
export type DetectedInstall = z.infer<typeof DetectedInstallSchema>

export const OllamaDetectionSchema = z.object({
  reachable: z.boolean(),
  version: z.string().optional(),
  host: z.string(),
  installs: z.array(DetectedInstallSchema),
  /** Something other than Ollama holds the port. */
  portConflict: z.object({ message: z.string(), hint: z.string() }).optional(),
  platform: z.string(),
  /** Install methods this system supports; empty when Ollama Desk cannot install here. */
  methods: z.array(z.string()),
  /** The newest Ollama release, when the release API answered. */
  latestVersion: z.string().optional(),
  /** A newer release than the running (else installed) version exists; absent when unknown. */
  updateAvailable: z.boolean().optional(),
})
export type OllamaDetection = z.infer<typeof OllamaDetectionSchema>

export const InstallPhaseSchema = z.enum(['detect', 'download', 'verify', 'extract', 'install', 'start', 'health', 'log'])
export const InstallProgressSchema = z.object({
  phase: InstallPhaseSchema,
  message: z.string().optional(),
  bytes: z.number().optional(),
  total: z.number().optional(),
  bytesPerSecond: z.number().optional(),
  etaSeconds: z.number().optional(),
})
export type InstallProgress = z.infer<typeof InstallProgressSchema>

const Empty = z.object({}).strict()

export const installerRoutes = {
  'ollama.detect': {
    description: 'Whether Ollama answers at the host, where it is installed, and how Ollama Desk could install it.',
    input: Empty,
    output: OllamaDetectionSchema,
  },
  'ollama.start': {
    description: 'Start the Ollama that Ollama Desk installed, and wait until it answers.',
    input: Empty,
    output: z.object({ service: z.string(), version: z.string() }),
  },
  'ollama.stop': {
    description: 'Stop the Ollama that Ollama Desk started (other Ollamas are left alone).',
    input: Empty,
    output: z.object({ stopped: z.array(z.string()) }),
  },
  'ollama.uninstall': {
    description: 'Remove exactly what Ollama Desk installed. Downloaded models stay.',
    input: Empty,
    output: z.object({ removed: z.array(z.string()) }),
  },
  'ollama.autoStart': {
    description: 'Turn starting the Ollama that Ollama Desk installed on or off (at app start, and its login service where one exists).',
    input: z.object({ enabled: z.boolean() }).strict(),
    output: z.object({ enabled: z.boolean(), supported: z.boolean(), detail: z.string() }),
  },
  'ollama.try': {
    description: 'Send one short prompt to a model (not streamed) to prove the setup works.',
    input: z.object({ model: ModelNameSchema, prompt: z.string().trim().min(1).max(2000) }).strict(),
    output: z.object({ reply: z.string(), ms: z.number() }),
  },
} as const

export const installerStreams = {
  'ollama.install': {
    description: 'Download, verify, unpack and start Ollama for this user, with progress; cancel any time.',
    input: z
      .object({
        method: z.string().max(64).optional(),
        baseUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
        force: z.boolean().optional(),
      })
      .strict(),
    event: InstallProgressSchema,
    result: z.object({ version: z.string(), binary: z.string(), service: z.string() }),
  },
} as const

export const installerCapability = defineCapability({ name: 'installer', routes: installerRoutes, streams: installerStreams })
