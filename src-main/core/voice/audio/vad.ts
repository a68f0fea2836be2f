import { levelDb } from './pcm'

/** Voice activity detection over 16 kHz mono float audio, in 20 ms frames. */

export type VadEvent =
  | { type: 'start'; atMs: number }
  /** `samples` is the utterance, including a short pre-roll before the detected start. */
  | { type: 'end'; atMs: number; samples: Float32Array }

export interface VoiceActivityDetector {
  /** Feed audio of any length; returns speech starts and ends found in it. */
  accept(samples: Float32Array): Promise<VadEvent[]>
  /** End of stream: closes an utterance still open. */
  flush(): Promise<VadEvent[]>
  readonly speaking: boolean
}

export interface EnergyVadOptions {
  sampleRate?: number
  /** Frames at or above this level (dBFS) count as voiced. */
  thresholdDb?: number
  /** Hangover: this much quiet ends an utterance (covers pauses between words). */
  silenceMs?: number
  /** Voiced time needed before a start is declared (rejects clicks). */
  minSpeechMs?: number
  /** Audio kept from before the start, so the first syllable is not cut. */
  preRollMs?: number
  /** Longest utterance: a longer one is cut here (Whisper decodes at most 30 s at a time). */
  maxSpeechMs?: number
}

const FRAME_MS = 20

/** A level-threshold VAD with hangover: cheap, model-free, and the fallback when Silero is missing. */
export class EnergyVad implements VoiceActivityDetector {
  private readonly frameSize: number
  private readonly threshold: number
  private readonly silenceFrames: number
  private readonly minSpeechFrames: number
  private readonly preRollFrames: number
  private readonly maxFrames: number
  private pending = new Float32Array(0)
  private frames: Float32Array[] = []
  private framesSeen = 0
  private voicedRun = 0
  private quietRun = 0
  private active = false

  constructor(options: EnergyVadOptions = {}) {
    const rate = options.sampleRate ?? 16_000
    this.frameSize = Math.round((rate * FRAME_MS) / 1000)
    this.threshold = options.thresholdDb ?? -45
    this.silenceFrames = Math.max(1, Math.round((options.silenceMs ?? 500) / FRAME_MS))
    this.minSpeechFrames = Math.max(1, Math.round((options.minSpeechMs ?? 100) / FRAME_MS))
    this.preRollFrames = Math.round((options.preRollMs ?? 200) / FRAME_MS)
    this.maxFrames = Math.round((options.maxSpeechMs ?? Infinity) / FRAME_MS)
  }

  get speaking(): boolean {
    return this.active
  }

  accept(samples: Float32Array): Promise<VadEvent[]> {
    return Promise.resolve(this.acceptSync(samples))
  }

  flush(): Promise<VadEvent[]> {
    const events = this.acceptSync(new Float32Array(0))
    if (this.active) events.push(this.close(this.frames.length))
    this.frames = []
    return Promise.resolve(events)
  }

  acceptSync(samples: Float32Array): VadEvent[] {
    const joined = new Float32Array(this.pending.length + samples.length)
    joined.set(this.pending)
    joined.set(samples, this.pending.length)
    const events: VadEvent[] = []
    let offset = 0
    for (; offset + this.frameSize <= joined.length; offset += this.frameSize) {
      const event = this.frame(joined.subarray(offset, offset + this.frameSize))
      if (event) events.push(event)
    }
    this.pending = joined.slice(offset)
    return events
  }

  private frame(frame: Float32Array): VadEvent | undefined {
    this.framesSeen++
    this.frames.push(frame.slice())
    const voiced = levelDb(frame) >= this.threshold
    if (!this.active) {
      this.voicedRun = voiced ? this.voicedRun + 1 : 0
      if (this.voicedRun >= this.minSpeechFrames) {
        this.active = true
        this.quietRun = 0
        // Keep the voiced run plus the pre-roll; older frames are never needed.
        this.frames = this.frames.slice(-(this.voicedRun + this.preRollFrames))
        return { type: 'start', atMs: (this.framesSeen - this.voicedRun) * FRAME_MS }
      }
      this.frames = this.frames.slice(-(this.voicedRun + this.preRollFrames))
      return undefined
    }
    this.quietRun = voiced ? 0 : this.quietRun + 1
    if (this.quietRun >= this.silenceFrames) return this.close(this.frames.length - this.quietRun)
    if (this.frames.length >= this.maxFrames) return this.close(this.frames.length)
    return undefined
  }

  /** Ends the utterance, keeping its first `keep` frames (the trailing quiet is dropped). */
  private close(keep: number): VadEvent {
    const kept = this.frames.slice(0, keep)
    const samples = new Float32Array(kept.length * this.frameSize)
    kept.forEach((frame, i) => samples.set(frame, i * this.frameSize))
    const atMs = (this.framesSeen - this.quietRun) * FRAME_MS
    this.active = false
    this.voicedRun = 0
    this.quietRun = 0
    this.frames = []
    return { type: 'end', atMs, samples }
  }
}
