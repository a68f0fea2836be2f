import { SettingsSchema, type ApiClient, type AppInfo, type DoctorCheck, type ErrorShape, type EventName, type OllamaStatus, type Result, type Settings } from '../../src-shared/contract'
import { fakeAgent, type FakeAgentOptions } from './fake-agent'
import { withFakeCluster } from './fake-cluster'
import { fakeInstaller, type FakeInstallerOptions } from './fake-installer'
import { fakeMcp, type FakeMcpOptions } from './fake-mcp'
import { withFakeObservability } from './fake-observability'
import { fakeModels, type FakeModelsOptions } from './fake-models'
import { fakeProviders, type FakeProvidersOptions } from './fake-providers'
import { fakeSessions, type FakeSessionsOptions } from './fake-sessions'
import { withFakeUpdates } from './fake-updates'
import { withFakeAnalytics } from './fake-analytics'
import { withFakeVoice } from './fake-voice'
import { fakeTelemetry, type FakeTelemetryOptions } from './fake-telemetry'

// Every section's defaults come from the schema, so a new settings section needs no edit here.
export const defaultSettings = (): Settings =>
  SettingsSchema.parse({ version: 1, appearance: { theme: 'light' }, onboarding: { completed: true } })

export const info: AppInfo = {
  name: 'Ollama Desk',
  version: '9.9.9',
  mode: 'web',
  platform: 'linux',
  arch: 'x64',
  versions: { node: '24.0.0' },
  dataDir: '/tmp/data',
}

export interface FakeApiOptions {
  info?: Partial<AppInfo>
  settings?: Settings
  status?: OllamaStatus | ErrorShape
  checks?: DoctorCheck[]
  /** Routes that fail with this error. */
  failing?: Partial<Record<string, ErrorShape>>
  /** The session store behind the sessions.* routes. */
  history?: FakeSessionsOptions
  /** What the models.* routes answer; pulls are driven through the returned `ollama`. */
  ollama?: FakeModelsOptions
  /** What the ollama.* installer routes answer; installs are driven through the returned `installer`. */
  installer?: FakeInstallerOptions
  /** What the providers/routing/pricing/budget/health routes answer; chat.send is driven through the returned `providers`. */
  providers?: FakeProvidersOptions
  /** What the hooks / skills / permissions / tools.decide routes answer. */
  agent?: FakeAgentOptions
  /** The MCP servers behind the mcp.* routes; status changes are pushed through the returned `mcp`. */
  mcp?: FakeMcpOptions
  telemetry?: FakeTelemetryOptions
  /** Answers wait this long (ms), to see loading states and out-of-order replies. */
  delay?: (route: string, input: unknown) => number
}

/**
 * An in-memory stand-in for the core, with the same contract semantics the renderer relies on:
 * typed results, settings that merge patches, and push events to listeners.
 */
export function fakeApi(options: FakeApiOptions = {}) {
  let settings = options.settings ?? defaultSettings()
  const calls: { route: string; input: unknown }[] = []
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const emit = (name: EventName, payload: unknown): void => listeners.get(name)?.forEach((listener) => listener(payload))
  const history = fakeSessions(options.history ?? {}, (ids) => emit('sessions.changed', { ids }))
  const ollama = fakeModels(options.ollama ?? {}, () => emit('models.changed', {}))
  const installer = fakeInstaller(options.installer ?? {})
  const providers = fakeProviders(options.providers ?? {}, emit)
  const agent = fakeAgent(options.agent ?? {}, (run) => emit('hooks.ran', run))
  const mcp = fakeMcp(options.mcp ?? {}, (payload) => emit('mcp.changed', payload))
  const telemetry = fakeTelemetry(options.telemetry ?? {}, () => settings)
  const ok = <T>(value: T): Result<T> => ({ ok: true, value })
  const answer = (route: string, input: unknown): Result<unknown> => {
    const failure = options.failing?.[route]
    if (failure) return { ok: false, error: failure }
    if (history.isSessionRoute(route)) return history.call(route, input)
    if (ollama.isModelRoute(route)) return ollama.call(route, input)
    if (installer.isInstallerRoute(route)) return installer.call(route, input)
    if (providers.isProviderRoute(route)) return providers.call(route, input)
    if (agent.isAgentRoute(route)) return agent.call(route, input)
    if (mcp.isMcpRoute(route)) return mcp.call(route, input)
    if (telemetry.isTelemetryRoute(route)) return telemetry.call(route, input)
    switch (route) {
      case 'app.info':
        return ok({ ...info, ...options.info })
      case 'settings.get':
        return ok(settings)
      case 'settings.update': {
        const patch = input as Partial<Record<keyof Settings, object>>
        const next = { ...settings } as Record<string, unknown>
        for (const [key, value] of Object.entries(patch)) next[key] = { ...(settings[key as keyof Settings] as object), ...value }
        settings = next as Settings
        return ok(settings)
      }
      case 'settings.reset':
        settings = defaultSettings()
        return ok(settings)
      case 'ollama.status': {
        const status = options.status ?? { host: 'http://127.0.0.1:11434', reachable: true, version: '0.12.6', latencyMs: 3 }
        return 'code' in status ? { ok: false, error: status } : ok(status)
      }
      case 'diagnostics.doctor':
        return ok({ checks: options.checks ?? [] })
      default:
        return { ok: false, error: { code: 'E_UNKNOWN_ROUTE', message: `no ${route}`, retryable: false } }
    }
  }
  const api: ApiClient = {
    call: (route, input) => {
      calls.push({ route, input })
      const wait = options.delay?.(route, input) ?? 0
      if (wait > 0) return new Promise((resolve) => setTimeout(() => resolve(answer(route, input) as never), wait))
      return Promise.resolve(answer(route, input) as never)
    },
    stream: (route, input, onEvent) => {
      calls.push({ route, input })
      if (route === 'models.pull') return ollama.stream(input as { name: string }, onEvent as never) as never
      if (route === 'ollama.install') return installer.stream(onEvent as never) as never
      if (route === 'chat.send') return providers.stream(input as never, onEvent as never) as never
      return { id: 1, cancel: () => undefined, done: Promise.resolve({ ok: true, value: { sent: 0 } } as never) }
    },
    on: (name, listener) => {
      const set = listeners.get(name) ?? new Set()
      listeners.set(name, set)
      set.add(listener as (payload: unknown) => void)
      return () => set.delete(listener as (payload: unknown) => void)
    },
  }
  return {
    api,
    calls,
    settings: () => settings,
    history,
    ollama,
    installer,
    providers,
    agent,
    mcp,
    ...withFakeCluster({ api, emit, calls, settings: () => settings }),
    ...withFakeUpdates({ api, calls, emit, settings: () => settings }),
    ...withFakeAnalytics({ api, calls, emit, settings: () => settings }),
    ...withFakeObservability({ api, calls }),
    ...withFakeVoice({ api, calls, emit, settings: () => settings }),
    emit,
    listenerCount: (name: EventName) => listeners.get(name)?.size ?? 0,
  }
}
