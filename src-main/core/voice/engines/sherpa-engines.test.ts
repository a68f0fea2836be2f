import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../../test/support/tmp'
import { decodeWav } from '../audio/wav'
import { defaultCatalog, detectWhisperLayout, VoiceModelStore } from '../models/catalog'
import { SherpaSttEngine, SherpaTtsEngine, SileroVad } from './sherpa-engines'
import { SherpaHost } from './sherpa-host'
import type { SileroLayout, VitsLayout, WhisperLayout } from './sherpa-protocol'
import { scriptedHost } from '../../../../test/support/voice/scripted-sherpa'

afterAll(removeTempDirs)

const dir = makeTempDir()
const tone = (seconds: number): Float32Array => Float32Array.from({ length: Math.round(16_000 * seconds) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16_000))
const onnx = (name: string): string => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, Buffer.concat([Buffer.from([0x08, 0x07, 0x3a, 0x10]), Buffer.alloc(16, 1)]))
  return file
}
const tokens = path.join(dir, 'tokens.txt')
fs.writeFileSync(tokens, 'a 0\nb 1\n')
const whisper: WhisperLayout = { type: 'whisper', encoder: onnx('enc.onnx'), decoder: onnx('dec.onnx'), tokens }
const vits: VitsLayout = { type: 'vits', model: onnx('voice.onnx'), tokens }
const silero: SileroLayout = { type: 'silero', model: onnx('silero.onnx') }

describe('SherpaSttEngine', () => {
  it('decodes each utterance as it ends, in order, so partials arrive while dictating', async () => {
    const { host, calls } = scriptedHost({ 'stt.transcribe': (args: { samples: Float32Array }) => ({ text: `[${(args.samples.length / 16_000).toFixed(1)}s]` }) })
    const engine = new SherpaSttEngine(host, () => Promise.resolve({ id: 'w', layout: whisper }))
    expect(await engine.status()).toEqual({ available: true })
    const session = await engine.start({ language: 'de' })
    expect(await session.push(tone(0.5))).toBeUndefined()
    await session.push(new Float32Array(16_000)) // the pause ends the first utterance
    await new Promise((resolve) => setImmediate(resolve))
    expect(await session.push(tone(1))).toMatch(/^\[0\.\ds\]$/)
    expect(await session.finish()).toMatch(/^\[0\.\ds\] \[1\.\ds\]$/)
    expect(calls).toHaveLength(2)
    expect(calls[0]).toMatchObject({ method: 'stt.transcribe', args: { language: 'de', sampleRate: 16_000, model: whisper } })
  })

  it('sends nothing for silence or after cancel, and cuts utterances longer than Whisper’s window', async () => {
    const { host, calls } = scriptedHost({ 'stt.transcribe': (args: { samples: Float32Array }) => ({ text: String(args.samples.length) }) })
    const engine = new SherpaSttEngine(host, () => Promise.resolve({ id: 'w', layout: whisper }))
    const quiet = await engine.start({ language: 'auto' })
    await quiet.push(new Float32Array(32_000))
    expect(await quiet.finish()).toBe('')
    const cancelled = await engine.start({ language: 'auto' })
    await cancelled.push(tone(0.3))
    cancelled.cancel()
    expect(await cancelled.finish()).toBe('')
    expect(calls).toHaveLength(0)
    const long = await engine.start({ language: 'auto' })
    for (let i = 0; i < 30; i++) await long.push(tone(1))
    const lengths = (await long.finish()).split(' ').map(Number)
    expect(lengths.length).toBe(2)
    expect(Math.max(...lengths)).toBeLessThanOrEqual(28.5 * 16_000)
  })

  it('reports an engine error from the child as a typed error naming the model on first load', async () => {
    const { host } = scriptedHost({ 'stt.transcribe': () => { throw new Error('Invalid model config') } })
    const session = await new SherpaSttEngine(host, () => Promise.resolve({ id: 'odd-model', layout: whisper })).start({ language: 'en' })
    await session.push(tone(0.3))
    await expect(session.finish()).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID', message: expect.stringContaining('odd-model') })
  })

  it('says why it is unavailable: not in this build, or no model', async () => {
    expect(await new SherpaSttEngine(new SherpaHost({}), () => Promise.resolve({ id: 'w', layout: whisper })).status()).toMatchObject({ available: false, reason: expect.stringContaining('build') })
    const store = new VoiceModelStore(dir, defaultCatalog())
    const missing = new SherpaSttEngine(scriptedHost({}).host, () => Promise.resolve({ id: 'whisper-tiny-en', layout: store.layout('whisper-tiny-en') as WhisperLayout }))
    expect(await missing.status()).toMatchObject({ available: false, reason: expect.stringContaining('not downloaded') })
  })
})

describe('SherpaTtsEngine', () => {
  it('returns the generated samples as a WAV at the voice’s rate, with the speaker and speed asked for', async () => {
    const { host, calls } = scriptedHost({
      'tts.generate': () => ({ samples: new Float32Array(22_050).fill(0.25), sampleRate: 22_050 }),
      'tts.info': () => ({ numSpeakers: 3, sampleRate: 22_050 }),
    })
    const engine = new SherpaTtsEngine(host, () => Promise.resolve({ id: 'piper', layout: vits }))
    const spoken = await engine.speak('hello', { rate: 1.5, voice: '2' })
    expect(spoken).toMatchObject({ mime: 'audio/wav', sampleRate: 22_050 })
    const wav = decodeWav(spoken.audio)
    expect(wav.samples.length).toBe(22_050)
    expect(calls[0]?.args).toMatchObject({ text: 'hello', sid: 2, speed: 1.5 })
    await engine.speak('again', { rate: 1, voice: 'not-a-number' })
    expect(calls[1]?.args).toMatchObject({ sid: 0 })
    expect(await engine.voices()).toEqual([
      { id: '0', name: 'piper #0' },
      { id: '1', name: 'piper #1' },
      { id: '2', name: 'piper #2' },
    ])
  })

  it('refuses silence from the voice as a bad response', async () => {
    const { host } = scriptedHost({ 'tts.generate': () => ({ samples: new Float32Array(0), sampleRate: 22_050 }) })
    await expect(new SherpaTtsEngine(host, () => Promise.resolve({ id: 'p', layout: vits })).speak('x', { rate: 1 })).rejects.toMatchObject({ code: 'E_BAD_RESPONSE' })
  })
})

describe('SileroVad', () => {
  it('turns the child’s segments and speaking flag into start/end events and closes on flush', async () => {
    const replies = [
      { segments: [], speaking: true },
      { segments: [{ start: 1600, samples: new Float32Array(8000) }], speaking: false },
      { segments: [{ start: 32_000, samples: new Float32Array(4800) }], speaking: false },
    ]
    const { host, calls } = scriptedHost({ 'vad.open': () => ({ handle: 7 }), 'vad.accept': () => replies.shift(), 'vad.close': () => ({}) })
    const vad = new SileroVad(host, { id: 'silero-vad', layout: silero }, { threshold: 0.5, silenceMs: 300 })
    expect(await vad.accept(new Float32Array(1600))).toEqual([{ type: 'start', atMs: 100 }])
    expect(vad.speaking).toBe(true)
    expect(await vad.accept(new Float32Array(16_000))).toEqual([{ type: 'end', atMs: 600, samples: new Float32Array(8000) }])
    expect(vad.speaking).toBe(false)
    const flushed = await vad.flush()
    expect(flushed.map((e) => e.type)).toEqual(['start', 'end'])
    expect(calls.map((c) => c.method)).toEqual(['vad.open', 'vad.accept', 'vad.accept', 'vad.accept', 'vad.close'])
    expect(calls[0]?.args).toMatchObject({ threshold: 0.5, silenceMs: 300 })
  })
})

describe('model catalog', () => {
  it('ships entries that parse, each unpinned one marked not downloadable with the reason', () => {
    const store = new VoiceModelStore(makeTempDir(), defaultCatalog())
    const models = store.list()
    expect(models.map((m) => m.kind).sort()).toEqual(expect.arrayContaining(['stt', 'tts', 'vad']))
    for (const model of models) {
      expect(model.url).toMatch(/^https:\/\/github\.com\/k2-fsa\/sherpa-onnx\/releases\/download\//)
      expect(model.sizeBytes).toBeGreaterThan(0)
      expect(model.downloadable).toBe(model.files.every((f) => f.sha256 !== null))
      if (!model.downloadable) expect(model.reason).toContain('checksum')
    }
    expect(() => store.entry('nope')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
    expect(store.remove('whisper-tiny-en')).toBe(false)
  })

  it('finds a Whisper model in a folder, preferring int8 files', () => {
    const folder = makeTempDir()
    for (const name of ['tiny.en-encoder.onnx', 'tiny.en-encoder.int8.onnx', 'tiny.en-decoder.int8.onnx', 'tiny.en-tokens.txt']) fs.writeFileSync(path.join(folder, name), '')
    expect(detectWhisperLayout(folder)).toEqual({ type: 'whisper', encoder: path.join(folder, 'tiny.en-encoder.int8.onnx'), decoder: path.join(folder, 'tiny.en-decoder.int8.onnx'), tokens: path.join(folder, 'tiny.en-tokens.txt') })
    expect(detectWhisperLayout(makeTempDir())).toBeUndefined()
    expect(detectWhisperLayout(path.join(folder, 'missing'))).toBeUndefined()
  })
})
