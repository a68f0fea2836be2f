import type { z } from 'zod'
import { mergeTables } from './capability'
import { registry } from './registry'

/** Events main pushes to every connected client without being asked: those of every capability in registry.ts. */
export const events = mergeTables(registry, 'events')

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<K extends EventName> = z.output<Events[K]>
export const eventNames = Object.keys(events) as EventName[]
export const isEventName = (name: string): name is EventName => Object.hasOwn(events, name)
