import { z } from 'zod'
import { defineCapability } from './capability'

/** Dictation (speech to text) and read-aloud (text to speech), local first. */

/** Limits every client must respect; the core refuses anything larger with a typed error. */
export const VOICE_LIMITS = {
  /** One `voice.dictation.push` chunk, in base64 characters (≈ 1 s of 16 kHz PCM16 is 43 690). */
  maxChunkChars: 65_536,
  /** Longest dictation session before the core stops accepting audio. */
  maxSessionMs: 300_000,
  /** Dictation sessions open at once (per core). */
  maxSessions: 4,
  /** Longest text one `voice.speak` reads. */
  maxSpeakChars: 4_096,
  /** The rate the engines run at; the client resamples to it when it can. */
  engineSampleRate: 16_000,
} as const

export const SttEngineSchema = z.enum(['local', 'openai'])
export type SttEngine = z.infer<typeof SttEngineSchema>
/** `system` is the OS voices through the renderer's speechSynthesis; the core never speaks them. */
export const TtsEngineSchema = z.enum(['system', 'local', 'openai'])
export type TtsEngine = z.infer<typeof TtsEngineSchema>
export const CoreTtsEngineSchema = z.enum(['local', 'openai'])
export type CoreTtsEngine = z.infer<typeof CoreTtsEngineSchema>
export const DictationModeSchema = z.enum(['push-to-talk', 'hands-free'])
export type DictationMode = z.infer<typeof DictationModeSchema>

export const VoiceModelIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'a voice model id is lower-case letters, digits, dots or dashes')
const ProviderRef = z.string().max(40).regex(/^([a-z0-9][a-z0-9-]{0,39})?$/, 'a provider id, or empty for the first OpenAI provider')
const ModelName = z.string().trim().min(1).max(120)
const Language = z.string().regex(/^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$/, 'a language is `auto` or a code like en or pt-BR')

/**
 * Settings section `voice`: every field has a default so older settings files still parse.
 * Flat keys on purpose: settings.update merges one level deep, so a nested `stt` object would
 * lose its other fields on a partial update.
 */
export const VoiceSettingsSchema = z.object({
  sttEngine: SttEngineSchema.default('local'),
  /** Catalog id of the local speech-to-text model (see `voice.models`). */
  sttLocalModel: VoiceModelIdSchema.default('whisper-tiny-en'),
  sttOpenaiModel: ModelName.default('gpt-4o-mini-transcribe'),
  /** Which configured OpenAI provider's key and base URL to use; empty = the first OpenAI one. */
  sttOpenaiProvider: ProviderRef.default(''),
  sttLanguage: Language.default('auto'),
  sttMode: DictationModeSchema.default('push-to-talk'),
  /** Energy VAD: frames louder than this (dBFS) count as speech. Silero uses its own probability. */
  vadThresholdDb: z.number().min(-90).max(0).default(-45),
  /** Hands-free: this much silence ends an utterance. */
  vadSilenceMs: z.number().int().min(100).max(5_000).default(800),
  ttsEngine: TtsEngineSchema.default('system'),
  /** System: the OS voice name (empty = the OS default); local: a speaker id of the local model. */
  ttsVoice: z.string().max(200).default(''),
  /** Catalog id of the local text-to-speech model. */
  ttsLocalModel: VoiceModelIdSchema.default('piper-en-us-amy-low'),
  ttsOpenaiModel: ModelName.default('gpt-4o-mini-tts'),
  ttsOpenaiVoice: z.string().trim().min(1).max(60).default('alloy'),
  ttsOpenaiProvider: ProviderRef.default(''),
  /** Read every reply aloud when it finishes. */
  ttsAutoRead: z.boolean().default(false),
  ttsRate: z.number().min(0.5).max(2).default(1),
  /** Stop reading aloud as soon as the user starts speaking. */
  ttsStopOnSpeech: z.boolean().default(true),
})
export type VoiceSettings = z.infer<typeof VoiceSettingsSchema>

/** A partial update of the `voice` section; unknown keys are refused. */
export const VoiceSettingsPatchSchema = z
  .object({
    sttEngine: SttEngineSchema,
    sttLocalModel: VoiceModelIdSchema,
    sttOpenaiModel: ModelName,
    sttOpenaiProvider: ProviderRef,
    sttLanguage: Language,
    sttMode: DictationModeSchema,
    vadThresholdDb: z.number().min(-90).max(0),
    vadSilenceMs: z.number().int().min(100).max(5_000),
    ttsEngine: TtsEngineSchema,
    ttsVoice: z.string().max(200),
    ttsLocalModel: VoiceModelIdSchema,
    ttsOpenaiModel: ModelName,
    ttsOpenaiVoice: z.string().trim().min(1).max(60),
    ttsOpenaiProvider: ProviderRef,
    ttsAutoRead: z.boolean(),
    ttsRate: z.number().min(0.5).max(2),
    ttsStopOnSpeech: z.boolean(),
  })
  .partial()
  .strict()

export const EngineStatusSchema = z.object({
  available: z.boolean(),
  /** Why not, in words for the user (missing model, no key, native module failed to load …). */
  reason: z.string().optional(),
})
export type EngineStatus = z.infer<typeof EngineStatusSchema>

export const VoiceStatusSchema = z.object({
  /** Whether the sherpa-onnx native module loads on this machine. */
  sherpa: EngineStatusSchema,
  stt: z.object({ local: EngineStatusSchema, openai: EngineStatusSchema }),
  tts: z.object({ local: EngineStatusSchema, openai: EngineStatusSchema }),
  /** Which VAD hands-free dictation uses: Silero when its model is installed, else energy. */
  vad: z.enum(['silero', 'energy']),
  selected: z.object({ stt: SttEngineSchema, tts: TtsEngineSchema }),
})
export type VoiceStatus = z.infer<typeof VoiceStatusSchema>

export const VoiceModelFileSchema = z.object({
  name: z.string(),
  url: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** null = not known yet: such a model cannot be downloaded (verification fails closed). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
})

export const VoiceModelSchema = z.object({
  id: VoiceModelIdSchema,
  kind: z.enum(['stt', 'tts', 'vad']),
  name: z.string(),
  description: z.string(),
  language: z.string(),
  license: z.string(),
  /** Total download size of every file. */
  sizeBytes: z.number().int().nonnegative(),
  /** The first (main) file's URL and sha256, for display. */
  url: z.string(),
  sha256: z.string().nullable(),
  files: z.array(VoiceModelFileSchema),
  installed: z.boolean(),
  /** False when a checksum is missing: the UI shows `reason` instead of a download button. */
  downloadable: z.boolean(),
  reason: z.string().optional(),
  /** `imported`: from a folder the user already had (`voice.models.import`); absent = the catalog. */
  source: z.enum(['catalog', 'imported']).optional(),
})
export type VoiceModel = z.infer<typeof VoiceModelSchema>

export const VoiceInfoSchema = z.object({ id: z.string(), name: z.string(), language: z.string().optional() })
export type VoiceInfo = z.infer<typeof VoiceInfoSchema>

const Empty = z.object({}).strict()
const SessionId = z.string().min(1).max(64)
const SessionRef = z.object({ id: SessionId }).strict()

export const voiceRoutes = {
  'voice.status': {
    description: 'Which speech engines work here and why not: sherpa-onnx loadable, models installed, OpenAI key set.',
    input: Empty,
    output: VoiceStatusSchema,
  },
  'voice.dictation.start': {
    description:
      'Open a dictation session. The client then pushes PCM16 mono at `sampleRate` (16 kHz when it can resample).',
    input: z
      .object({
        sampleRate: z.number().int().min(8_000).max(192_000).default(VOICE_LIMITS.engineSampleRate),
        engine: SttEngineSchema.optional(),
        mode: DictationModeSchema.optional(),
        language: Language.optional(),
      })
      .strict(),
    output: z.object({
      id: SessionId,
      engine: SttEngineSchema,
      mode: DictationModeSchema,
      maxChunkChars: z.number().int(),
      maxSessionMs: z.number().int(),
    }),
  },
  'voice.dictation.push': {
    description: 'Add audio: base64 of little-endian Int16 mono PCM, at most 64 KB of base64 per call.',
    input: z
      .object({
        id: SessionId,
        pcm: z.string().max(VOICE_LIMITS.maxChunkChars, 'a chunk is at most 64 KB of base64; send smaller pieces'),
      })
      .strict(),
    output: z.object({
      /** Level of this chunk in dBFS (−∞ is sent as −100), for the live meter. */
      levelDb: z.number(),
      /** The transcript so far, when the engine gives partials. */
      partial: z.string().optional(),
      /** Hands-free: whether the VAD hears speech at the end of this chunk. */
      speaking: z.boolean(),
    }),
  },
  'voice.dictation.stop': {
    description: 'Finish the session and return the transcript.',
    input: SessionRef,
    output: z.object({ text: z.string(), durationMs: z.number(), engine: SttEngineSchema }),
  },
  'voice.dictation.cancel': {
    description: 'Drop the session and its audio without transcribing.',
    input: SessionRef,
    output: z.object({ cancelled: z.boolean() }),
  },
  'voice.speak': {
    description: 'Synthesize `text` with the local or OpenAI voice (system voices are spoken by the renderer).',
    input: z
      .object({
        text: z.string().trim().min(1, 'nothing to read').max(VOICE_LIMITS.maxSpeakChars),
        engine: CoreTtsEngineSchema.optional(),
        voice: z.string().max(200).optional(),
      })
      .strict(),
    output: z.object({
      /** Base64 of the audio file. */
      audio: z.string(),
      mime: z.enum(['audio/wav', 'audio/mpeg']),
      /** Known for WAV; absent for compressed audio. */
      sampleRate: z.number().int().optional(),
      engine: CoreTtsEngineSchema,
    }),
  },
  'voice.voices': {
    description: 'Voices of the local model and of OpenAI (system voices are listed by the renderer).',
    input: Empty,
    output: z.object({ local: z.array(VoiceInfoSchema), openai: z.array(VoiceInfoSchema) }),
  },
  'voice.models': {
    description: 'The speech model catalog with sizes, licences, checksums and what is installed.',
    input: Empty,
    output: z.object({ models: z.array(VoiceModelSchema), dir: z.string() }),
  },
  'voice.models.import': {
    description:
      'Use a speech model the user already has: an absolute folder (or .tar.bz2 archive) on the machine running the core. Its files are checked, their sha256 recorded, and they are linked or copied into the models folder.',
    input: z
      .object({
        path: z.string().trim().min(1, 'the path of the model folder').max(4_096),
        kind: z.enum(['stt', 'tts', 'vad']),
        name: z.string().trim().min(1).max(80).optional(),
      })
      .strict(),
    output: z.object({ model: VoiceModelSchema }),
  },
  'voice.models.remove': {
    description: 'Delete an installed voice model.',
    input: z.object({ id: VoiceModelIdSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
  },
} as const

export const voiceEvents = {
  /** A partial (or, with `final`, an utterance's final) transcript of one dictation session. */
  'voice.partial': z.object({ id: z.string(), text: z.string(), final: z.boolean().optional() }),
  /** Hands-free: the VAD heard speech start (`true`) or end (`false`). Speech start also stops read-aloud. */
  'voice.vad': z.object({ id: z.string(), speaking: z.boolean() }),
} as const

export const voiceStreams = {
  'voice.models.download': {
    description:
      'Download a voice model after the user agreed (`consent: true`), verify its sha256, then install it. Cancel any time.',
    input: z
      .object({
        id: VoiceModelIdSchema,
        consent: z.literal(true, { error: 'a voice model is downloaded only after the user agrees (consent: true)' }),
      })
      .strict(),
    event: z.object({
      phase: z.enum(['download', 'verify', 'install']),
      file: z.string(),
      receivedBytes: z.number().int().nonnegative(),
      totalBytes: z.number().int().nonnegative(),
    }),
    result: z.object({ id: VoiceModelIdSchema, installed: z.boolean(), dir: z.string() }),
  },
} as const

export const voiceCapability = defineCapability({ name: 'voice', routes: voiceRoutes, streams: voiceStreams, events: voiceEvents, settings: { voice: { schema: VoiceSettingsSchema, patch: VoiceSettingsPatchSchema } } })
