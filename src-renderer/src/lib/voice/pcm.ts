/** Microphone audio → what `voice.dictation.push` takes: 16 kHz mono Int16 little-endian, base64. */

/**
 * A streaming linear resampler with a short box pre-filter when downsampling (48 kHz → 16 kHz),
 * enough against aliasing for speech; it keeps its fractional position across frames.
 */
export class Resampler {
  private readonly step: number
  private position = 0
  private previous = 0

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    if (!(fromRate > 0) || !(toRate > 0)) throw new Error(`sample rates must be positive (got ${fromRate} → ${toRate})`)
    this.step = fromRate / toRate
  }

  push(input: Float32Array): Float32Array {
    if (this.fromRate === this.toRate) return input.slice()
    const filtered = this.step > 1 ? this.smooth(input) : input
    const out: number[] = []
    // `position` is measured from the sample before this frame (index -1 = `previous`).
    while (this.position < filtered.length - 1 + 1e-9) {
      const at = this.position
      const index = Math.floor(at)
      const fraction = at - index
      const a = index < 0 ? this.previous : (filtered[index] ?? 0)
      const b = filtered[index + 1] ?? a
      out.push(a + (b - a) * fraction)
      this.position += this.step
    }
    this.position -= filtered.length
    this.previous = filtered[filtered.length - 1] ?? this.previous
    return Float32Array.from(out)
  }

  private readonly tail: number[] = []
  /** A moving average over ⌈step⌉ samples, carried across frames. */
  private smooth(input: Float32Array): Float32Array {
    const width = Math.ceil(this.step)
    const out = new Float32Array(input.length)
    let sum = this.tail.reduce((s, v) => s + v, 0)
    for (let i = 0; i < input.length; i++) {
      const value = input[i] ?? 0
      this.tail.push(value)
      sum += value
      if (this.tail.length > width) sum -= this.tail.shift() ?? 0
      out[i] = sum / this.tail.length
    }
    return out
  }
}

/** Little-endian Int16 bytes of float samples in [-1, 1] (clipped). */
export function toPcm16(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < samples.length; i++) {
    const clipped = Math.max(-1, Math.min(1, samples[i] ?? 0))
    view.setInt16(i * 2, Math.round(clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff), true)
  }
  return bytes
}

export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Base64 PCM16 chunks no longer than `maxChars` (a multiple of 4 base64 chars = 3 bytes; kept to whole samples). */
export function pcmChunks(samples: Float32Array, maxChars: number): string[] {
  // 6 bytes = 3 samples = 8 base64 characters: whole samples and no padding inside a chunk.
  const samplesPerChunk = Math.max(3, Math.floor(maxChars / 8) * 3)
  const chunks: string[] = []
  for (let at = 0; at < samples.length; at += samplesPerChunk) chunks.push(toBase64(toPcm16(samples.subarray(at, at + samplesPerChunk))))
  return chunks
}

/** The meter's 0..1: RMS in dBFS mapped from −60 dB (silent) to 0 dB (full). */
export function meterLevel(samples: Float32Array): number {
  if (samples.length === 0) return 0
  let sum = 0
  for (const value of samples) sum += value * value
  const rms = Math.sqrt(sum / samples.length)
  if (rms <= 0) return 0
  const db = 20 * Math.log10(rms)
  return Math.max(0, Math.min(1, (db + 60) / 60))
}
