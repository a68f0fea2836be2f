import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { voiceFixtures } from '../../../../test/support/voice/fixtures'
import { float32ToPcm16, levelDb, pcm16ToFloat32, rms, SILENCE_DB } from './pcm'
import { resample, StreamingResampler } from './resampler'
import { EnergyVad, type VadEvent } from './vad'
import { decodeWav, encodeWav } from './wav'

const sine = (hz: number, rate: number, seconds: number, amplitude = 0.5): Float32Array =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate))

/** Frequency from upward zero crossings over the middle of the signal (edges skipped). */
function frequencyOf(samples: Float32Array, rate: number): number {
  const from = Math.floor(samples.length * 0.1)
  const to = Math.floor(samples.length * 0.9)
  let crossings = 0
  for (let i = from + 1; i < to; i++) if ((samples[i - 1] ?? 0) < 0 && (samples[i] ?? 0) >= 0) crossings++
  return crossings / ((to - from) / rate)
}

describe('WAV', () => {
  it('round-trips 16-bit mono PCM within one quantisation step', () => {
    const samples = sine(440, 16_000, 0.1)
    const decoded = decodeWav(encodeWav(samples, 16_000))
    expect(decoded).toMatchObject({ sampleRate: 16_000, channels: 1 })
    expect(decoded.samples.length).toBe(samples.length)
    decoded.samples.forEach((s, i) => expect(Math.abs(s - (samples[i] ?? 0))).toBeLessThan(1 / 16_000))
  })

  it('reads float32 stereo and averages the channels to mono', () => {
    const frames = 4
    const bytes = Buffer.alloc(44 + frames * 8)
    bytes.write('RIFF', 0, 'ascii')
    bytes.writeUInt32LE(36 + frames * 8, 4)
    bytes.write('WAVEfmt ', 8, 'ascii')
    bytes.writeUInt32LE(16, 16)
    bytes.writeUInt16LE(3, 20)
    bytes.writeUInt16LE(2, 22)
    bytes.writeUInt32LE(48_000, 24)
    bytes.writeUInt32LE(48_000 * 8, 28)
    bytes.writeUInt16LE(8, 32)
    bytes.writeUInt16LE(32, 34)
    bytes.write('data', 36, 'ascii')
    bytes.writeUInt32LE(frames * 8, 40)
    for (let f = 0; f < frames; f++) {
      bytes.writeFloatLE(0.5, 44 + f * 8)
      bytes.writeFloatLE(-0.25, 48 + f * 8)
    }
    const decoded = decodeWav(bytes)
    expect(decoded).toMatchObject({ sampleRate: 48_000, channels: 2 })
    expect([...decoded.samples]).toEqual([0.125, 0.125, 0.125, 0.125])
  })

  it('reads the 44.1 kHz stereo fixture sox wrote as mono', () => {
    const decoded = decodeWav(fs.readFileSync(voiceFixtures().speech44kStereo))
    expect(decoded).toMatchObject({ sampleRate: 44_100, channels: 2 })
    expect(levelDb(decoded.samples)).toBeGreaterThan(-35)
  })

  it.each([
    ['not RIFF', Buffer.from('hello world, not a wav file at all')],
    ['no data chunk', encodeWav(new Float32Array(4), 16_000).subarray(0, 36)],
    ['an unsupported format', (() => { const b = encodeWav(new Float32Array(4), 16_000); b.writeUInt16LE(2, 20); return b })()],
  ])('refuses %s with a validation error', (_name, bytes) => {
    expect(() => decodeWav(bytes)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
  })
})

describe('PCM and level', () => {
  it('converts Int16 ↔ Float32 and clips out-of-range floats', () => {
    const pcm = float32ToPcm16(Float32Array.from([0, 1, -1, 2, -2, 0.5]))
    expect([...new Int16Array(pcm.buffer, pcm.byteOffset, 6)]).toEqual([0, 32767, -32768, 32767, -32768, 16384])
    expect([...pcm16ToFloat32(pcm)].map((v) => Math.round(v * 1000) / 1000)).toEqual([0, 1, -1, 1, -1, 0.5])
    expect(pcm16ToFloat32(Buffer.from([1, 2, 3])).length).toBe(1)
  })

  it('measures RMS and dBFS: a full-scale sine is about −3 dB, silence the floor', () => {
    expect(levelDb(sine(1000, 16_000, 0.1, 1))).toBeCloseTo(-3.01, 1)
    expect(levelDb(sine(1000, 16_000, 0.1, 0.1))).toBeCloseTo(-23.01, 1)
    expect(levelDb(new Float32Array(160))).toBe(SILENCE_DB)
    expect(rms(new Float32Array(0))).toBe(0)
  })
})

describe('resampler', () => {
  it.each([
    [44_100, 16_000, 440],
    [48_000, 16_000, 1000],
    [8_000, 16_000, 300],
    [22_050, 16_000, 3000],
  ])('%i Hz → %i Hz keeps a %i Hz tone at its pitch and level', (from, to, hz) => {
    const input = sine(hz, from, 1)
    const output = resample(input, from, to)
    expect(output.length).toBeGreaterThan(to * 0.99)
    expect(output.length).toBeLessThan(to * 1.01)
    expect(frequencyOf(output, to)).toBeGreaterThan(hz * 0.98)
    expect(frequencyOf(output, to)).toBeLessThan(hz * 1.02)
    expect(levelDb(output.subarray(to * 0.1, to * 0.9))).toBeCloseTo(levelDb(input), 0)
  })

  it('filters out what the new rate cannot hold instead of aliasing it (12 kHz at 44.1 → 16 kHz)', () => {
    const output = resample(sine(12_000, 44_100, 0.5), 44_100, 16_000)
    expect(levelDb(output.subarray(800, 7200))).toBeLessThan(-30)
  })

  it('gives the same samples whether fed at once or in 20 ms capture chunks', () => {
    const input = sine(440, 44_100, 0.5)
    const whole = resample(input, 44_100, 16_000)
    const streaming = new StreamingResampler(44_100, 16_000)
    const parts: number[] = []
    for (let at = 0; at < input.length; at += 882) parts.push(...streaming.push(input.subarray(at, at + 882)))
    parts.push(...streaming.flush())
    expect(parts.length).toBe(whole.length)
    parts.forEach((value, i) => expect(value).toBeCloseTo(whole[i] ?? NaN, 6))
  })

  it('passes 16 kHz through untouched and refuses a zero rate', () => {
    const input = sine(440, 16_000, 0.01)
    expect([...new StreamingResampler(16_000, 16_000).push(input)]).toEqual([...input])
    expect(new StreamingResampler(16_000, 16_000).flush().length).toBe(0)
    expect(() => new StreamingResampler(0, 16_000)).toThrow(RangeError)
  })
})

describe('energy VAD', () => {
  const run = async (vad: EnergyVad, samples: Float32Array): Promise<VadEvent[]> => [...(await vad.accept(samples)), ...(await vad.flush())]

  it('finds a tone between silences, with the start time and the utterance audio', async () => {
    const audio = new Float32Array(16_000 * 2)
    audio.set(sine(300, 16_000, 0.6, 0.3), 8_000)
    const events = await run(new EnergyVad({ thresholdDb: -40, silenceMs: 300, preRollMs: 0 }), audio)
    expect(events.map((e) => e.type)).toEqual(['start', 'end'])
    expect(events[0]?.atMs).toBe(500)
    const end = events[1] as Extract<VadEvent, { type: 'end' }>
    expect(end.samples.length / 16).toBeGreaterThanOrEqual(580)
    expect(end.samples.length / 16).toBeLessThanOrEqual(640)
  })

  it('bridges pauses shorter than the hangover and splits on longer ones', async () => {
    const audio = new Float32Array(16_000 * 3)
    audio.set(sine(300, 16_000, 0.4, 0.3), 0)
    audio.set(sine(300, 16_000, 0.4, 0.3), 16_000 * 0.6) // 200 ms gap: same utterance
    audio.set(sine(300, 16_000, 0.4, 0.3), 16_000 * 2) // 1 s gap: a new one
    const ends = (await run(new EnergyVad({ thresholdDb: -40, silenceMs: 400 }), audio)).filter((e) => e.type === 'end')
    expect(ends).toHaveLength(2)
  })

  it('ignores a click shorter than the minimum speech time and noise under the threshold', async () => {
    const click = new Float32Array(16_000)
    click.set(sine(300, 16_000, 0.04, 0.8), 4_000)
    expect(await run(new EnergyVad({ minSpeechMs: 100 }), click)).toEqual([])
    const noise = Float32Array.from({ length: 16_000 }, (_, i) => 0.003 * ((Math.sin(i * 12.9898) * 43758.5453) % 1))
    expect(await run(new EnergyVad({ thresholdDb: -40 }), noise)).toEqual([])
  })

  it('reports speaking while inside an utterance', async () => {
    const vad = new EnergyVad({ thresholdDb: -40 })
    await vad.accept(sine(300, 16_000, 0.3, 0.3))
    expect(vad.speaking).toBe(true)
    await vad.flush()
    expect(vad.speaking).toBe(false)
  })
})
