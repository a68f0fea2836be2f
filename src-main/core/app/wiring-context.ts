import type { AppInfo } from '../../../src-shared/contract'
import type { SettingsService } from '../config'
import type { AppLogger } from '../log'
import type { McpManager } from '../mcp'
import type { DataPaths } from '../paths'
import type { SecretStore } from '../secrets'
import type { SessionStore } from '../sessions'
import type { wireAgent } from './agent-wiring'
import type { Broadcast, CoreOptions } from './create-core'
import type { wireProviders } from './provider-wiring'

/** What every capability's wiring may use; built once in createCore. */
export interface BaseWiringContext {
  options: CoreOptions
  mode: AppInfo['mode']
  version: string
  paths: DataPaths
  env: Record<string, string | undefined>
  home: string
  settings: SettingsService
  secrets: SecretStore
  logger: AppLogger
  broadcast: Broadcast
  /** Hears every broadcast (analytics counts finished update checks from them). */
  onBroadcast?(listener: Broadcast): () => void
}

/** The base plus the services built from it (history, providers, hooks and skills, MCP). */
export interface WiringContext extends BaseWiringContext {
  sessions(): Promise<SessionStore>
  providers: ReturnType<typeof wireProviders>
  agent: ReturnType<typeof wireAgent>
  mcp: McpManager
}
