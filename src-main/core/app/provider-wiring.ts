import os from 'node:os'
import path from 'node:path'
import type { EventName, EventPayload, ProviderConfig } from '../../../src-shared/contract'
import { ChatService, createProviderSummarizer, type AgentRuntime, type ChatClock, type ChatServiceDeps } from '../chat'
import type { JsonFileStorage } from '../config'
import { toAppError } from '../errors'
import { HealthHistory, HealthMonitor, TrafficRecorder, type Timers } from '../health'
import type { AppLogger } from '../log'
import { createProviderFetch, ModelCatalog, ProviderConfigStore, providerFactories, ProviderRegistry, type ProviderFactory } from '../providers'
import { BreakerRegistry, SpendLedger, priceFor } from '../resilience'
import type { SecretStore } from '../secrets'
import type { SessionStore } from '../sessions'
import type { Tracing } from '../telemetry'
import { createProviderHandlers, createProviderStreamHandlers } from './provider-handlers'

export interface ProviderWiringOptions {
  dataDir: string
  storage: JsonFileStorage
  secrets: SecretStore
  logger: AppLogger
  env: Record<string, string | undefined>
  ollamaHost: () => string
  sessions: () => Promise<SessionStore>
  broadcast: <K extends EventName>(name: K, payload: EventPayload<K>) => void
  sessionsChanged: (ids: string[]) => void
  /** Only the long-running app probes in the background; one-shot CLI commands do not. */
  monitor: boolean
  /** Tests swap in kinds that talk to fakes, time and randomness. */
  factories?: Partial<Record<ProviderConfig['kind'], ProviderFactory>>
  clock?: Partial<ChatClock>
  timers?: Timers
  isOnline?: () => boolean
  /** Hooks, tools and permissions for chats (see agent-wiring.ts). */
  agent?: AgentRuntime
  runSkill?: ChatServiceDeps['runSkill']
  homeDir?: string
  /** Chat request spans (see core/telemetry); none when tracing is off. */
  tracing?: Tracing
}

/** Any interface besides loopback that is up: a cheap, synchronous "are we online at all". */
export function hasNetwork(): boolean {
  return Object.values(os.networkInterfaces()).some((addresses) => addresses?.some((address) => !address.internal) ?? false)
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '')
    return host === 'localhost' || host === '::1' || host.startsWith('127.')
  } catch {
    return false
  }
}

/** Providers, routing, cost, health and chat: built once per core. */
export function wireProviders(options: ProviderWiringOptions) {
  const now = options.clock?.now ?? Date.now
  const clock: ChatClock = { now, sleep: options.clock?.sleep ?? sleep, random: options.clock?.random ?? Math.random }
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

  const chat = new ChatService({
    sessions: options.sessions,
    registry,
    catalog,
    routing: () => configs.routing(),
    priceOverrides: () => configs.priceOverrides(),
    breakers,
    ledger,
    recorder: traffic,
    markActive: () => monitor.markActive(),
    changed: options.sessionsChanged,
    clock,
    log,
    ...(options.agent ? { agent: options.agent } : {}),
    ...(options.runSkill ? { runSkill: options.runSkill } : {}),
    ...(options.homeDir ? { homeDir: options.homeDir } : {}),
    ...(options.tracing ? { tracing: options.tracing } : {}),
  })
  const summarizer = createProviderSummarizer({ registry, catalog, routing: () => configs.routing(), breakers, clock, recorder: traffic })
  const deps = { registry, configs, catalog, breakers, ledger, monitor, history, chat, now, changed: () => undefined }
  return {
    registry,
    configs,
    catalog,
    breakers,
    monitor,
    chat,
    summarizer,
    handlers: createProviderHandlers(deps),
    streamHandlers: createProviderStreamHandlers(deps),
    close(): void {
      unsubscribeHealth()
      unsubscribeConfigs()
      monitor.stop()
    },
  }
}

export type ProviderWiring = ReturnType<typeof wireProviders>
