import type { AppInfo } from '../../../src-shared/contract'
import type { SettingsService } from '../config'
import type { AppLogger } from '../log'
import type { McpManager } from '../mcp'
import type { DataPaths } from '../paths'
import type { SecretStore } from '../secrets'
import type { SessionStore } from '../sessions'
import type { AgentWiring } from './agent-wiring'
import type { ChatWiring } from './chat-wiring'
import type { Broadcast, CoreOptions } from './create-core'
import type { ProviderWiring } from './provider-wiring'

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
  /** OLLAMA_HOST wins over the saved setting, as it does for Ollama's own CLI. */
  ollamaHost(): string
}

/** The base plus the services built from it (history, providers, chat, hooks and skills, MCP). */
export interface WiringContext extends BaseWiringContext {
  sessions(): Promise<SessionStore>
  providers: ProviderWiring
  chat: ChatWiring
  agent: AgentWiring
  mcp: McpManager
}
