import { z } from 'zod'

/** Automatic updates of the desktop app: channel, checks, download progress, install. */

/** Settings section `updates`: every field has a default so older settings files still parse. */
export const UpdatesSettingsSchema = z.object({})
/** A partial update of the `updates` section; unknown keys are refused. */
export const UpdatesSettingsPatchSchema = z.object({}).partial().strict()

export const updatesRoutes = {} as const

export const updatesEvents = {} as const

export const updatesStreams = {} as const
