import type { HealthHistory, HealthMonitor } from '../health'
import { normalizeBaseUrl, PRESETS, type ModelCatalog, type ProviderConfigStore, type ProviderRegistry } from '../providers'
import { DEFAULT_PRICES, PRICES_DATE, budgetStatus, type BreakerRegistry, type SpendLedger } from '../resilience'
import type { CapabilityWiring } from './capability'

export type ProviderRouteHandlers = CapabilityWiring<'providers'>['handlers']

export interface ProviderHandlerDeps {
  registry: ProviderRegistry
  configs: ProviderConfigStore
  catalog: ModelCatalog
  breakers: BreakerRegistry
  ledger: SpendLedger
  monitor: HealthMonitor
  history: HealthHistory
  now: () => number
  /** Tells every client the provider list changed. */
  changed: () => void
}

export function createProviderHandlers(deps: ProviderHandlerDeps): ProviderRouteHandlers {
  const { registry, configs, catalog } = deps
  const afterChange = (id: string): void => {
    catalog.invalidate(id)
    deps.changed()
  }
  return {
    'providers.list': () => ({ providers: registry.list(), presets: [...PRESETS] }),
    'providers.save': ({ config, key }) => {
      // What the user typed is normalised once here, and they are told how it was understood.
      const typed = config.baseUrl?.trim()
      const understood = typed && config.kind !== 'gguf' ? normalizeBaseUrl(config.kind, typed) : undefined
      const provider = registry.save({ ...config, ...(understood ? { baseUrl: understood.url } : {}) }, key)
      afterChange(config.id)
      return { provider, ...(understood && understood.url !== typed ? { baseUrlNote: understood.note } : {}) }
    },
    'providers.remove': ({ id }) => {
      const removed = registry.remove(id)
      afterChange(id)
      return { removed }
    },
    'providers.setKey': ({ id, key }) => {
      const view = registry.setKey(id, key)
      afterChange(id)
      return view
    },
    'providers.test': async ({ id }, { signal }) => {
      const config = registry.config(id)
      const understoodUrl = registry.baseUrlOf(config)
      const health = await deps.monitor.probeNow(id)
      if (health.status === 'down' || health.lastError) {
        return { ok: false, latencyMs: health.probeLatencyMs, models: 0, understoodUrl, ...(health.lastError ? { error: health.lastError } : {}) }
      }
      const listed = await catalog.list({ providerId: id, refresh: true, signal })
      return { ok: true, latencyMs: health.probeLatencyMs, models: listed.models.length, understoodUrl, ...(listed.errors[0] ? { error: listed.errors[0].error } : {}) }
    },
    'providers.normalizeUrl': ({ kind, url }) => normalizeBaseUrl(kind, url),
    'providers.models': ({ providerId, refresh }, { signal }) => catalog.list({ ...(providerId ? { providerId } : {}), refresh: refresh === true, signal }),
    'routing.get': () => configs.routing(),
    'routing.update': (routing) => {
      const saved = configs.setRouting(routing)
      deps.breakers.updateSettings(saved.breaker)
      return saved
    },
    'pricing.get': () => ({ defaultsDate: PRICES_DATE, defaults: DEFAULT_PRICES, overrides: configs.priceOverrides() }),
    'pricing.update': ({ overrides }) => ({ overrides: configs.setPriceOverrides(overrides) }),
    'budget.status': () => budgetStatus(deps.ledger, configs.routing().budget, deps.now()),
    'health.snapshot': () => ({ providers: deps.monitor.snapshot(), at: deps.now() }),
    'health.history': ({ providerId, since }) => ({ points: deps.history.since(since ?? deps.now() - 24 * 3600_000, providerId) }),
  }
}
