import { z } from 'zod'
import { capabilities } from './capabilities'
import { defineCapability, mergeTables, type SettingsSection } from './capability'

export const SETTINGS_VERSION = 1

/** Each section fills its defaults from nothing, so a file written before the section existed still parses. */
function withDefaults<S extends Record<string, SettingsSection>>(sections: S): { [K in keyof S]: z.ZodPrefault<S[K]['schema']> } {
  return Object.fromEntries(Object.entries(sections).map(([key, section]) => [key, section.schema.prefault({})])) as { [K in keyof S]: z.ZodPrefault<S[K]['schema']> }
}

function patches<S extends Record<string, SettingsSection>>(sections: S): { [K in keyof S]: S[K]['patch'] } {
  return Object.fromEntries(Object.entries(sections).map(([key, section]) => [key, section.patch])) as { [K in keyof S]: S[K]['patch'] }
}

/** settings.json: a version and one section per `settings` entry any capability declares. */
const sections = mergeTables(capabilities, 'settings')

export const SettingsSchema = z.object({ version: z.literal(SETTINGS_VERSION), ...withDefaults(sections) })
export type Settings = z.infer<typeof SettingsSchema>

/** A partial update: every leaf optional, unknown keys rejected so typos do not vanish silently. */
export const SettingsPatchSchema = z.object(patches(sections)).partial().strict()
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>

const Empty = z.object({}).strict()

/** Reading and writing settings.json. Its schema is built from every other capability, so registry.ts adds it last. */
export const settingsCapability = defineCapability({
  name: 'settings',
  routes: {
    'settings.get': {
      description: 'The current settings, with defaults filled in.',
      input: Empty,
      output: SettingsSchema,
    },
    'settings.update': {
      description: 'Apply a partial update; returns the settings as saved.',
      input: SettingsPatchSchema,
      output: SettingsSchema,
    },
    'settings.reset': {
      description: 'Restore every setting to its default; the old file is kept as a backup.',
      input: Empty,
      output: SettingsSchema,
    },
  },
  events: {
    'settings.changed': SettingsSchema,
  },
})
