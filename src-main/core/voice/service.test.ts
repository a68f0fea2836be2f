import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { VoiceSettingsSchema, type VoiceSettings } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { scriptedHost } from '../../../test/support/voice/scripted-sherpa'
import { EnergyVad } from './audio/vad'
import { SileroVad } from './engines/sherpa-engines'
import { SherpaHost } from './engines/sherpa-host'
import { INSTALLED_MARKER, VoiceModelStore, type CatalogEntry } from './models/catalog'
import { VoiceService } from './service'

afterAll(removeTempDirs)

const catalog: CatalogEntry[] = [
  { id: 'stt-a', kind: 'stt', name: 'STT A', description: '', language: 'en', license: 'MIT', downloads: [{ name: 'a.tar.bz2', url: 'https://example.invalid/a', sizeBytes: 1, sha256: null, extract: 'tar.bz2' }], layout: { type: 'whisper', encoder: 'e.onnx', decoder: 'd.onnx', tokens: 't.txt' } },
  { id: 'tts-b', kind: 'tts', name: 'TTS B', description: '', language: 'en', license: 'MIT', downloads: [{ name: 'b.onnx', url: 'https://example.invalid/b', sizeBytes: 1, sha256: null }], layout: { type: 'vits', model: 'b.onnx', tokens: 't.txt' } },
  { id: 'silero-vad', kind: 'vad', name: 'Silero', description: '', language: 'any', license: 'MIT', downloads: [{ name: 's.onnx', url: 'https://example.invalid/s', sizeBytes: 1, sha256: null }], layout: { type: 'silero', model: 's.onnx' } },
]

function install(root: string, id: string, files: string[]): void {
  const dir = path.join(root, id)
  fs.mkdirSync(dir, { recursive: true })
  for (const file of files) fs.writeFileSync(path.join(dir, file), file.endsWith('.txt') ? 'a 0\n' : Buffer.concat([Buffer.from([0x08, 0x07, 0x3a, 0x20]), Buffer.alloc(32)]))
  fs.writeFileSync(path.join(dir, INSTALLED_MARKER), '{}')
}

function service(host: SherpaHost, overrides: Partial<VoiceSettings> = {}, root = makeTempDir()) {
  const settings = { ...VoiceSettingsSchema.parse({}), sttLocalModel: 'stt-a', ttsLocalModel: 'tts-b', ...overrides }
  const noOpenAi = { error: new AppError('E_CONFIG', 'No OpenAI provider is set up for voice.') }
  return { root, voice: new VoiceService({ settings: () => settings, host, store: new VoiceModelStore(root, catalog), openAi: () => noOpenAi, broadcast: () => undefined }) }
}

describe('VoiceService', () => {
  it('reports local engines ready once sherpa loads and the models are installed, and picks Silero for the VAD', async () => {
    const { host } = scriptedHost({ probe: () => ({ version: '1.13.8' }) })
    const { root, voice } = service(host)
    expect((await voice.status()).stt.local).toMatchObject({ available: false, reason: expect.stringContaining('not downloaded') })
    expect(voice.createVad()).toBeInstanceOf(EnergyVad)
    install(root, 'stt-a', ['e.onnx', 'd.onnx', 't.txt'])
    install(root, 'tts-b', ['b.onnx', 't.txt'])
    install(root, 'silero-vad', ['s.onnx'])
    const status = await voice.status()
    expect(status).toMatchObject({ sherpa: { available: true }, stt: { local: { available: true }, openai: { available: false, reason: expect.stringContaining('No OpenAI') } }, tts: { local: { available: true } }, vad: 'silero' })
    expect(voice.createVad()).toBeInstanceOf(SileroVad)
    fs.writeFileSync(path.join(root, 'stt-a', 'e.onnx'), 'cut')
    expect((await voice.status()).stt.local).toMatchObject({ available: false, reason: expect.stringContaining('e.onnx is unusable') })
    voice.close()
  })

  it('gates the local engines on sherpa loading, with its reason', async () => {
    const { host } = scriptedHost({ probe: () => { throw new Error("Cannot find module 'sherpa-onnx-linux-x64'") } })
    const status = await service(host).voice.status()
    expect(status.sherpa).toEqual({ available: false, reason: expect.stringContaining('does not load') })
    expect(status.stt.local).toEqual(status.sherpa)
  })

  it('says so when this build has no local speech', async () => {
    const status = await service(new SherpaHost({})).voice.status()
    expect(status).toMatchObject({ sherpa: { available: false, reason: expect.stringContaining('build') }, vad: 'energy' })
  })

  it('refuses a model of the wrong kind as the local STT model', async () => {
    const { host } = scriptedHost({ probe: () => ({ version: '1' }) })
    const { voice } = service(host, { sttLocalModel: 'tts-b' })
    await expect(voice.stt.local.start({ language: 'en' })).rejects.toMatchObject({ code: 'E_CONFIG' })
  })

  it('speaks with the local voice when settings choose it, at the set rate', async () => {
    const { host, calls } = scriptedHost({ 'tts.generate': () => ({ samples: new Float32Array(100).fill(0.1), sampleRate: 16_000 }) })
    const { root, voice } = service(host, { ttsEngine: 'local', ttsRate: 0.75 })
    install(root, 'tts-b', ['b.onnx', 't.txt'])
    expect(await voice.speak('hi', undefined, undefined)).toMatchObject({ engine: 'local', mime: 'audio/wav', sampleRate: 16_000 })
    expect(calls.at(-1)?.args).toMatchObject({ text: 'hi', speed: 0.75 })
  })
})
