import { z } from 'zod'
import { agentEvents } from './agent'
import { mcpEvents } from './mcp'
import { providerEvents } from './providers'
import { SettingsSchema } from './settings'
import { observabilityEvents } from './observability'
import { telemetryEvents } from './telemetry'
import { analyticsEvents } from './analytics'
import { updatesEvents } from './updates'
import { voiceEvents } from './voice'
import { clusterEvents } from './cluster'

/** Events main pushes to every connected client without being asked. */
export const events = {
  'settings.changed': SettingsSchema,
  /** Sessions were created, changed, deleted or restored (by any window, the CLI or an import). */
  'sessions.changed': z.object({ ids: z.array(z.string()) }),
  /** Installed models changed: a pull finished or a model was deleted. */
  'models.changed': z.object({}),
  'app.notice': z.object({
    level: z.enum(['info', 'warning', 'error']),
    message: z.string(),
    hint: z.string().optional(),
  }),
  ...providerEvents,
  ...agentEvents,
  ...mcpEvents,
  ...observabilityEvents,
  ...telemetryEvents,
  ...analyticsEvents,
  ...updatesEvents,
  ...voiceEvents,
  ...clusterEvents,
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<K extends EventName> = z.output<Events[K]>
export const eventNames = Object.keys(events) as EventName[]
export const isEventName = (name: string): name is EventName => Object.hasOwn(events, name)
