import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VoiceSettingsSchema } from '../../../../src-shared/contract'
import type { RouteInput } from '../../../../src-shared/contract'
import { createLocalClient } from '../../rpc'
import { createTestCore, type TestCore } from '../../../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../../../test/support/tmp'
import { scriptedHost } from '../../../../test/support/voice/scripted-sherpa'
import { AppError } from '../../errors'
import { SileroVad } from '../engines/sherpa-engines'
import { VoiceService } from '../service'
import { defaultCatalog, VoiceModelStore } from './catalog'
import { importedId, importModel } from './import'
import { IMPORTED_MANIFEST, ImportedManifestSchema } from './manifest'

/** A valid-looking ONNX header (ir_version, graph) around `size` bytes of weights. */
const onnx = (size: number, fill = 7): Buffer => {
  const length: number[] = []
  for (let n = size; ; n = Math.floor(n / 128)) {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0))
    if (n <= 0x7f) break
  }
  return Buffer.concat([Buffer.from([0x08, 0x07, 0x3a, ...length]), Buffer.alloc(size, fill)])
}
const sha = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex')

function folder(files: Record<string, Buffer | string>, name = 'model'): string {
  const dir = path.join(makeTempDir(), name)
  for (const [file, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), bytes)
  }
  return dir
}

const encoder = onnx(3000)
const decoder = onnx(2000, 9)
const whisperFiles = (): Record<string, Buffer | string> => ({
  'tiny.en-encoder.int8.onnx': encoder,
  'tiny.en-encoder.onnx': onnx(5000),
  'tiny.en-decoder.int8.onnx': decoder,
  'tiny.en-decoder.onnx': onnx(4000),
  'tiny.en-tokens.txt': 'a 0\nb 1\n',
  'README.md': 'not part of the model',
})

let t: TestCore
let home: string
beforeAll(() => {
  home = makeTempDir('ollama-desk-home-')
  t = createTestCore({ home })
})
afterAll(async () => {
  await t.core.close()
  removeTempDirs()
})

const api = () => createLocalClient(t.core.dispatcher, 'test')
const models = async () => {
  const result = await api().call('voice.models', {})
  if (!result.ok) throw new Error(result.error.message)
  return result.value.models
}
const importFolder = (input: RouteInput<'voice.models.import'>) => api().call('voice.models.import', input)
const modelsDir = () => path.join(t.dir, 'voice-models')
const leftovers = () => (fs.existsSync(modelsDir()) ? fs.readdirSync(modelsDir()).filter((name) => name.startsWith('.import-')) : [])

describe('voice.models.import', () => {
  it('imports a Whisper folder: picks the int8 files, links them, records each sha256 and lists it as installed', async () => {
    const source = folder(whisperFiles(), 'sherpa-onnx-whisper-tiny.en')
    const result = await importFolder({ path: source, kind: 'stt' })
    expect(result).toMatchObject({ ok: true, value: { model: { id: 'custom-sherpa-onnx-whisper-tiny.en', kind: 'stt', name: 'sherpa-onnx-whisper-tiny.en', installed: true, downloadable: false, source: 'imported' } } })
    if (!result.ok) return
    expect(result.value.model.sizeBytes).toBe(encoder.length + decoder.length + 'a 0\nb 1\n'.length)
    expect(result.value.model.description).toContain(source)

    const dir = path.join(modelsDir(), 'custom-sherpa-onnx-whisper-tiny.en')
    expect(fs.readdirSync(dir).sort()).toEqual([IMPORTED_MANIFEST, 'tiny.en-decoder.int8.onnx', 'tiny.en-encoder.int8.onnx', 'tiny.en-tokens.txt'])
    const manifest = ImportedManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, IMPORTED_MANIFEST), 'utf8')))
    expect(manifest.files.map((f) => [f.path, f.sha256])).toEqual([
      ['tiny.en-encoder.int8.onnx', sha(encoder)],
      ['tiny.en-decoder.int8.onnx', sha(decoder)],
      ['tiny.en-tokens.txt', sha('a 0\nb 1\n')],
    ])
    // Same disk (both under the temp dir): a hard link, no second copy of the weights.
    expect(fs.statSync(path.join(dir, 'tiny.en-encoder.int8.onnx')).ino).toBe(fs.statSync(path.join(source, 'tiny.en-encoder.int8.onnx')).ino)
    expect((await models()).find((m) => m.id === manifest.id)).toMatchObject({ installed: true, source: 'imported' })
    expect((await models()).find((m) => m.id === 'whisper-tiny-en')).toMatchObject({ source: 'catalog', downloadable: false })

    // Removing it leaves the user's folder alone.
    expect(await api().call('voice.models.remove', { id: manifest.id })).toEqual({ ok: true, value: { removed: true } })
    expect(fs.existsSync(dir)).toBe(false)
    expect(fs.readFileSync(path.join(source, 'tiny.en-encoder.int8.onnx'))).toEqual(encoder)
    expect((await models()).some((m) => m.id === manifest.id)).toBe(false)
    expect(leftovers()).toEqual([])
  })

  it('says which file a folder lacks and imports nothing', async () => {
    const files = whisperFiles()
    delete files['tiny.en-tokens.txt']
    const result = await importFolder({ path: folder(files), kind: 'stt', name: 'No tokens' })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VOICE_MODEL_INVALID', message: expect.stringContaining('no tokens file (*tokens.txt)') } })
    const silero = await importFolder({ path: folder(whisperFiles()), kind: 'vad', name: 'Not silero' })
    expect(silero).toMatchObject({ ok: false, error: { message: expect.stringContaining('silero_vad.onnx') } })
    const piper = await importFolder({ path: folder({ 'voice.onnx': onnx(100) }), kind: 'tts', name: 'No tokens voice' })
    expect(piper).toMatchObject({ ok: false, error: { message: expect.stringContaining('no tokens.txt') } })
    expect((await models()).some((m) => m.source === 'imported')).toBe(false)
    expect(leftovers()).toEqual([])
  })

  it('refuses a link to a named pipe in place of a model file instead of blocking on it (issue 19.4)', async () => {
    const files = whisperFiles()
    delete files['tiny.en-tokens.txt']
    const source = folder(files)
    // A FIFO itself is not listed as a model file; a symlink to one is, and reading it would block.
    const pipe = path.join(source, '..', 'tokens-pipe')
    execFileSync('mkfifo', [pipe])
    fs.symlinkSync(pipe, path.join(source, 'tiny.en-tokens.txt'))
    const result = await importFolder({ path: source, kind: 'stt', name: 'Pipe' })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringMatching(/tiny\.en-tokens\.txt is a named pipe/) } })
    expect(leftovers()).toEqual([])
  })

  it('refuses a truncated ONNX file, naming it', async () => {
    const files = whisperFiles()
    files['tiny.en-decoder.int8.onnx'] = decoder.subarray(0, 500)
    const result = await importFolder({ path: folder(files), kind: 'stt', name: 'Cut short' })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VOICE_MODEL_INVALID', message: expect.stringContaining('tiny.en-decoder.int8.onnx'), hint: expect.stringContaining('Nothing was imported') } })
    expect(fs.existsSync(path.join(modelsDir(), importedId('Cut short')))).toBe(false)
    expect(leftovers()).toEqual([])
  })

  it('refuses a duplicate name, a relative path, a missing folder and a plain file', async () => {
    const source = folder(whisperFiles())
    expect(await importFolder({ path: source, kind: 'stt', name: 'My Whisper' })).toMatchObject({ ok: true, value: { model: { id: 'custom-my-whisper' } } })
    expect(await importFolder({ path: source, kind: 'stt', name: 'my whisper' })).toMatchObject({ ok: false, error: { code: 'E_CONFIG', message: expect.stringContaining('already imported') } })
    expect(await importFolder({ path: source, kind: 'stt', name: 'My Whisper 2' })).toMatchObject({ ok: true, value: { model: { id: 'custom-my-whisper-2' } } })

    expect(await importFolder({ path: 'models/whisper', kind: 'stt' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('not a full path') } })
    expect(await importFolder({ path: path.join(source, 'missing'), kind: 'stt' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND', hint: expect.stringContaining('web companion') } })
    expect(await importFolder({ path: path.join(source, 'README.md'), kind: 'stt' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('not a model folder') } })
    expect(await importFolder({ path: '', kind: 'stt' } as never)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    // An imported model has nothing to download.
    const handle = api().stream('voice.models.download', { id: 'custom-my-whisper', consent: true }, () => undefined)
    expect(await handle.done).toMatchObject({ ok: false, error: { code: 'E_CONFIG' } })
  })

  it('expands ~ to the home folder', async () => {
    fs.mkdirSync(path.join(home, 'models'), { recursive: true })
    fs.cpSync(folder(whisperFiles()), path.join(home, 'models', 'whisper-home'), { recursive: true })
    expect(await importFolder({ path: '~/models/whisper-home', kind: 'stt' })).toMatchObject({ ok: true, value: { model: { id: 'custom-whisper-home', description: `Imported from ${path.join(home, 'models', 'whisper-home')}` } } })
  })

  it('imports a Piper voice from its .tar.bz2, espeak-ng-data included', async () => {
    const voice = folder({ 'en_US-amy-low.onnx': onnx(4000), 'en_US-amy-low.onnx.json': '{}', 'tokens.txt': '_ 0\na 1\n', 'espeak-ng-data/phontab': 'p', 'espeak-ng-data/voices/en': 'v', MODEL_CARD: 'card' }, 'vits-piper-en_US-amy-low')
    const archive = path.join(makeTempDir(), 'vits-piper-en_US-amy-low.tar.bz2')
    execFileSync('tar', ['-cjf', archive, '-C', path.dirname(voice), path.basename(voice)])
    const result = await importFolder({ path: archive, kind: 'tts' })
    expect(result).toMatchObject({ ok: true, value: { model: { id: 'custom-vits-piper-en_us-amy-low', kind: 'tts', files: [{ name: 'en_US-amy-low.onnx' }, { name: 'tokens.txt' }] } } })
    const dir = path.join(modelsDir(), 'custom-vits-piper-en_us-amy-low')
    expect(fs.readFileSync(path.join(dir, 'espeak-ng-data', 'voices', 'en'), 'utf8')).toBe('v')
    expect(fs.existsSync(path.join(dir, 'MODEL_CARD'))).toBe(false)
    expect(fs.existsSync(archive)).toBe(true)
    expect(leftovers()).toEqual([])
  })
})

describe('an imported model in the local engines', () => {
  const settings = (patch: Partial<ReturnType<typeof VoiceSettingsSchema.parse>>) => ({ ...VoiceSettingsSchema.parse({}), ...patch })
  const noOpenAi = { error: new AppError('E_CONFIG', 'No OpenAI provider is set up for voice.') }
  const tone = (seconds: number): Float32Array => Float32Array.from({ length: seconds * 16_000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16_000))

  it('is what the local speech-to-text engine loads when settings pick it', async () => {
    const root = makeTempDir()
    const source = folder(whisperFiles())
    const manifest = await importModel({ path: source, kind: 'stt', name: 'Mine' }, root)
    const { host, calls } = scriptedHost({ probe: () => ({ version: '1' }), 'stt.transcribe': () => ({ text: 'hello' }) })
    const voice = new VoiceService({ settings: () => settings({ sttLocalModel: manifest.id }), host, store: new VoiceModelStore(root, defaultCatalog()), openAi: () => noOpenAi, broadcast: () => undefined })
    expect((await voice.status()).stt.local).toEqual({ available: true })
    const session = await voice.stt.local.start({ language: 'en' })
    await session.push(tone(0.5))
    expect(await session.finish()).toBe('hello')
    expect(calls.find((c) => c.method === 'stt.transcribe')?.args).toMatchObject({ model: { type: 'whisper', encoder: path.join(root, manifest.id, 'tiny.en-encoder.int8.onnx'), tokens: path.join(root, manifest.id, 'tiny.en-tokens.txt') } })

    // A touched but unchanged file is still fine; a changed one (through the hard link) is refused.
    const linked = path.join(source, 'tiny.en-encoder.int8.onnx')
    fs.utimesSync(linked, new Date(2020, 1, 1), new Date(2020, 1, 1))
    expect((await voice.status()).stt.local).toEqual({ available: true })
    fs.writeFileSync(linked, onnx(3000, 8))
    expect((await voice.status()).stt.local).toMatchObject({ available: false, reason: expect.stringContaining('no longer has its recorded sha256') })
    await expect(voice.stt.local.start({ language: 'en' })).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID' })
    voice.close()
  })

  it('an imported Silero VAD is used for hands-free dictation', async () => {
    const root = makeTempDir()
    const store = new VoiceModelStore(root, defaultCatalog())
    const { host } = scriptedHost({ probe: () => ({ version: '1' }) })
    const voice = new VoiceService({ settings: () => settings({}), host, store, openAi: () => noOpenAi, broadcast: () => undefined })
    expect((await voice.status()).vad).toBe('energy')
    await importModel({ path: folder({ 'silero_vad.onnx': onnx(1000) }), kind: 'vad' }, root)
    expect((await voice.status()).vad).toBe('silero')
    expect(voice.createVad()).toBeInstanceOf(SileroVad)
    expect(store.list().find((m) => m.id === 'silero-vad')?.installed).toBe(false)
    voice.close()
  })
})
