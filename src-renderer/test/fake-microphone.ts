import { vi } from 'vitest'

/*
 * Stand-ins for getUserMedia and AudioContext (happy-dom has neither). There is no AudioWorklet,
 * so capture takes its ScriptProcessor path; the test hands frames to it with `feed`.
 */

export interface FakeMicrophone {
  /** Delivers samples as the processor's frames (2048 each by default). */
  feed(samples: Float32Array, frame?: number): void
  /** Tracks stopped and contexts closed, to see the microphone released. */
  stoppedTracks: number
  closedContexts: number
  constraints: MediaStreamConstraints[]
  /** Byte sizes of the audio played through Web Audio (read-aloud), in order. */
  played: number[]
  /** Sources of that audio still playing; `end()` one as the speaker finishing. */
  playing: { stopped: boolean; end(): void }[]
  restore(): void
}

/** A speech-like test signal: a 220 Hz tone with a 4 Hz syllable envelope. */
export function speechLike(seconds: number, rate: number, frequency = 220): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate))
  for (let i = 0; i < out.length; i++) {
    const t = i / rate
    out[i] = 0.5 * Math.sin(2 * Math.PI * frequency * t) * (0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t))
  }
  return out
}

export function installFakeMicrophone(options: { sampleRate?: number; deny?: string } = {}): FakeMicrophone {
  const processors: { onaudioprocess: ((event: unknown) => void) | null }[] = []
  const mic: FakeMicrophone = {
    stoppedTracks: 0,
    closedContexts: 0,
    constraints: [],
    played: [],
    playing: [],
    feed(samples, frame = 2048) {
      const processor = processors.at(-1)
      for (let at = 0; at < samples.length; at += frame) {
        const data = samples.slice(at, at + frame)
        processor?.onaudioprocess?.({ inputBuffer: { getChannelData: () => data } })
      }
    },
    restore: () => vi.unstubAllGlobals(),
  }
  const node = () => ({ connect: () => undefined, disconnect: () => undefined })
  class FakeAudioContext {
    sampleRate = options.sampleRate ?? 48_000
    destination = node()
    createMediaStreamSource = () => node()
    createScriptProcessor = () => {
      const processor = { ...node(), onaudioprocess: null }
      processors.push(processor)
      return processor
    }
    decodeAudioData = (data: ArrayBuffer) => (data.byteLength > 0 ? Promise.resolve({ bytes: data.byteLength }) : Promise.reject(new DOMException('Unable to decode audio data', 'EncodingError')))
    createBufferSource = () => {
      const source = {
        ...node(),
        buffer: null as { bytes: number } | null,
        onended: null as (() => void) | null,
        stopped: false,
        start: () => {
          mic.played.push(source.buffer?.bytes ?? 0)
          mic.playing.push(source)
        },
        end: () => source.onended?.(),
      }
      return source
    }
    close = () => {
      for (const source of mic.playing) source.stopped = true
      mic.closedContexts++
      return Promise.resolve()
    }
  }
  vi.stubGlobal('AudioContext', FakeAudioContext)
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: {
      getUserMedia: (constraints: MediaStreamConstraints) => {
        mic.constraints.push(constraints)
        if (options.deny) return Promise.reject(new DOMException('Permission denied', options.deny))
        return Promise.resolve({ getTracks: () => [{ stop: () => mic.stoppedTracks++ }] })
      },
    },
  })
  return mic
}
