import type { AppInfo } from '../../../src-shared/contract'
import type { SettingsService } from '../config'
import { runDoctor, type DoctorDeps } from '../doctor'
import { normalizeOllamaHost, probeOllama, type FetchLike } from '../ollama'
import type { RouteHandlers, StreamHandlers } from '../rpc'
import type { InstallerRouteName, InstallerStreamName } from './installer-handlers'
import type { ModelRouteName, ModelStreamName } from './model-handlers'
import type { AgentRouteHandlers } from './agent-wiring'
import type { McpRouteHandlers } from './mcp-handlers'
import type { ProviderRouteHandlers, ProviderStreamHandlers } from './provider-handlers'
import type { SessionRouteName } from './session-handlers'
import type { ObservabilityRouteHandlers, ObservabilityStreamHandlers } from './observability-wiring'
import type { TelemetryRouteHandlers, TelemetryStreamHandlers } from './telemetry-wiring'
import type { AnalyticsRouteHandlers, AnalyticsStreamHandlers } from './analytics-wiring'
import type { UpdatesRouteHandlers, UpdatesStreamHandlers } from './updates-wiring'
import type { VoiceRouteHandlers, VoiceStreamHandlers } from './voice-wiring'
import type { ClusterRouteHandlers, ClusterStreamHandlers } from './cluster-wiring'

export interface HandlerDeps {
  info: Omit<AppInfo, 'dataDir'> & { dataDir: string }
  settings: SettingsService
  /** OLLAMA_HOST wins over the saved setting, as it does for Ollama's own CLI. */
  ollamaHost: () => string
  doctor: Omit<DoctorDeps, 'ollamaHost' | 'settingsNotices'>
  openExternal: (url: string) => Promise<boolean>
  fetch?: FetchLike
}

/** Routes and streams each capability's wiring answers itself. */
type CapabilityRouteName = keyof (ObservabilityRouteHandlers & TelemetryRouteHandlers & AnalyticsRouteHandlers & UpdatesRouteHandlers & VoiceRouteHandlers & ClusterRouteHandlers)
type CapabilityStreamName = keyof (ObservabilityStreamHandlers & TelemetryStreamHandlers & AnalyticsStreamHandlers & UpdatesStreamHandlers & VoiceStreamHandlers & ClusterStreamHandlers)

export type CoreRouteHandlers = Omit<RouteHandlers, SessionRouteName | ModelRouteName | InstallerRouteName | keyof ProviderRouteHandlers | keyof AgentRouteHandlers | keyof McpRouteHandlers | CapabilityRouteName>
export type CoreStreamHandlers = Omit<StreamHandlers, ModelStreamName | InstallerStreamName | keyof ProviderStreamHandlers | CapabilityStreamName>

export function createRouteHandlers(deps: HandlerDeps): CoreRouteHandlers {
  return {
    'app.info': () => deps.info,
    'settings.get': () => deps.settings.get(),
    // Hosts are stored as Ollama understands them, so a typo is refused here, not at the first chat.
    'settings.update': (patch) =>
      deps.settings.update(patch.ollama?.host === undefined ? patch : { ...patch, ollama: { ...patch.ollama, host: normalizeOllamaHost(patch.ollama.host) } }),
    'settings.reset': () => deps.settings.reset(),
    'ollama.status': ({ host }) => probeOllama(host ?? deps.ollamaHost(), { fetch: deps.fetch }),
    'diagnostics.doctor': async () => ({
      checks: await runDoctor({
        ...deps.doctor,
        ollamaHost: deps.ollamaHost(),
        settingsNotices: deps.settings.notices,
      }),
    }),
    'shell.openExternal': async ({ url }) => ({ opened: await deps.openExternal(url) }),
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

export function createStreamHandlers(): CoreStreamHandlers {
  return {
    async *'diagnostics.loopback'({ count, payloadBytes, intervalMs }, { signal }) {
      const payload = 'x'.repeat(payloadBytes)
      let sent = 0
      for (; sent < count && !signal.aborted; sent++) {
        if (intervalMs > 0) await sleep(intervalMs, signal)
        yield { seq: sent, payload }
      }
      return { sent }
    },
  }
}
