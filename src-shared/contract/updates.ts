import { z } from 'zod'
import { defineCapability } from './capability'

/** Automatic updates of the desktop app: channel, checks, download progress, install. */

export const UpdateChannelSchema = z.enum(['latest', 'beta'])
export type UpdateChannel = z.infer<typeof UpdateChannelSchema>

/** Settings section `updates`: every field has a default so older settings files still parse. */
export const UpdatesSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  channel: UpdateChannelSchema.default('latest'),
  /** Download a found update in the background; off means the user clicks "Download". */
  autoDownload: z.boolean().default(true),
})
export type UpdatesSettings = z.infer<typeof UpdatesSettingsSchema>
/** A partial update of the `updates` section; unknown keys are refused. */
export const UpdatesSettingsPatchSchema = z.object({ enabled: z.boolean(), channel: UpdateChannelSchema, autoDownload: z.boolean() }).partial().strict()

export const UpdateProgressSchema = z.object({
  percent: z.number(),
  transferred: z.number(),
  total: z.number(),
  bytesPerSecond: z.number(),
})
export type UpdateProgress = z.infer<typeof UpdateProgressSchema>

const Notes = z.string().nullable()

/** Where the updater is; `disabled` says why in words the user can act on. */
export const UpdateStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('checking') }),
  z.object({ state: z.literal('available'), version: z.string(), releaseNotes: Notes, releaseDate: z.string().nullable() }),
  z.object({ state: z.literal('downloading'), version: z.string(), releaseNotes: Notes, progress: UpdateProgressSchema }),
  z.object({ state: z.literal('downloaded'), version: z.string(), releaseNotes: Notes }),
  z.object({ state: z.literal('error'), message: z.string(), code: z.string().nullable() }),
  z.object({ state: z.literal('disabled'), reason: z.string() }),
])
export type UpdateState = z.infer<typeof UpdateStateSchema>

export const UpdateStatusSchema = z.object({
  currentVersion: z.string(),
  channel: UpdateChannelSchema,
  update: UpdateStateSchema,
  /** When the last check finished (ms), whatever it found. */
  lastCheckedAt: z.number().nullable(),
  /** Why "Restart to update" must wait right now (a reply is streaming), or null. */
  installBlockedBy: z.string().nullable(),
  /** The user asked to restart; it happens as soon as nothing blocks it. */
  installPending: z.boolean(),
})
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>

const Empty = z.object({}).strict()

export const updatesRoutes = {
  'updates.status': { description: 'The updater state, channel, progress and release notes.', input: Empty, output: UpdateStatusSchema },
  'updates.check': { description: 'Ask the update feed of the chosen channel for a newer version now.', input: Empty, output: UpdateStatusSchema },
  'updates.download': { description: 'Download the update that was found (when automatic download is off).', input: Empty, output: UpdateStatusSchema },
  'updates.install': {
    description: 'Restart into the downloaded update; waits until no chat reply is streaming.',
    input: Empty,
    output: UpdateStatusSchema,
  },
} as const

export const updatesEvents = {
  /** The updater state changed: checking, found, progress, downloaded, failed. */
  'updates.changed': UpdateStatusSchema,
} as const

export const updatesStreams = {} as const

export const updatesCapability = defineCapability({ name: 'updates', routes: updatesRoutes, streams: updatesStreams, events: updatesEvents, settings: { updates: { schema: UpdatesSettingsSchema, patch: UpdatesSettingsPatchSchema } } })
