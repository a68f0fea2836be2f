import type { EngineStatus } from '../../../src-shared/contract'
import { EnergyVad } from '../../../src-main/core/voice/audio/vad'
import type { SpeechToText, SttSession } from '../../../src-main/core/voice/engines/types'

/**
 * A test-only speech-to-text engine: no model, but its output depends on the audio. It runs an
 * energy VAD with a short hangover and reports each utterance it hears as `utteranceN(1.2s)`,
 * so silence yields "" and two sentences yield two utterances.
 */
export class FakeSttEngine implements SpeechToText {
  readonly sessions: { samples: number; language: string; cancelled: boolean }[] = []

  constructor(private readonly thresholdDb = -40) {}

  status(): Promise<EngineStatus> {
    return Promise.resolve({ available: true })
  }

  start(options: { language: string }): Promise<SttSession> {
    const record = { samples: 0, language: options.language, cancelled: false }
    this.sessions.push(record)
    const vad = new EnergyVad({ thresholdDb: this.thresholdDb, silenceMs: 400 })
    const heard: number[] = []
    const take = (events: Awaited<ReturnType<EnergyVad['accept']>>): void => {
      for (const event of events) if (event.type === 'end') heard.push(event.samples.length / 16_000)
    }
    const text = (): string => heard.map((seconds, i) => `utterance${i + 1}(${seconds.toFixed(1)}s)`).join(' ')
    return Promise.resolve({
      push: async (samples) => {
        record.samples += samples.length
        take(await vad.accept(samples))
        return heard.length > 0 ? text() : undefined
      },
      finish: async () => {
        take(await vad.flush())
        return text()
      },
      cancel: () => {
        record.cancelled = true
      },
    })
  }
}
