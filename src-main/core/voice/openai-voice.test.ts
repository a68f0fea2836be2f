import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import { createTestCore, type TestCore } from '../../../test/support/core'
import { startOpenAiAudioFake, type OpenAiAudioFake } from '../../../test/support/fakes/openai-audio'
import { removeTempDirs } from '../../../test/support/tmp'
import { captureFrames, voiceFixtures } from '../../../test/support/voice/fixtures'
import { float32ToPcm16 } from './audio/pcm'
import { decodeWav } from './audio/wav'

let t: TestCore
let fake: OpenAiAudioFake
const KEY = 'sk-voice-test-0123456789abcdef'

async function call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await createLocalClient(t.core.dispatcher, 'test').call(route, input)
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
  return result.value
}

beforeAll(async () => {
  fake = await startOpenAiAudioFake()
  t = createTestCore()
  await call('providers.save', { config: { id: 'cloud', kind: 'openai', name: 'Cloud', baseUrl: fake.url, proxy: { mode: 'none' } }, key: KEY })
  await call('settings.update', {
    voice: { sttEngine: 'openai', sttOpenaiModel: 'transcribe-from-settings', sttLanguage: 'en', ttsEngine: 'openai', ttsOpenaiModel: 'tts-from-settings', ttsOpenaiVoice: 'coral', ttsRate: 1.25 },
  })
})
afterAll(async () => {
  await t.core.close()
  await fake.close()
  removeTempDirs()
})

async function dictate(file: string): Promise<RouteOutput<'voice.dictation.stop'>> {
  const wav = decodeWav(fs.readFileSync(file))
  const { id, engine } = await call('voice.dictation.start', { sampleRate: wav.sampleRate })
  expect(engine).toBe('openai')
  for (const frame of captureFrames(float32ToPcm16(wav.samples), wav.sampleRate)) await call('voice.dictation.push', { id, pcm: frame.toString('base64') })
  return call('voice.dictation.stop', { id })
}

describe('OpenAI transcription (loopback fake of /v1/audio/transcriptions)', () => {
  it('uploads the dictation as a 16 kHz WAV with the model and language from settings', async () => {
    const result = await dictate(voiceFixtures().speech44kStereo)
    expect(result).toMatchObject({ text: 'hello world, this is a dictation test', engine: 'openai' })
    const sent = fake.transcriptions.at(-1)
    expect(sent).toMatchObject({ model: 'transcribe-from-settings', language: 'en', responseFormat: 'json', fileName: 'dictation.wav', fileType: 'audio/wav', authorization: `Bearer ${KEY}` })
    const uploaded = decodeWav(sent?.file ?? Buffer.alloc(0))
    expect(uploaded.sampleRate).toBe(16_000)
    expect(Math.abs(uploaded.samples.length / 16 - result.durationMs)).toBeLessThan(5)
  })

  it('sends nothing for an empty dictation', async () => {
    const before = fake.transcriptions.length
    const { id } = await call('voice.dictation.start', {})
    expect(await call('voice.dictation.stop', { id })).toMatchObject({ text: '' })
    expect(fake.transcriptions.length).toBe(before)
  })

  it.each([
    [401, 'E_AUTH'],
    [429, 'E_RATE_LIMITED'],
    [500, 'E_PROVIDER_SERVER'],
  ])('maps HTTP %i to %s', async (status, code) => {
    fake.failWith(status)
    await expect(dictate(voiceFixtures().speech16k)).rejects.toMatchObject({ code })
  })
})

describe('OpenAI speech (loopback fake of /v1/audio/speech)', () => {
  it('reads text aloud with the model, voice and rate from settings and returns the MP3', async () => {
    const spoken = await call('voice.speak', { text: 'Here is the reply.' })
    expect(spoken).toMatchObject({ mime: 'audio/mpeg', engine: 'openai' })
    expect(Buffer.from(spoken.audio, 'base64')).toEqual(fake.speechAudio)
    expect(fake.speeches.at(-1)).toEqual({ model: 'tts-from-settings', voice: 'coral', input: 'Here is the reply.', responseFormat: 'mp3', speed: 1.25 })
  })

  it('uses a voice given with the request over the setting', async () => {
    await call('voice.speak', { text: 'Hi', voice: 'onyx' })
    expect(fake.speeches.at(-1)?.voice).toBe('onyx')
  })

  it('maps a refused key to E_AUTH', async () => {
    fake.failWith(401)
    await expect(call('voice.speak', { text: 'Hi' })).rejects.toMatchObject({ code: 'E_AUTH' })
  })

  it('lists the OpenAI voices and no local ones while no local voice is installed', async () => {
    const voices = await call('voice.voices', {})
    expect(voices.local).toEqual([])
    expect(voices.openai.map((v) => v.id)).toContain('coral')
  })

  it('refuses to speak system voices in the core, and refuses empty text', async () => {
    await call('settings.update', { voice: { ttsEngine: 'system' } })
    await expect(call('voice.speak', { text: 'Hi' })).rejects.toMatchObject({ code: 'E_UNSUPPORTED' })
    await expect(call('voice.speak', { text: '   ' })).rejects.toMatchObject({ code: 'E_VALIDATION' })
    await call('settings.update', { voice: { ttsEngine: 'openai' } })
  })
})

describe('voice.status', () => {
  it('reports OpenAI available with a key, and why local is not', async () => {
    const status = await call('voice.status', {})
    expect(status.stt.openai).toEqual({ available: true })
    expect(status.tts.openai).toEqual({ available: true })
    expect(status.stt.local.available).toBe(false)
    expect(status.stt.local.reason).toMatch(/not available in this build|not downloaded/)
    expect(status).toMatchObject({ vad: 'energy', selected: { stt: 'openai', tts: 'openai' } })
  })

  it('names the missing provider or key', async () => {
    await call('settings.update', { voice: { sttOpenaiProvider: 'missing' } })
    expect((await call('voice.status', {})).stt.openai).toEqual({ available: false, reason: expect.stringContaining('"missing"') })
    await expect(dictate(voiceFixtures().silence)).rejects.toMatchObject({ code: 'E_CONFIG' })
    await call('providers.save', { config: { id: 'nokey', kind: 'openai', name: 'No key', baseUrl: fake.url, proxy: { mode: 'none' } } })
    await call('settings.update', { voice: { sttOpenaiProvider: 'nokey' } })
    expect((await call('voice.status', {})).stt.openai.reason).toContain('needs an API key')
    await call('settings.update', { voice: { sttOpenaiProvider: '' } })
  })
})

describe('an OpenAI-compatible local server (no key)', () => {
  it('uploads without an Authorization header', async () => {
    await call('providers.save', { config: { id: 'whisper-server', kind: 'openai-compatible', preset: 'custom', name: 'Whisper server', baseUrl: fake.url, proxy: { mode: 'none' } } })
    await call('settings.update', { voice: { sttOpenaiProvider: 'whisper-server' } })
    expect((await dictate(voiceFixtures().speech16k)).text).toBe(fake.transcript)
    expect(fake.transcriptions.at(-1)?.authorization).toBeUndefined()
    await call('settings.update', { voice: { sttOpenaiProvider: '' } })
  })
})
