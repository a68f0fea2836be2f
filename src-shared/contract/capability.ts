import type { z } from 'zod'

/** A request: one input, one output, both validated at the boundary. */
export interface RouteSpec {
  description: string
  input: z.ZodType
  output: z.ZodType
}

/** A long job: one input, typed events while it runs, one result at the end. */
export interface StreamSpec {
  description: string
  input: z.ZodType
  event: z.ZodType
  result: z.ZodType
}

/** A top-level section of settings.json: its full shape (defaults filled in) and its partial update. */
export interface SettingsSection {
  schema: z.ZodType
  patch: z.ZodType
}

/**
 * What a capability offers over the contract, declared once in its own file: its routes, streams,
 * pushed events and settings sections. capabilities.ts lists every capability, and the route,
 * stream and event tables and the settings schema are all derived from that list.
 */
export interface Capability {
  name: string
  routes?: Record<string, RouteSpec>
  streams?: Record<string, StreamSpec>
  events?: Record<string, z.ZodType>
  settings?: Record<string, SettingsSection>
}

/** Declares a capability; the types of its tables are kept exactly as written. */
export const defineCapability = <const C extends Capability>(capability: C): C => capability

type Part = 'routes' | 'streams' | 'events' | 'settings'
type PartOf<C, P extends Part> = C extends { [K in P]: infer T } ? T : never
type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void ? I : never
/** One object type with every key of every capability's table. */
export type Merged<L extends readonly Capability[], P extends Part> = { [K in keyof UnionToIntersection<PartOf<L[number], P>>]: UnionToIntersection<PartOf<L[number], P>>[K] }

/** Joins one table (routes, streams, events or settings) of every capability; a name declared twice is a mistake. */
export function mergeTables<const L extends readonly Capability[], P extends Part>(capabilities: L, part: P): Merged<L, P> {
  const merged: Record<string, unknown> = {}
  const entries = capabilities.flatMap((capability) => Object.entries(capability[part] ?? {}).map(([name, entry]) => ({ name, entry, owner: capability.name })))
  for (const { name, entry, owner } of entries) {
    if (Object.hasOwn(merged, name)) throw new Error(`${part}: "${name}" is declared by two capabilities (the second is ${owner})`)
    merged[name] = entry
  }
  return merged as Merged<L, P>
}

/** The tables of the capability called N. */
export type CapabilityNamed<L extends readonly Capability[], N extends L[number]['name']> = Extract<L[number], { name: N }>
type KeysOf<T> = [T] extends [never] ? never : keyof T & string
/** Route (stream, event) names of one capability; never when it has none. */
export type RouteNamesOf<C> = KeysOf<PartOf<C, 'routes'>>
export type StreamNamesOf<C> = KeysOf<PartOf<C, 'streams'>>
export type EventNamesOf<C> = KeysOf<PartOf<C, 'events'>>
