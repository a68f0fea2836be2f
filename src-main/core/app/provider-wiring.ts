import os from 'node:os'
import path from 'node:path'
import type { EventName, EventPayload, ProviderConfig } from '../../../src-shared/contract'
import type { JsonFileStorage } from '../config'
import { toAppError } from '../errors'
import { HealthHistory, HealthMonitor, TrafficRecorder, type Timers } from '../health'
import type { AppLogger } from '../log'
import { createProviderFetch, ModelCatalog, ProviderConfigStore, providerFactories, ProviderRegistry, type ProviderFactory } from '../providers'
import { BreakerRegistry, SpendLedger, priceFor } from '../resilience'
import type { SecretStore } from '../secrets'
import type { CapabilityWiring } from './capability'
import { createProviderHandlers } from './provider-handlers'

export interface ProviderWiringOptions {
  dataDir: string
  storage: JsonFileStorage
  secrets: SecretStore
  logger: AppLogger
  env: Record<string, string | undefined>
  ollamaHost: () => string
  broadcast: <K extends EventName>(name: K, payload: EventPayload<K>) => void
  /** Only the long-running app probes in the background; one-shot CLI commands do not. */
  monitor: boolean
  /** Tests swap in kinds that talk to fakes, and the time. */
  factories?: Partial<Record<ProviderConfig['kind'], ProviderFactory>>
  now?: () => number
  timers?: Timers
  isOnline?: () => boolean
}

/** Any interface besides loopback that is up: a cheap, synchronous "are we online at all". */
export function hasNetwork(): boolean {
  return Object.values(os.networkInterfaces()).some((addresses) => addresses?.some((address) => !address.internal) ?? false)
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '')
    return host === 'localhost' || host === '::1' || host.startsWith('127.')
  } catch {
    return false
  }
}

/** Providers, routing, cost and health: built once per core. */
export function wireProviders(options: ProviderWiringOptions) {
  const now = options.now ?? Date.now
  const log = options.logger.log.child({ component: 'providers' })
  const configs = new ProviderConfigStore(options.storage, log)
  const registry = new ProviderRegistry({
    configs,
    secrets: options.secrets,
    scrubber: options.logger.scrubber,
    factories: { ...providerFactories, ...options.factories },
    ollamaHost: options.ollamaHost,
    makeFetch: (config, baseUrl) => createProviderFetch(config.proxy, baseUrl, options.env),
    now,
  })
  const catalog = new ModelCatalog({ registry, overrides: () => configs.priceOverrides(), priceFor, now })
  const breakers = new BreakerRegistry(configs.routing().breaker, now)
  const ledger = new SpendLedger(path.join(options.dataDir, 'spend.json'), log)
  const traffic = new TrafficRecorder()
  const history = new HealthHistory({ file: path.join(options.dataDir, 'health-history.jsonl'), now, log })
  const monitor = new HealthMonitor({
    providers: () =>
      configs.providers().map((config) => {
        const baseUrl = registry.baseUrlOf(config)
        return {
          id: config.id,
          name: config.name,
          kind: config.kind,
          enabled: config.enabled,
          loopback: config.kind === 'gguf' || isLoopback(baseUrl),
          // A provider that cannot be built (no key yet) reports that as its probe result.
          provider: {
            probe: async (signal?: AbortSignal) => {
              try {
                return await registry.provider(config.id).probe(signal)
              } catch (error) {
                return { ok: false, latencyMs: null, error: toAppError(error) }
              }
            },
          },
        }
      }),
    breakers,
    traffic,
    history,
    spend: (providerId, at) => ledger.byProvider(at)[providerId] ?? { todayUsd: 0, monthUsd: 0 },
    // Without a network interface other than loopback there is nothing remote to probe.
    isOnline: options.isOnline ?? hasNetwork,
    timers: options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) },
    now,
  })
  const unsubscribeHealth = monitor.onChange((providers) => options.broadcast('health.changed', { providers, at: now() }))
  const unsubscribeConfigs = configs.onChange(() => options.broadcast('providers.changed', {}))
  if (options.monitor) monitor.start()

  const deps = { registry, configs, catalog, breakers, ledger, monitor, history, now, changed: () => undefined }
  const wiring = {
    registry,
    configs,
    catalog,
    breakers,
    ledger,
    traffic,
    monitor,
    now,
    handlers: createProviderHandlers(deps),
    streamHandlers: {},
    close(): void {
      unsubscribeHealth()
      unsubscribeConfigs()
      monitor.stop()
    },
  }
  return wiring satisfies CapabilityWiring<'providers'>
}

export type ProviderWiring = ReturnType<typeof wireProviders>
