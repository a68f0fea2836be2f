import type OpenAI from 'openai'
import type { EngineStatus, VoiceInfo } from '../../../../src-shared/contract'
import { AppError } from '../../errors'
import { loadOpenAiErrorMapping } from '../../providers'
import { encodeWav } from '../audio/wav'
import { AudioCollector, type SpeakOptions, type SpeechToText, type SttSession, type SttSessionOptions, type SynthesizedAudio, type TextToSpeech } from './types'

/** A ready OpenAI client for one configured provider, or why there is none. */
export type OpenAiConnection = { client: OpenAI; name: string } | { error: AppError }

export interface OpenAiSpeechOptions {
  /** May be async: the app's loads the OpenAI SDK on first use. */
  connect: () => OpenAiConnection | Promise<OpenAiConnection>
  /** Read at call time: model names live in settings, not code. */
  model: () => string
  sampleRate?: number
  /** Longest audio kept per dictation, in samples. */
  maxSamples?: number
}

/**
 * The providers' proxy-aware fetch comes from the undici package, whose Response cannot encode
 * Node's global FormData, so the SDK would refuse uploads. This encodes multipart bodies with the
 * global Request first and hands the routed fetch plain bytes.
 */
export function withFormDataBodies(inner: typeof fetch): typeof fetch {
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    if (!(init?.body instanceof FormData)) return inner(input, init)
    const encoded = new Request('http://form.invalid/', { method: 'POST', body: init.body })
    const headers = new Headers(init.headers)
    headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data')
    return inner(input, { ...init, headers, body: Buffer.from(await encoded.arrayBuffer()) })
  }
  // The SDK probes `fetch.Response` to decide whether FormData bodies work.
  return Object.assign(wrapped, { Response: globalThis.Response }) as unknown as typeof fetch
}

const connected = (connection: OpenAiConnection): { client: OpenAI; name: string } => {
  if ('error' in connection) throw connection.error
  return connection
}

const statusOf = (connection: OpenAiConnection): EngineStatus =>
  'error' in connection ? { available: false, reason: connection.error.message } : { available: true }

/** Cloud transcription: the utterance is uploaded as one WAV when dictation stops. */
export class OpenAiSttEngine implements SpeechToText {
  constructor(private readonly options: OpenAiSpeechOptions) {}

  async status(): Promise<EngineStatus> {
    return statusOf(await this.options.connect())
  }

  async start(session: SttSessionOptions): Promise<SttSession> {
    const { client, name } = connected(await this.options.connect())
    const rate = this.options.sampleRate ?? 16_000
    const audio = new AudioCollector(this.options.maxSamples ?? rate * 300)
    const abort = new AbortController()
    const model = this.options.model()
    return {
      push: (samples) => {
        audio.add(samples)
        return Promise.resolve(undefined)
      },
      finish: async () => {
        const samples = audio.take()
        if (samples.length === 0) return ''
        const { toFile } = await import('openai')
        const file = await toFile(encodeWav(samples, rate), 'dictation.wav', { type: 'audio/wav' })
        const signal = session.signal ? AbortSignal.any([session.signal, abort.signal]) : abort.signal
        try {
          const result = await client.audio.transcriptions.create(
            { file, model, response_format: 'json', ...(session.language === 'auto' ? {} : { language: session.language }) },
            { signal },
          )
          return result.text.trim()
        } catch (error) {
          throw (await loadOpenAiErrorMapping())(name, model, error, signal)
        }
      },
      cancel: () => abort.abort(),
    }
  }
}

/** The voices OpenAI's speech endpoint documents; the model itself is a setting. */
export const OPENAI_VOICES: VoiceInfo[] = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse'].map(
  (id) => ({ id, name: id[0]?.toUpperCase() + id.slice(1) }),
)

export interface OpenAiTtsOptions extends Omit<OpenAiSpeechOptions, 'maxSamples' | 'sampleRate'> {
  voice: () => string
}

/** Cloud read-aloud: `audio.speech.create`, MP3 back. */
export class OpenAiTtsEngine implements TextToSpeech {
  constructor(private readonly options: OpenAiTtsOptions) {}

  async status(): Promise<EngineStatus> {
    return statusOf(await this.options.connect())
  }

  voices(): Promise<VoiceInfo[]> {
    return Promise.resolve(OPENAI_VOICES)
  }

  async speak(text: string, options: SpeakOptions): Promise<SynthesizedAudio> {
    const { client, name } = connected(await this.options.connect())
    const model = this.options.model()
    try {
      const response = await client.audio.speech.create(
        { model, voice: options.voice || this.options.voice(), input: text, response_format: 'mp3', speed: options.rate },
        options.signal ? { signal: options.signal } : {},
      )
      const audio = Buffer.from(await response.arrayBuffer())
      if (audio.length === 0) throw new AppError('E_BAD_RESPONSE', `${name} sent no audio.`, { retryable: true })
      return { audio, mime: 'audio/mpeg' }
    } catch (error) {
      throw (await loadOpenAiErrorMapping())(name, model, error, options.signal)
    }
  }
}
