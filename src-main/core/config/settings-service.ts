import {
  SETTINGS_VERSION,
  SettingsPatchSchema,
  SettingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../../src-shared/contract'
import { AppError, parseOrThrow } from '../errors'
import type { Logger } from '../log'
import { migrateSettings } from './migrate'
import type { SettingsStorage } from './store'

export interface SettingsNotice {
  message: string
  hint?: string
}

export const defaultSettings = (): Settings => SettingsSchema.parse({ version: SETTINGS_VERSION })

/**
 * Typed settings over any storage. Unreadable or invalid files are never overwritten in place:
 * they are copied aside first, and the user is told where.
 */
export class SettingsService {
  private current: Settings
  private readonly listeners = new Set<(settings: Settings) => void>()
  readonly notices: SettingsNotice[] = []

  constructor(private readonly storage: SettingsStorage, private readonly log: Logger) {
    this.current = this.load()
  }

  get(): Settings {
    return this.current
  }

  update(patch: SettingsPatch): Settings {
    const valid = parseOrThrow(SettingsPatchSchema, patch, 'settings update')
    const next = SettingsSchema.parse({
      ...this.current,
      ...Object.fromEntries(
        Object.entries(valid).map(([key, value]) => [key, { ...this.current[key as keyof Settings] as object, ...value }]),
      ),
    })
    return this.save(next)
  }

  reset(): Settings {
    this.storage.backup('before-reset')
    return this.save(defaultSettings())
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private save(next: Settings): Settings {
    this.storage.write(next)
    this.current = next
    for (const listener of this.listeners) listener(next)
    return next
  }

  private load(): Settings {
    let raw: unknown
    try {
      raw = this.storage.read()
    } catch (error) {
      return this.recover('unreadable', error)
    }
    if (raw === undefined) return defaultSettings()
    const migrated = migrateSettings(raw)
    if ('unsupported' in migrated) return this.recover('unsupported', migrated.from)
    const parsed = SettingsSchema.safeParse(migrated.value)
    if (!parsed.success) return this.recover('invalid', parsed.error)
    if (migrated.from !== SETTINGS_VERSION) {
      this.storage.backup(`v${migrated.from}`)
      this.storage.write(parsed.data)
      this.log.info({ from: migrated.from, to: SETTINGS_VERSION }, 'settings migrated')
    }
    return parsed.data
  }

  private recover(reason: 'unreadable' | 'unsupported' | 'invalid', detail: unknown): Settings {
    let kept: string | undefined
    try {
      kept = this.storage.backup(reason)
    } catch (error) {
      // Without a backup we must not overwrite the file: run on defaults in memory only.
      this.log.error({ err: error }, 'could not back up bad settings')
      throw new AppError('E_CONFIG', `Settings at ${this.storage.location} are ${reason} and could not be backed up.`, {
        cause: error,
        hint: 'Move the file away or fix its permissions, then start again.',
      })
    }
    this.log.warn({ reason, detail: String(detail), kept }, 'settings replaced by defaults')
    this.notices.push({
      message: `Your settings file was ${reason}, so defaults are in use.`,
      hint: kept ? `The old file is kept at ${kept}.` : undefined,
    })
    const defaults = defaultSettings()
    this.storage.write(defaults)
    return defaults
  }
}
