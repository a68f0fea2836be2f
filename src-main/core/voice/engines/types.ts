import type { EngineStatus, VoiceInfo } from '../../../../src-shared/contract'

/** Speech engines behind one interface each, so the dictation session never knows which one runs. */

export interface SttSessionOptions {
  /** `auto` or a language code. */
  language: string
  signal?: AbortSignal
}

/** One dictation: 16 kHz mono float audio in, text out. */
export interface SttSession {
  /** Adds audio; returns the transcript so far when the engine has one. */
  push(samples: Float32Array): Promise<string | undefined>
  /** No more audio: the final transcript. */
  finish(): Promise<string>
  /** Drops the audio without transcribing. */
  cancel(): void
}

export interface SpeechToText {
  status(): Promise<EngineStatus>
  start(options: SttSessionOptions): Promise<SttSession>
}

export interface SpeakOptions {
  voice?: string
  /** 0.5–2, 1 = normal. */
  rate: number
  signal?: AbortSignal
}

export interface SynthesizedAudio {
  audio: Buffer
  mime: 'audio/wav' | 'audio/mpeg'
  sampleRate?: number
}

export interface TextToSpeech {
  status(): Promise<EngineStatus>
  speak(text: string, options: SpeakOptions): Promise<SynthesizedAudio>
  voices(): Promise<VoiceInfo[]>
}

/** Collects pushed audio for engines that transcribe a whole utterance at once. */
export class AudioCollector {
  private chunks: Float32Array[] = []
  private length = 0

  constructor(private readonly maxSamples: number) {}

  add(samples: Float32Array): void {
    const room = this.maxSamples - this.length
    if (room <= 0) return
    const kept = samples.length > room ? samples.subarray(0, room) : samples
    this.chunks.push(kept.slice())
    this.length += kept.length
  }

  take(): Float32Array {
    const out = new Float32Array(this.length)
    let at = 0
    for (const chunk of this.chunks) {
      out.set(chunk, at)
      at += chunk.length
    }
    this.chunks = []
    this.length = 0
    return out
  }

  get samples(): number {
    return this.length
  }
}
