import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CoreOptions } from '../app'
import type { EventName, EventPayload, RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import { createTestCore, type TestCore } from '../../../test/support/core'
import { removeTempDirs } from '../../../test/support/tmp'
import { FakeSttEngine } from '../../../test/support/voice/fake-stt'
import { captureFrames, voiceFixtures } from '../../../test/support/voice/fixtures'
import { float32ToPcm16 } from './audio/pcm'
import { EnergyVad } from './audio/vad'
import { decodeWav } from './audio/wav'
import { DictationManager } from './dictation'

type Seen = { name: EventName; payload: EventPayload<EventName> }

let t: TestCore
let fake: FakeSttEngine
const seen: Seen[] = []

beforeAll(() => {
  fake = new FakeSttEngine()
  t = createTestCore({ voice: { sttEngines: { local: fake } } } as Partial<CoreOptions>)
  t.core.onBroadcast((name, payload) => void seen.push({ name, payload }))
})
afterAll(async () => {
  await t.core.close()
  removeTempDirs()
})

async function call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await createLocalClient(t.core.dispatcher, 'test').call(route, input)
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
  return result.value
}

/** Plays a WAV file into a dictation the way a microphone would: mono PCM16 in 20 ms frames. */
async function dictate(file: string): Promise<{ text: string; durationMs: number; levels: number[]; events: Seen[] }> {
  const wav = decodeWav(fs.readFileSync(file))
  const { id } = await call('voice.dictation.start', { sampleRate: wav.sampleRate })
  const levels: number[] = []
  for (const frame of captureFrames(float32ToPcm16(wav.samples), wav.sampleRate)) {
    levels.push((await call('voice.dictation.push', { id, pcm: frame.toString('base64') })).levelDb)
  }
  const { text, durationMs, engine } = await call('voice.dictation.stop', { id })
  expect(engine).toBe('local')
  return { text, durationMs, levels, events: seen.filter((event) => (event.payload as { id?: string }).id === id) }
}

const utterances = (text: string): number[] => [...text.matchAll(/utterance\d+\((\d+\.\d)s\)/g)].map((m) => Number(m[1]))

describe('dictation through the voice.dictation routes (capture → resample → VAD → engine)', () => {
  it('hears one utterance in the spoken sentence, with the VAD start and end broadcast', async () => {
    const { text, durationMs, levels, events } = await dictate(voiceFixtures().speech16k)
    expect(utterances(text)).toHaveLength(1)
    expect(utterances(text)[0]).toBeGreaterThan(1.5)
    const length = decodeWav(fs.readFileSync(voiceFixtures().speech16k)).samples.length / 16
    expect(Math.abs(durationMs - length)).toBeLessThanOrEqual(1)
    expect(Math.max(...levels)).toBeGreaterThan(-25)
    expect(events.filter((e) => e.name === 'voice.vad').map((e) => (e.payload as { speaking: boolean }).speaking)).toEqual([true, false])
    expect(events.at(-1)).toMatchObject({ name: 'voice.partial', payload: { text, final: true } })
  })

  it('hears two utterances in speech – silence – speech', async () => {
    const { text, events } = await dictate(voiceFixtures().speechSilenceSpeech)
    expect(utterances(text)).toHaveLength(2)
    expect(events.filter((e) => e.name === 'voice.vad')).toHaveLength(4)
    // Partials arrive while dictating, before the final one.
    expect(events.some((e) => e.name === 'voice.partial' && !(e.payload as { final?: boolean }).final)).toBe(true)
  })

  it('hears nothing in silence or in low-level noise', async () => {
    for (const file of [voiceFixtures().silence, voiceFixtures().noise]) {
      const { text, levels, events } = await dictate(file)
      expect(text).toBe('')
      expect(events.filter((e) => e.name === 'voice.vad')).toEqual([])
      expect(Math.max(...levels)).toBeLessThan(-45)
    }
  })

  it('resamples 44.1 kHz (downmixed from stereo) to the same utterance as the 16 kHz recording', async () => {
    const native = utterances((await dictate(voiceFixtures().speech16k)).text)
    const resampled = utterances((await dictate(voiceFixtures().speech44kStereo)).text)
    expect(resampled).toHaveLength(1)
    expect(Math.abs((resampled[0] ?? 0) - (native[0] ?? 0))).toBeLessThanOrEqual(0.1)
    expect(fake.sessions.at(-1)?.samples).toBeGreaterThan(16_000 * 2)
  })

  it('answers an unknown session with E_NOT_FOUND', async () => {
    await expect(call('voice.dictation.push', { id: 'nope', pcm: '' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(call('voice.dictation.stop', { id: 'nope' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    expect(await call('voice.dictation.cancel', { id: 'nope' })).toEqual({ cancelled: false })
  })

  it('refuses oversized, non-base64 and odd-length chunks, and keeps the session usable', async () => {
    const { id } = await call('voice.dictation.start', {})
    await expect(call('voice.dictation.push', { id, pcm: 'A'.repeat(65_540) })).rejects.toMatchObject({ code: 'E_VALIDATION' })
    await expect(call('voice.dictation.push', { id, pcm: 'not base64!' })).rejects.toMatchObject({ code: 'E_VALIDATION' })
    await expect(call('voice.dictation.push', { id, pcm: Buffer.from([1, 2, 3]).toString('base64') })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('odd') })
    expect(await call('voice.dictation.push', { id, pcm: Buffer.alloc(640).toString('base64') })).toMatchObject({ levelDb: -100, speaking: false })
    expect(await call('voice.dictation.cancel', { id })).toEqual({ cancelled: true })
    expect(fake.sessions.at(-1)?.cancelled).toBe(true)
    await expect(call('voice.dictation.stop', { id })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })

  it('refuses a sample rate outside 8–192 kHz', async () => {
    await expect(call('voice.dictation.start', { sampleRate: 4000 })).rejects.toMatchObject({ code: 'E_VALIDATION' })
  })
})

describe('DictationManager limits', () => {
  const manager = (limits: ConstructorParameters<typeof DictationManager>[0]['limits'], now = () => 0) =>
    new DictationManager({ engine: () => new FakeSttEngine(), createVad: () => new EnergyVad(), broadcast: () => undefined, now, limits })
  const start = (m: DictationManager) => m.start({ sampleRate: 16_000, engine: 'local', mode: 'push-to-talk', language: 'auto' })

  it('stops accepting audio past the session length', async () => {
    const m = manager({ maxSessionMs: 100 })
    const { id } = await start(m)
    await m.push(id, Buffer.alloc(3200).toString('base64')) // exactly 100 ms
    await expect(m.push(id, Buffer.alloc(2).toString('base64'))).rejects.toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE' })
  })

  it('caps open sessions, and a session idle past the limit frees its slot', async () => {
    let clock = 0
    const m = manager({ maxSessions: 2, idleMs: 1000 }, () => clock)
    await start(m)
    await start(m)
    await expect(start(m)).rejects.toMatchObject({ code: 'E_RATE_LIMITED' })
    clock = 5000
    await expect(start(m)).resolves.toMatchObject({ engine: 'local' })
    expect(m.open).toBe(1)
    m.close()
    expect(m.open).toBe(0)
  })

  it('refuses a chunk over the limit before decoding it', async () => {
    const m = manager({ maxChunkChars: 8 })
    const { id } = await start(m)
    await expect(m.push(id, 'AAAAAAAAAAAA')).rejects.toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE' })
  })

  it('drops the session when the engine fails mid-dictation', async () => {
    const m = new DictationManager({
      engine: () => ({
        status: () => Promise.resolve({ available: true }),
        start: () => Promise.resolve({ push: () => Promise.reject(Object.assign(new Error('engine died'), { code: 'E_INTERNAL' })), finish: () => Promise.resolve(''), cancel: () => undefined }),
      }),
      createVad: () => new EnergyVad(),
      broadcast: () => undefined,
    })
    const { id } = await start(m)
    await expect(m.push(id, Buffer.alloc(640).toString('base64'))).rejects.toThrow('engine died')
    expect(m.open).toBe(0)
  })
})
