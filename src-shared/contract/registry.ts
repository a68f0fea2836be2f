import { capabilities } from './capabilities'
import type { CapabilityNamed } from './capability'
import { settingsCapability } from './settings'

/** Every capability, and last `settings`, whose schema is built from the others' sections. The tables derive from this. */
export const registry = [...capabilities, settingsCapability] as const

export type Registry = typeof registry
export type CapabilityName = Registry[number]['name']
export type CapabilityOf<N extends CapabilityName> = CapabilityNamed<Registry, N>
export const capabilityNames = registry.map((capability) => capability.name) as CapabilityName[]
