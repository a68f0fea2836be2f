/** PCM sample conversions and the level meter. Float samples are in [-1, 1]. */

/** Little-endian Int16 bytes → Float32 samples. An odd trailing byte is dropped. */
export function pcm16ToFloat32(bytes: Uint8Array): Float32Array {
  const count = bytes.byteLength >> 1
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2)
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true) / 32768
  return out
}

/** Float32 samples → little-endian Int16 bytes, clipping out-of-range values. */
export function float32ToPcm16(samples: Float32Array): Buffer {
  const out = Buffer.alloc(samples.length * 2)
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0))
    out.writeInt16LE(Math.round(s < 0 ? s * 32768 : s * 32767), i * 2)
  }
  return out
}

/** Root mean square of the samples (0 for none). */
export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0
  let sum = 0
  for (const s of samples) sum += s * s
  return Math.sqrt(sum / samples.length)
}

/** The floor the meter reports for silence: −∞ does not survive JSON. */
export const SILENCE_DB = -100

/** Level in dBFS (0 = full scale sine peak ≈ −3 dB RMS), floored at SILENCE_DB. */
export function levelDb(samples: Float32Array): number {
  const value = rms(samples)
  return value <= 0 ? SILENCE_DB : Math.max(SILENCE_DB, 20 * Math.log10(value))
}
