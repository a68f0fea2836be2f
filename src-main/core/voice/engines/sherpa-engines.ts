import type { EngineStatus, VoiceInfo } from '../../../../src-shared/contract'
import { AppError } from '../../errors'
import { encodeWav } from '../audio/wav'
import { EnergyVad, type VadEvent, type VoiceActivityDetector } from '../audio/vad'
import { validateOnnxFile, validateTokensFile } from './onnx-check'
import type { SherpaHost } from './sherpa-host'
import type { ModelLayout, SileroLayout, VitsLayout, WhisperLayout } from './sherpa-protocol'
import { type SpeakOptions, type SpeechToText, type SttSession, type SttSessionOptions, type SynthesizedAudio, type TextToSpeech } from './types'

/** An installed model: its catalog id (or path) and where its files are. */
export interface LocalModel<L extends ModelLayout> {
  id: string
  layout: L
}

/** Resolves the model a local engine should use now; throws a typed error when none is installed. */
export type ModelSource<L extends ModelLayout> = () => Promise<LocalModel<L>>

/** Every file is checked before sherpa-onnx opens it: onnxruntime aborts on a bad file. */
export async function validateLayout(layout: ModelLayout): Promise<void> {
  const onnx = layout.type === 'whisper' ? [layout.encoder, layout.decoder] : [layout.model]
  for (const file of onnx) await validateOnnxFile(file)
  if (layout.type !== 'silero') await validateTokensFile(layout.tokens)
}

async function engineStatus(host: SherpaHost, source: ModelSource<ModelLayout>): Promise<EngineStatus> {
  if (!host.configured) return { available: false, reason: 'Local speech is not available in this build.' }
  try {
    await validateLayout((await source()).layout)
  } catch (error) {
    return { available: false, reason: error instanceof AppError ? error.message : String(error) }
  }
  return { available: true }
}

/**
 * Whisper through sherpa-onnx in the child process. Audio is cut into utterances at pauses (a
 * generous energy VAD, at most 28 s each: Whisper's window is 30 s); each is decoded as soon as
 * it ends, in order, so partial transcripts arrive while the user is still talking.
 */
export class SherpaSttEngine implements SpeechToText {
  constructor(private readonly host: SherpaHost, private readonly source: ModelSource<WhisperLayout>, private readonly maxSamples = 16_000 * 300) {}

  status(): Promise<EngineStatus> {
    return engineStatus(this.host, this.source)
  }

  async start(options: SttSessionOptions): Promise<SttSession> {
    const model = await this.source()
    await validateLayout(model.layout)
    const splitter = new EnergyVad({ thresholdDb: -55, silenceMs: 600, minSpeechMs: 60, preRollMs: 300, maxSpeechMs: 28_000 })
    const texts: string[] = []
    let queue: Promise<void> = Promise.resolve()
    let failure: unknown
    let received = 0
    let cancelled = false
    const decode = (samples: Float32Array): void => {
      queue = queue.then(async () => {
        if (cancelled || failure !== undefined) return
        try {
          const { text } = await this.host.call('stt.transcribe', { model: model.layout, language: options.language, samples, sampleRate: 16_000 }, model.id)
          if (text) texts.push(text)
        } catch (error) {
          failure = error
        }
      })
    }
    const take = (events: VadEvent[]): void => {
      for (const event of events) if (event.type === 'end') decode(event.samples)
    }
    return {
      push: async (samples) => {
        if (failure !== undefined) throw failure
        const room = this.maxSamples - received
        if (room <= 0) return texts.join(' ') || undefined
        const kept = samples.length > room ? samples.subarray(0, room) : samples
        received += kept.length
        take(await splitter.accept(kept))
        return texts.join(' ') || undefined
      },
      finish: async () => {
        take(await splitter.flush())
        await queue
        if (failure !== undefined) throw failure
        return cancelled ? '' : texts.join(' ')
      },
      cancel: () => {
        cancelled = true
      },
    }
  }
}

/** Piper/VITS voices through sherpa-onnx OfflineTts in the child process; WAV back. */
export class SherpaTtsEngine implements TextToSpeech {
  constructor(private readonly host: SherpaHost, private readonly source: ModelSource<VitsLayout>) {}

  status(): Promise<EngineStatus> {
    return engineStatus(this.host, this.source)
  }

  async voices(): Promise<VoiceInfo[]> {
    const model = await this.source()
    await validateLayout(model.layout)
    const { numSpeakers } = await this.host.call('tts.info', { model: model.layout }, model.id)
    return Array.from({ length: Math.max(1, numSpeakers) }, (_, sid) => ({ id: String(sid), name: numSpeakers > 1 ? `${model.id} #${sid}` : model.id }))
  }

  async speak(text: string, options: SpeakOptions): Promise<SynthesizedAudio> {
    const model = await this.source()
    await validateLayout(model.layout)
    const sid = Number.parseInt(options.voice ?? '', 10)
    const { samples, sampleRate } = await this.host.call('tts.generate', { model: model.layout, text, sid: Number.isFinite(sid) && sid >= 0 ? sid : 0, speed: options.rate }, model.id)
    if (samples.length === 0) throw new AppError('E_BAD_RESPONSE', 'The local voice produced no audio for this text.')
    return { audio: encodeWav(samples, sampleRate), mime: 'audio/wav', sampleRate }
  }
}

/** Silero VAD in the child process, behind the same interface as the energy VAD. */
export class SileroVad implements VoiceActivityDetector {
  private handle: Promise<number> | undefined
  private active = false
  private atSamples = 0

  constructor(private readonly host: SherpaHost, private readonly model: LocalModel<SileroLayout>, private readonly options: { threshold: number; silenceMs: number }) {}

  get speaking(): boolean {
    return this.active
  }

  accept(samples: Float32Array): Promise<VadEvent[]> {
    return this.run(samples, false)
  }

  async flush(): Promise<VadEvent[]> {
    const events = await this.run(new Float32Array(0), true)
    if (this.handle) void this.host.call('vad.close', { handle: await this.handle }).catch(() => undefined)
    this.handle = undefined
    return events
  }

  private async run(samples: Float32Array, flush: boolean): Promise<VadEvent[]> {
    this.handle ??= validateLayout(this.model.layout).then(() =>
      this.host.call('vad.open', { model: this.model.layout, ...this.options }, this.model.id).then((opened) => opened.handle),
    )
    const handle = await this.handle
    this.atSamples += samples.length
    const { segments, speaking } = await this.host.call('vad.accept', { handle, samples, flush })
    const events: VadEvent[] = []
    const ms = (count: number): number => Math.round(count / 16)
    for (const segment of segments) {
      if (!this.active) events.push({ type: 'start', atMs: ms(segment.start) })
      events.push({ type: 'end', atMs: ms(segment.start + segment.samples.length), samples: segment.samples })
      this.active = false
    }
    if (speaking && !this.active) events.push({ type: 'start', atMs: ms(this.atSamples) })
    this.active = speaking
    return events
  }
}
