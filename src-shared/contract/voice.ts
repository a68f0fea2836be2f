import { z } from 'zod'

/** Dictation (speech to text) and read-aloud (text to speech), local first. */

/** Settings section `voice`: every field has a default so older settings files still parse. */
export const VoiceSettingsSchema = z.object({})
/** A partial update of the `voice` section; unknown keys are refused. */
export const VoiceSettingsPatchSchema = z.object({}).partial().strict()

export const voiceRoutes = {} as const

export const voiceEvents = {} as const

export const voiceStreams = {} as const
