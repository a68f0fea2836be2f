import { z } from 'zod'
import { PriceEntrySchema, ProviderConfigSchema, RoutingSchema, type PriceEntry, type ProviderConfig, type Routing } from '../../../src-shared/contract'
import type { SettingsStorage } from '../config'
import { ValidationError } from '../errors'
import { parseOrThrow } from '../errors'
import type { Logger } from 'pino'

/**
 * Provider settings, the routing policy and price overrides, in their own file beside
 * settings.json (providers.json). Keys are never here: they live in the SecretStore.
 */

export const DEFAULT_ROUTING: Routing = {
  chain: [],
  // Not on auth, content filter or context length: another provider would not fix those, and
  // falling back silently on a bad key would hide it from the user.
  fallbackOn: ['rate-limited', 'quota', 'model-not-found', 'network', 'timeout', 'server', 'bad-response'],
  localLastResort: true,
  policy: 'manual',
  retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000 },
  breaker: { failureThreshold: 5, cooldownMs: 30_000 },
  budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8 },
}

/** The local Ollama is always there to start with; its address follows the app's Ollama host setting. */
export const LOCAL_OLLAMA: ProviderConfig = ProviderConfigSchema.parse({ id: 'ollama', kind: 'ollama', name: 'Ollama (this computer)' })

const FileSchema = z.object({
  version: z.literal(1),
  providers: z.array(ProviderConfigSchema),
  routing: RoutingSchema,
  priceOverrides: z.array(PriceEntrySchema),
})
type ProvidersFile = z.infer<typeof FileSchema>

const defaults = (): ProvidersFile => ({ version: 1, providers: [LOCAL_OLLAMA], routing: DEFAULT_ROUTING, priceOverrides: [] })

export class ProviderConfigStore {
  private state: ProvidersFile
  private readonly listeners = new Set<() => void>()

  constructor(private readonly storage: SettingsStorage, private readonly log?: Logger) {
    this.state = this.load()
  }

  private load(): ProvidersFile {
    let raw: unknown
    try {
      raw = this.storage.read()
    } catch (error) {
      // Unreadable JSON: keep the file aside for the user and start from defaults.
      const kept = this.storage.backup('unreadable')
      this.log?.warn({ err: error, kept }, 'providers file unreadable; using defaults')
      return defaults()
    }
    if (raw === undefined) return defaults()
    const parsed = FileSchema.safeParse(raw)
    if (parsed.success) return parsed.data
    const kept = this.storage.backup('invalid')
    this.log?.warn({ issues: parsed.error.issues.slice(0, 5), kept }, 'providers file invalid; using defaults')
    return defaults()
  }

  private save(next: ProvidersFile): void {
    this.storage.write(next)
    this.state = next
    this.listeners.forEach((listener) => listener())
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  providers(): ProviderConfig[] {
    return this.state.providers
  }

  get(id: string): ProviderConfig | undefined {
    return this.state.providers.find((p) => p.id === id)
  }

  upsert(config: ProviderConfig): ProviderConfig {
    const clean = parseOrThrow(ProviderConfigSchema, config, 'provider')
    const providers = this.state.providers.some((p) => p.id === clean.id)
      ? this.state.providers.map((p) => (p.id === clean.id ? clean : p))
      : [...this.state.providers, clean]
    this.save({ ...this.state, providers })
    return clean
  }

  /** Removes the provider and its entries in the fallback chain. */
  remove(id: string): boolean {
    if (!this.get(id)) return false
    const routing = { ...this.state.routing, chain: this.state.routing.chain.filter((entry) => entry.providerId !== id) }
    this.save({ ...this.state, providers: this.state.providers.filter((p) => p.id !== id), routing })
    return true
  }

  routing(): Routing {
    return this.state.routing
  }

  setRouting(routing: Routing): Routing {
    const clean = parseOrThrow(RoutingSchema, routing, 'routing')
    const unknown = clean.chain.filter((entry) => !this.get(entry.providerId))
    if (unknown.length > 0) {
      throw new ValidationError(
        `The fallback chain names a provider that does not exist: ${unknown.map((e) => e.providerId).join(', ')}.`,
        unknown.map((e) => ({ path: 'chain', message: `unknown provider ${e.providerId}` })),
        'Add the provider first, or remove it from the chain.',
      )
    }
    this.save({ ...this.state, routing: clean })
    return clean
  }

  priceOverrides(): PriceEntry[] {
    return this.state.priceOverrides
  }

  setPriceOverrides(overrides: PriceEntry[]): PriceEntry[] {
    const clean = parseOrThrow(z.array(PriceEntrySchema), overrides, 'overrides')
    this.save({ ...this.state, priceOverrides: clean })
    return clean
  }
}
