import type { CoreTtsEngine, SttEngine, VoiceSettings, VoiceStatus } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { EnergyVad, type VoiceActivityDetector } from './audio/vad'
import { DictationManager, type DictationDeps } from './dictation'
import { OpenAiSttEngine, OpenAiTtsEngine, OPENAI_VOICES, type OpenAiConnection } from './engines/openai'
import { SherpaSttEngine, SherpaTtsEngine, SileroVad, type LocalModel, type ModelSource } from './engines/sherpa-engines'
import type { SherpaHost } from './engines/sherpa-host'
import type { SileroLayout, VitsLayout, WhisperLayout } from './engines/sherpa-protocol'
import type { SpeechToText, SynthesizedAudio, TextToSpeech } from './engines/types'
import type { VoiceModelStore } from './models/catalog'

export interface VoiceServiceDeps {
  settings: () => VoiceSettings
  host: SherpaHost
  store: VoiceModelStore
  /** The OpenAI provider named in settings (empty = the first one), or why there is none. */
  openAi: (providerId: string) => OpenAiConnection | Promise<OpenAiConnection>
  broadcast: DictationDeps['broadcast']
  /** Replace engines (tests: a fake engine where no model exists). */
  sttEngines?: Partial<Record<SttEngine, SpeechToText>>
  ttsEngines?: Partial<Record<CoreTtsEngine, TextToSpeech>>
}

const SILERO_ID = 'silero-vad'

/** The voice capability: engines chosen from settings, dictation sessions, read-aloud, status. */
export class VoiceService {
  readonly stt: Record<SttEngine, SpeechToText>
  readonly tts: Record<CoreTtsEngine, TextToSpeech>
  readonly dictation: DictationManager

  constructor(private readonly deps: VoiceServiceDeps) {
    const settings = deps.settings
    this.stt = {
      local: deps.sttEngines?.local ?? new SherpaSttEngine(deps.host, this.localModel<WhisperLayout>('stt', () => settings().sttLocalModel)),
      openai: deps.sttEngines?.openai ?? new OpenAiSttEngine({ connect: () => deps.openAi(settings().sttOpenaiProvider), model: () => settings().sttOpenaiModel }),
    }
    this.tts = {
      local: deps.ttsEngines?.local ?? new SherpaTtsEngine(deps.host, this.localModel<VitsLayout>('tts', () => settings().ttsLocalModel)),
      openai:
        deps.ttsEngines?.openai ??
        new OpenAiTtsEngine({ connect: () => deps.openAi(settings().ttsOpenaiProvider), model: () => settings().ttsOpenaiModel, voice: () => settings().ttsOpenaiVoice }),
    }
    this.dictation = new DictationManager({ engine: (name) => this.stt[name], createVad: () => this.createVad(), broadcast: deps.broadcast })
  }

  /** Silero when its model is installed (and the child process exists), else the energy VAD. */
  createVad(): VoiceActivityDetector {
    const settings = this.deps.settings()
    if (this.deps.host.configured && this.deps.store.installed(SILERO_ID)) {
      const model: LocalModel<SileroLayout> = { id: SILERO_ID, layout: this.deps.store.layout(SILERO_ID) as SileroLayout }
      return new SileroVad(this.deps.host, model, { threshold: 0.5, silenceMs: settings.vadSilenceMs })
    }
    return new EnergyVad({ thresholdDb: settings.vadThresholdDb, silenceMs: settings.vadSilenceMs })
  }

  async speak(text: string, engine: CoreTtsEngine | undefined, voice: string | undefined): Promise<SynthesizedAudio & { engine: CoreTtsEngine }> {
    const settings = this.deps.settings()
    const chosen = engine ?? (settings.ttsEngine === 'system' ? undefined : settings.ttsEngine)
    if (!chosen) {
      throw new AppError('E_UNSUPPORTED', 'System voices are spoken by the window itself, not the core.', { hint: 'Use speechSynthesis in the renderer, or pick the local or OpenAI voice.' })
    }
    const audio = await this.tts[chosen].speak(text, { rate: settings.ttsRate, ...(voice || settings.ttsVoice ? { voice: voice || settings.ttsVoice } : {}) })
    return { ...audio, engine: chosen }
  }

  async voices(): Promise<{ local: { id: string; name: string }[]; openai: typeof OPENAI_VOICES }> {
    // A missing local model is not an error here: there are simply no local voices yet.
    const local = await this.tts.local.voices().catch(() => [])
    return { local, openai: await this.tts.openai.voices() }
  }

  async status(): Promise<VoiceStatus> {
    const settings = this.deps.settings()
    const sherpa = await this.probe()
    const gate = async (engine: { status(): Promise<VoiceStatus['sherpa']> }): Promise<VoiceStatus['sherpa']> => (sherpa.available ? engine.status() : sherpa)
    return {
      sherpa,
      stt: { local: await gate(this.stt.local), openai: await this.stt.openai.status() },
      tts: { local: await gate(this.tts.local), openai: await this.tts.openai.status() },
      vad: this.deps.host.configured && this.deps.store.installed(SILERO_ID) ? 'silero' : 'energy',
      selected: { stt: settings.sttEngine, tts: settings.ttsEngine },
    }
  }

  close(): void {
    this.dictation.close()
    this.deps.host.close()
  }

  private async probe(): Promise<VoiceStatus['sherpa']> {
    if (!this.deps.host.configured) return { available: false, reason: 'Local speech is not available in this build.' }
    try {
      await this.deps.host.call('probe', {})
      return { available: true }
    } catch (error) {
      return { available: false, reason: error instanceof AppError ? error.message : String(error) }
    }
  }

  private localModel<L extends WhisperLayout | VitsLayout>(kind: 'stt' | 'tts', id: () => string): ModelSource<L> {
    return () => {
      const modelId = id()
      const entry = this.deps.store.entry(modelId)
      if (entry.kind !== kind) throw new AppError('E_CONFIG', `${entry.name} is not a ${kind === 'stt' ? 'speech-to-text' : 'voice'} model.`, { hint: 'Pick another model in Settings → Voice.' })
      return Promise.resolve({ id: modelId, layout: this.deps.store.layout(modelId) as L })
    }
  }
}
