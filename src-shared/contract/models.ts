import { z } from 'zod'
import { defineCapability } from './capability'

/** Model management shapes as they cross the contract (Ollama's /api/tags, /api/show, /api/ps, /api/pull). */

/** What Ollama accepts as a model name: `llama3.2`, `llama3.2:3b`, `library/x:tag`, `hf.co/user/repo:Q4_K_M`. */
export const ModelNameSchema = z
  .string()
  .trim()
  .min(1, 'a model name cannot be empty')
  .max(256)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'use a model name like llama3.2 or qwen3:8b')

export const LocalModelSchema = z.object({
  name: z.string(),
  size: z.number(),
  digest: z.string(),
  family: z.string(),
  parameterSize: z.string(),
  quantization: z.string(),
  /** Epoch milliseconds. */
  modifiedAt: z.number(),
})
export type LocalModel = z.infer<typeof LocalModelSchema>

export const ModelDetailsSchema = z.object({
  name: z.string(),
  family: z.string(),
  parameterSize: z.string(),
  quantization: z.string(),
  format: z.string(),
  template: z.string(),
  parameters: z.string(),
  license: z.string(),
  system: z.string(),
  capabilities: z.array(z.string()),
  contextLength: z.number().optional(),
  modifiedAt: z.number().optional(),
})
export type ModelDetails = z.infer<typeof ModelDetailsSchema>

export const RunningModelSchema = z.object({
  name: z.string(),
  size: z.number(),
  sizeVram: z.number(),
  parameterSize: z.string(),
  quantization: z.string(),
  /** Epoch milliseconds when Ollama unloads it by itself; absent when it stays loaded. */
  expiresAt: z.number().optional(),
})
export type RunningModel = z.infer<typeof RunningModelSchema>

export const FitSchema = z.enum(['good', 'tight', 'too-big'])
export type Fit = z.infer<typeof FitSchema>

export const RecommendedModelSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  use: z.enum(['chat', 'code', 'reasoning', 'vision', 'embedding']),
  parameterSize: z.string(),
  /** Download size in bytes. */
  size: z.number(),
  /** Memory it needs to run comfortably, in bytes. */
  ram: z.number(),
  fit: FitSchema,
  /** Why it fits or not, for this machine. */
  reason: z.string(),
  installed: z.boolean(),
})
export type RecommendedModel = z.infer<typeof RecommendedModelSchema>

export const MachineSchema = z.object({
  totalMemory: z.number(),
  freeDisk: z.number().nullable(),
  modelsDir: z.string(),
  gpu: z.literal('unknown'),
  note: z.string(),
})
export type Machine = z.infer<typeof MachineSchema>

export const PullEventSchema = z.object({
  status: z.string(),
  digest: z.string().optional(),
  completed: z.number().optional(),
  total: z.number().optional(),
  /** Overall progress over every layer seen so far, 0–100. */
  percent: z.number().optional(),
  bytesPerSecond: z.number().optional(),
})
export type PullEvent = z.infer<typeof PullEventSchema>

const Empty = z.object({}).strict()
const Named = z.object({ name: ModelNameSchema }).strict()

export const modelRoutes = {
  'models.list': {
    description: 'Models installed in Ollama (`/api/tags`), newest first.',
    input: Empty,
    output: z.object({ models: z.array(LocalModelSchema) }),
  },
  'models.show': {
    description: 'One model’s template, parameters, licence and capabilities (`/api/show`).',
    input: Named,
    output: ModelDetailsSchema,
  },
  'models.running': {
    description: 'Models loaded in memory right now (`/api/ps`).',
    input: Empty,
    output: z.object({ models: z.array(RunningModelSchema) }),
  },
  'models.unload': {
    description: 'Free a loaded model’s memory now (a generate request with keep_alive 0).',
    input: Named,
    output: z.object({ name: z.string(), unloaded: z.boolean() }),
  },
  'models.delete': {
    description: 'Delete an installed model. Refused unless `confirm` is true.',
    input: z.object({ name: ModelNameSchema, confirm: z.boolean().optional() }).strict(),
    output: z.object({ name: z.string(), deleted: z.boolean() }),
  },
  'models.recommended': {
    description: 'A curated list of models, ranked by what fits this machine’s memory and disk.',
    input: Empty,
    output: z.object({ machine: MachineSchema, models: z.array(RecommendedModelSchema) }),
  },
} as const

export const modelStreams = {
  'models.pull': {
    description: 'Download a model with per-layer progress; cancel any time, pull again to resume.',
    input: Named,
    event: PullEventSchema,
    result: z.object({ name: z.string(), status: z.string() }),
  },
} as const

export const modelEvents = {
  /** Installed models changed: a pull finished or a model was deleted. */
  'models.changed': z.object({}),
} as const

export const modelsCapability = defineCapability({ name: 'models', routes: modelRoutes, streams: modelStreams, events: modelEvents })
