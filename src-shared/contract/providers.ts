import { z } from 'zod'
import { ErrorShapeSchema } from './errors'
import { defineCapability } from './capability'

/** Model providers, routing, cost and health as they cross the contract. Keys never do. */

export const ProviderKindSchema = z.enum(['ollama', 'anthropic', 'openai', 'gemini', 'huggingface', 'openai-compatible', 'gguf'])
export type ProviderKind = z.infer<typeof ProviderKindSchema>

/** Ready-made settings for OpenAI-compatible servers. */
export const CompatPresetSchema = z.enum(['llamacpp', 'llamacpp-rpc', 'vllm', 'lmstudio', 'openrouter', 'exo', 'custom'])
export type CompatPreset = z.infer<typeof CompatPresetSchema>

/**
 * `auto`: loopback and private-network endpoints go direct, others use the system proxy
 * (HTTPS_PROXY / HTTP_PROXY, NO_PROXY honoured); `none`: always direct; `custom`: this proxy.
 */
export const ProxySettingSchema = z
  .object({
    mode: z.enum(['auto', 'none', 'custom']),
    url: z.string().max(512).optional(),
  })
  .strict()
  .refine((p) => p.mode !== 'custom' || (p.url !== undefined && /^(https?|socks5?):\/\//.test(p.url)), {
    message: 'a custom proxy needs a URL like http://proxy.example:3128',
    path: ['url'],
  })
export type ProxySetting = z.infer<typeof ProxySettingSchema>

export const ProviderIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'an id is 1–40 lower-case letters, digits or dashes')

export const ProviderConfigSchema = z
  .object({
    id: ProviderIdSchema,
    kind: ProviderKindSchema,
    name: z.string().trim().min(1, 'a provider needs a name').max(80),
    enabled: z.boolean().default(true),
    /** Normalised base URL (Ollama: the host; OpenAI-style: ends in /v1). Empty = the kind's default. */
    baseUrl: z.string().max(512).optional(),
    /** Ollama only: more servers in the pool (e.g. a GPU box on the LAN), tried by health. */
    hosts: z.array(z.string().max(512)).max(16).optional(),
    preset: CompatPresetSchema.optional(),
    /** OpenAI: which API to speak; `auto` picks the Responses API for models that only speak it. */
    api: z.enum(['auto', 'chat', 'responses']).optional(),
    /** GGUF: the model file on disk. */
    modelPath: z.string().max(4096).optional(),
    /** Models to offer even when the server cannot list them. */
    models: z.array(z.string().max(200)).max(200).optional(),
    proxy: ProxySettingSchema.default({ mode: 'auto' }),
    /** Per-request timeout before the first byte, in ms. */
    timeoutMs: z.number().int().min(1000).max(600_000).default(120_000),
  })
  .strict()
export type ProviderConfig = z.output<typeof ProviderConfigSchema>
export type ProviderConfigInput = z.input<typeof ProviderConfigSchema>

/** What the renderer sees of a key: whether it is set and its last four characters. */
export const KeyStatusSchema = z.object({ set: z.boolean(), last4: z.string().max(4).optional() })

export const ProviderViewSchema = z.object({
  config: ProviderConfigSchema,
  /** null when the kind needs no key (Ollama, GGUF, most local servers). */
  key: KeyStatusSchema.nullable(),
})
export type ProviderView = z.infer<typeof ProviderViewSchema>

export const PresetInfoSchema = z.object({
  kind: ProviderKindSchema,
  preset: CompatPresetSchema.optional(),
  name: z.string(),
  baseUrl: z.string(),
  needsKey: z.boolean(),
  /** How to get the server running, for presets that need more than installing it. */
  note: z.string().optional(),
})
export type PresetInfo = z.infer<typeof PresetInfoSchema>

export const ModelCapabilitiesSchema = z.object({
  tools: z.boolean(),
  vision: z.boolean(),
  reasoning: z.boolean(),
  contextWindow: z.number().nullable(),
})
export type ModelCapabilities = z.infer<typeof ModelCapabilitiesSchema>

/** US dollars per million tokens. */
export const PriceSchema = z.object({
  inputPerMTok: z.number().min(0),
  outputPerMTok: z.number().min(0),
  cachedInputPerMTok: z.number().min(0).optional(),
})
export type Price = z.infer<typeof PriceSchema>

export const ModelInfoSchema = z.object({
  providerId: z.string(),
  id: z.string(),
  name: z.string(),
  capabilities: ModelCapabilitiesSchema,
  /** null: unknown (local models cost nothing and carry { 0, 0 }). */
  price: PriceSchema.nullable(),
})
export type ModelInfo = z.infer<typeof ModelInfoSchema>

/** Error classes the fallback chain can be told to fall back on. */
export const ErrorClassSchema = z.enum([
  'auth',
  'rate-limited',
  'quota',
  'context-length',
  'model-not-found',
  'network',
  'timeout',
  'server',
  'content-filtered',
  'bad-response',
])
export type ErrorClass = z.infer<typeof ErrorClassSchema>

export const ChainEntrySchema = z.object({ providerId: ProviderIdSchema, model: z.string().min(1).max(200), enabled: z.boolean() }).strict()
export type ChainEntry = z.infer<typeof ChainEntrySchema>

export const RoutingSchema = z
  .object({
    chain: z.array(ChainEntrySchema).max(32),
    fallbackOn: z.array(ErrorClassSchema),
    /** Try a reachable local Ollama when everything else failed. */
    localLastResort: z.boolean(),
    /** `cheapest`: a request without an explicit model goes to the cheapest model that meets its needs. */
    policy: z.enum(['manual', 'cheapest']),
    retry: z.object({ maxAttempts: z.number().int().min(1).max(10), baseDelayMs: z.number().int().min(0).max(60_000), maxDelayMs: z.number().int().min(0).max(300_000) }).strict(),
    breaker: z.object({ failureThreshold: z.number().int().min(1).max(100), cooldownMs: z.number().int().min(1000).max(3_600_000) }).strict(),
    budget: z.object({ dailyUsd: z.number().min(0).nullable(), monthlyUsd: z.number().min(0).nullable(), warnAt: z.number().min(0).max(1) }).strict(),
  })
  .strict()
export type Routing = z.infer<typeof RoutingSchema>

export const PriceEntrySchema = PriceSchema.extend({
  /** `kind:model` with `*` as a wildcard, e.g. `openai:gpt-4o-mini`, `ollama:*`. */
  match: z.string().min(1).max(200),
})
export type PriceEntry = z.infer<typeof PriceEntrySchema>

export const BreakerStateSchema = z.enum(['closed', 'open', 'half-open'])
export type BreakerState = z.infer<typeof BreakerStateSchema>

export const ProviderHealthSchema = z.object({
  providerId: z.string(),
  name: z.string(),
  kind: ProviderKindSchema,
  status: z.enum(['up', 'degraded', 'down', 'unknown', 'disabled']),
  lastProbeAt: z.number().nullable(),
  probeLatencyMs: z.number().nullable(),
  lastError: ErrorShapeSchema.nullable(),
  breakers: z.array(z.object({ model: z.string(), state: BreakerStateSchema, failures: z.number(), openUntil: z.number().nullable() })),
  /** Passive figures from real traffic over the last hour. */
  traffic: z.object({
    requests: z.number(),
    errorRate: z.number(),
    ttftP50Ms: z.number().nullable(),
    ttftP95Ms: z.number().nullable(),
    latencyP50Ms: z.number().nullable(),
    latencyP95Ms: z.number().nullable(),
    tokensPerSec: z.number().nullable(),
  }),
  /** Ollama pools: one row per server; inFlight: chats of ours it serves now; models: how many it lists (null: unknown). */
  hosts: z.array(
    z.object({
      url: z.string(),
      up: z.boolean(),
      latencyMs: z.number().nullable(),
      error: z.string().optional(),
      inFlight: z.number().int().nonnegative().optional(),
      models: z.number().int().nonnegative().nullable().optional(),
    }),
  ),
  spend: z.object({ todayUsd: z.number(), monthUsd: z.number() }),
})
export type ProviderHealth = z.infer<typeof ProviderHealthSchema>

export const HealthPointSchema = z.object({
  t: z.number(),
  providerId: z.string(),
  kind: z.enum(['probe', 'request']),
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  ttftMs: z.number().nullable(),
  tokensPerSec: z.number().nullable(),
})
export type HealthPoint = z.infer<typeof HealthPointSchema>

export const BudgetStatusSchema = z.object({
  todayUsd: z.number(),
  monthUsd: z.number(),
  dailyUsd: z.number().nullable(),
  monthlyUsd: z.number().nullable(),
  state: z.enum(['ok', 'warn', 'blocked']),
})
export type BudgetStatus = z.infer<typeof BudgetStatusSchema>

const Empty = z.object({}).strict()
const IdInput = z.object({ id: ProviderIdSchema }).strict()
/** A key as typed or pasted: trimmed, no whitespace inside. */
const KeyInput = z.string().trim().min(8, 'that key looks too short').max(512).regex(/^\S+$/, 'a key has no spaces')

export const providerRoutes = {
  'providers.list': {
    description: 'Configured providers (keys shown only as set + last 4) and the presets a user can add.',
    input: Empty,
    output: z.object({ providers: z.array(ProviderViewSchema), presets: z.array(PresetInfoSchema) }),
  },
  'providers.save': {
    description: 'Add or replace a provider; a key given here is stored in the secret store, never in settings.',
    input: z.object({ config: ProviderConfigSchema, key: KeyInput.optional() }).strict(),
    output: z.object({ provider: ProviderViewSchema, baseUrlNote: z.string().optional() }),
  },
  'providers.remove': { description: 'Remove a provider and its key.', input: IdInput, output: z.object({ removed: z.boolean() }) },
  'providers.setKey': {
    description: 'Set (or clear with null) a provider’s key.',
    input: z.object({ id: ProviderIdSchema, key: KeyInput.nullable() }).strict(),
    output: ProviderViewSchema,
  },
  'providers.test': {
    description: 'Probe a provider now: reachability, auth, model count, what URL was understood.',
    input: IdInput,
    output: z.object({ ok: z.boolean(), latencyMs: z.number().nullable(), models: z.number(), understoodUrl: z.string(), error: ErrorShapeSchema.optional() }),
  },
  'providers.normalizeUrl': {
    description: 'How a typed base URL is understood for a provider kind, with a note for the user.',
    input: z.object({ kind: ProviderKindSchema, url: z.string().max(512) }).strict(),
    output: z.object({ url: z.string(), note: z.string() }),
  },
  'providers.models': {
    description: 'Models of every enabled provider (or one), with capabilities and prices; failures listed apart.',
    input: z.object({ providerId: ProviderIdSchema.optional(), refresh: z.boolean().optional() }).strict(),
    output: z.object({ models: z.array(ModelInfoSchema), errors: z.array(z.object({ providerId: z.string(), error: ErrorShapeSchema })) }),
  },
  'routing.get': { description: 'Fallback chain, retry, breaker, routing policy and budget.', input: Empty, output: RoutingSchema },
  'routing.update': { description: 'Replace the routing settings.', input: RoutingSchema, output: RoutingSchema },
  'pricing.get': {
    description: 'The price table: shipped defaults (with their date) and the user’s overrides.',
    input: Empty,
    output: z.object({ defaultsDate: z.string(), defaults: z.array(PriceEntrySchema), overrides: z.array(PriceEntrySchema) }),
  },
  'pricing.update': {
    description: 'Replace the user’s price overrides.',
    input: z.object({ overrides: z.array(PriceEntrySchema).max(500) }).strict(),
    output: z.object({ overrides: z.array(PriceEntrySchema) }),
  },
  'budget.status': { description: 'Spend today and this month against the caps.', input: Empty, output: BudgetStatusSchema },
  'health.snapshot': { description: 'Live status of every provider.', input: Empty, output: z.object({ providers: z.array(ProviderHealthSchema), at: z.number() }) },
  'health.history': {
    description: 'Probe and request points of the last 24 hours (or since `since`).',
    input: z.object({ providerId: ProviderIdSchema.optional(), since: z.number().int().min(0).optional() }).strict(),
    output: z.object({ points: z.array(HealthPointSchema) }),
  },
} as const

export const providerEvents = {
  /** Provider health changed (probe result, breaker opened or closed, new traffic figures). */
  'health.changed': z.object({ providers: z.array(ProviderHealthSchema), at: z.number() }),
  'providers.changed': z.object({}),
} as const

export const providersCapability = defineCapability({ name: 'providers', routes: providerRoutes, events: providerEvents })
