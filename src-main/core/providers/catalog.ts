import type { ErrorShape, ModelInfo, PriceEntry, Price, ProviderConfig } from '../../../src-shared/contract'
import { toAppError } from '../errors'
import type { ProviderRegistry } from './registry'
import type { ProviderModel } from './types'

export type PriceResolver = (kind: ProviderConfig['kind'], model: string, overrides: PriceEntry[], providerPrice?: Price) => Price | null

export interface ModelCatalogDeps {
  registry: ProviderRegistry
  overrides: () => PriceEntry[]
  priceFor: PriceResolver
  now?: () => number
  /** How long a provider's model list is trusted (default 5 minutes). */
  ttlMs?: number
  /** How long a failed listing stands before the server is asked again (default 10 s). */
  failureTtlMs?: number
}

export interface CatalogResult {
  models: ModelInfo[]
  errors: { providerId: string; error: ErrorShape }[]
}

/**
 * Every enabled provider's models with capabilities and prices, cached per provider so the model
 * picker and cost routing do not call every server on each keystroke or chat turn.
 */
export class ModelCatalog {
  private readonly cache = new Map<string, { at: number; fingerprint: string; models: ProviderModel[] }>()
  /** Recent failures, so a server that is down is not asked again on every chat turn. */
  private readonly failures = new Map<string, { at: number; fingerprint: string; error: unknown }>()

  constructor(private readonly deps: ModelCatalogDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)()
  }

  invalidate(providerId?: string): void {
    if (providerId) {
      this.cache.delete(providerId)
      this.failures.delete(providerId)
    } else {
      this.cache.clear()
      this.failures.clear()
    }
  }

  async list(options: { providerId?: string; refresh?: boolean; signal?: AbortSignal } = {}): Promise<CatalogResult> {
    const configs = options.providerId ? [this.deps.registry.config(options.providerId)] : this.deps.registry.enabled()
    const results = await Promise.all(configs.map((config) => this.modelsOf(config, options.refresh === true, options.signal)))
    return {
      models: results.flatMap((r) => r.models),
      errors: results.flatMap((r) => (r.error ? [{ providerId: r.providerId, error: r.error }] : [])),
    }
  }

  private async modelsOf(config: ProviderConfig, refresh: boolean, signal?: AbortSignal): Promise<{ providerId: string; models: ModelInfo[]; error?: ErrorShape }> {
    // The built-in Ollama follows the app's host setting, which is not in its config.
    const fingerprint = JSON.stringify([config, this.deps.registry.baseUrlOf(config)])
    try {
      const cached = this.cache.get(config.id)
      const failed = this.failures.get(config.id)
      let models: ProviderModel[]
      if (!refresh && cached && cached.fingerprint === fingerprint && this.now() - cached.at < (this.deps.ttlMs ?? 300_000)) {
        models = cached.models
      } else if (!refresh && failed && failed.fingerprint === fingerprint && this.now() - failed.at < (this.deps.failureTtlMs ?? 10_000)) {
        throw failed.error
      } else {
        try {
          models = await this.deps.registry.provider(config.id).listModels(signal)
        } catch (error) {
          if (!signal?.aborted) this.failures.set(config.id, { at: this.now(), fingerprint, error })
          throw error
        }
        this.failures.delete(config.id)
        this.cache.set(config.id, { at: this.now(), fingerprint, models })
      }
      return { providerId: config.id, models: this.withManualModels(config, models).map((m) => this.info(config, m)) }
    } catch (error) {
      // A server that cannot list still offers the models the user typed in.
      const manual = this.withManualModels(config, []).map((m) => this.info(config, m))
      return { providerId: config.id, models: manual, error: toAppError(error).toShape() }
    }
  }

  private withManualModels(config: ProviderConfig, listed: ProviderModel[]): ProviderModel[] {
    const known = new Set(listed.map((m) => m.id))
    const manual = (config.models ?? [])
      .filter((id) => !known.has(id))
      .map((id) => ({ id, name: id, capabilities: { tools: false, vision: false, reasoning: false, contextWindow: null } }))
    return [...listed, ...manual]
  }

  private info(config: ProviderConfig, model: ProviderModel): ModelInfo {
    return {
      providerId: config.id,
      id: model.id,
      name: model.name,
      capabilities: model.capabilities,
      price: this.deps.priceFor(config.kind, model.id, this.deps.overrides(), model.price),
    }
  }

  /** A model's info when known (cached lists only; never calls a server). */
  cached(providerId: string, model: string): ModelInfo | undefined {
    const entry = this.cache.get(providerId)
    const config = this.deps.registry.enabled().find((c) => c.id === providerId)
    const found = entry?.models.find((m) => m.id === model)
    return config && found ? this.info(config, found) : undefined
  }
}
