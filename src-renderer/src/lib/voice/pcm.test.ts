import { describe, expect, it } from 'vitest'
import { speechLike } from '../../../test/fake-microphone'
import { meterLevel, pcmChunks, Resampler, toPcm16 } from './pcm'

const decode = (pcm: string): Int16Array => {
  const bytes = Uint8Array.from(atob(pcm), (c) => c.charCodeAt(0))
  return new Int16Array(bytes.buffer)
}
const zeroCrossings = (samples: ArrayLike<number>): number => {
  let count = 0
  for (let i = 1; i < samples.length; i++) if ((samples[i - 1]! < 0) !== (samples[i]! < 0)) count++
  return count
}

describe('resampling to 16 kHz', () => {
  it('turns 1 s of 48 kHz audio fed in uneven frames into 16 000 samples of the same tone', () => {
    const input = speechLike(1, 48_000, 440)
    const resampler = new Resampler(48_000, 16_000)
    const parts: Float32Array[] = []
    for (let at = 0; at < input.length; at += 1000 + (at % 7)) parts.push(resampler.push(input.subarray(at, at + 1000 + (at % 7))))
    const out = Float32Array.from(parts.flatMap((p) => [...p]))
    expect(Math.abs(out.length - 16_000)).toBeLessThanOrEqual(1)
    // 440 Hz crosses zero 880 times a second, whatever the rate.
    expect(Math.abs(zeroCrossings(out) - 880)).toBeLessThanOrEqual(4)
  })

  it('handles 44.1 kHz and leaves 16 kHz untouched', () => {
    const resampler = new Resampler(44_100, 16_000)
    expect(Math.abs(resampler.push(speechLike(2, 44_100)).length - 32_000)).toBeLessThanOrEqual(1)
    const same = speechLike(0.1, 16_000)
    expect([...new Resampler(16_000, 16_000).push(same)]).toEqual([...same])
  })

  it('refuses a rate that is not positive', () => {
    expect(() => new Resampler(0, 16_000)).toThrow('sample rates must be positive')
  })
})

describe('PCM16 chunks', () => {
  it('packs little-endian Int16, clipping out-of-range samples', () => {
    const bytes = toPcm16(Float32Array.from([0, 1, -1, 2, 0.5]))
    expect([...new Int16Array(bytes.buffer)]).toEqual([0, 32767, -32768, 32767, 16384])
  })

  it('splits long audio into base64 chunks within the limit without losing a sample', () => {
    const samples = speechLike(2, 16_000)
    const chunks = pcmChunks(samples, 8_000)
    expect(chunks.length).toBeGreaterThan(7)
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(8_000)
    const decoded = chunks.map(decode)
    expect(decoded.reduce((n, c) => n + c.length, 0)).toBe(32_000)
    expect(decoded[1]![0]).toBe(Math.round(samples[decoded[0]!.length]! * 0x7fff))
  })
})

describe('the level meter', () => {
  it('is 0 for silence, near full for a loud tone, in between for a quiet one', () => {
    expect(meterLevel(new Float32Array(512))).toBe(0)
    expect(meterLevel(Float32Array.from({ length: 480 }, (_, i) => Math.sin(i / 3)))).toBeGreaterThan(0.9)
    const quiet = meterLevel(Float32Array.from({ length: 480 }, (_, i) => 0.01 * Math.sin(i / 3)))
    expect(quiet).toBeGreaterThan(0.1)
    expect(quiet).toBeLessThan(0.4)
  })
})
