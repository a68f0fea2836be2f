import { agentCapability } from './agent'
import { agentsCapability } from './agents'
import { analyticsCapability } from './analytics'
import { appCapability } from './app'
import { attachmentsCapability } from './attachments'
import { chatCapability } from './chat'
import { chatSettingsCapability } from './chat-settings'
import { clusterCapability } from './cluster'
import { installerCapability } from './installer'
import { knowledgeCapability } from './knowledge'
import { mcpCapability } from './mcp'
import { modelsCapability } from './models'
import { observabilityCapability } from './observability'
import { providersCapability } from './providers'
import { sessionsCapability } from './sessions'
import { telemetryCapability } from './telemetry'
import { updatesCapability } from './updates'
import { voiceCapability } from './voice'

/**
 * Every capability, each declared once in its own file. A new capability is one line here; its
 * routes, streams, events and settings sections then appear in routes.ts, streams.ts, events.ts
 * and settings.ts, and the core refuses to build until it has a wiring for it.
 * (Order is kept: it is the order of the tables and of the sections in settings.json.)
 */
export const capabilities = [
  appCapability,
  sessionsCapability,
  modelsCapability,
  installerCapability,
  providersCapability,
  chatCapability,
  attachmentsCapability,
  chatSettingsCapability,
  knowledgeCapability,
  agentCapability,
  agentsCapability,
  mcpCapability,
  observabilityCapability,
  telemetryCapability,
  analyticsCapability,
  updatesCapability,
  voiceCapability,
  clusterCapability,
] as const
