import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../../test/support/tmp'
import { voiceFixtures } from '../../../../test/support/voice/fixtures'
import { decodeWav } from '../audio/wav'
import { detectWhisperLayout } from '../models/catalog'
import { validateOnnxFile, validateTokensFile } from './onnx-check'
import { SherpaSttEngine, SherpaTtsEngine, SileroVad, validateLayout } from './sherpa-engines'
import { forkSherpa, SherpaHost } from './sherpa-host'
import type { VitsLayout, WhisperLayout } from './sherpa-protocol'

const childEntry = fileURLToPath(new URL('./sherpa-child.ts', import.meta.url))
const hosts: SherpaHost[] = []
const newHost = (): SherpaHost => {
  const host = new SherpaHost({ spawn: forkSherpa(childEntry) })
  hosts.push(host)
  return host
}
afterAll(() => {
  hosts.forEach((host) => host.close())
  removeTempDirs()
})

/** The start of an ONNX ModelProto: ir_version 7, a producer name, then a graph field of `graphBytes`. */
function onnxLike(graph: Buffer, declaredLength = graph.length): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = []
    do {
      out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0))
      n = Math.floor(n / 128)
    } while (n > 0)
    return out
  }
  return Buffer.concat([Buffer.from([0x08, 0x07, 0x12, 0x04]), Buffer.from('test'), Buffer.from([0x3a, ...varint(declaredLength)]), graph])
}

const write = (dir: string, name: string, bytes: Buffer | string): string => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, bytes)
  return file
}

describe('model file checks before sherpa-onnx sees a file', () => {
  const dir = makeTempDir()

  it('accepts a well-formed ONNX header and a tokens file', async () => {
    await expect(validateOnnxFile(write(dir, 'ok.onnx', onnxLike(Buffer.alloc(300, 1))))).resolves.toBeUndefined()
    await expect(validateTokensFile(write(dir, 'tokens.txt', 'a 0\nb 1\n  2\n'))).resolves.toBeUndefined()
  })

  it.each([
    ['random bytes', () => write(dir, 'random.onnx', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)))],
    ['a truncated download', () => write(dir, 'cut.onnx', onnxLike(Buffer.alloc(300, 1), 100_000))],
    ['a text file', () => write(dir, 'text.onnx', 'this is an HTML error page, not a model <html></html>')],
    ['an empty file', () => write(dir, 'empty.onnx', '')],
    ['a missing file', () => path.join(dir, 'nope.onnx')],
    ['a header without a graph', () => write(dir, 'nograph.onnx', Buffer.from([0x08, 0x07, 0x12, 0x0c, ...Buffer.from('just a name!')]))],
  ])('rejects %s with E_VOICE_MODEL_INVALID', async (_name, make) => {
    await expect(validateOnnxFile(make())).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID', hint: expect.stringContaining('download it again') })
  })

  it('rejects a file whose size differs from the catalog', async () => {
    const file = write(dir, 'sized.onnx', onnxLike(Buffer.alloc(300, 1)))
    await expect(validateOnnxFile(file, 999)).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID', message: expect.stringContaining('expected 999') })
  })

  it('rejects empty, missing and malformed tokens files', async () => {
    await expect(validateTokensFile(write(dir, 't0.txt', ''))).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID' })
    await expect(validateTokensFile(path.join(dir, 'none.txt'))).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID' })
    await expect(validateTokensFile(write(dir, 't1.txt', 'no numbers here\n'))).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID' })
  })

  it('a local engine refuses a bad model before starting the child process', async () => {
    let spawned = 0
    const host = new SherpaHost({ spawn: () => { spawned++; throw new Error('must not start') } })
    const bad: WhisperLayout = { type: 'whisper', encoder: write(dir, 'enc.onnx', 'garbage'), decoder: write(dir, 'dec.onnx', 'garbage'), tokens: write(dir, 'tok.txt', 'a 0') }
    const engine = new SherpaSttEngine(host, () => Promise.resolve({ id: 'bad', layout: bad }))
    await expect(engine.start({ language: 'en' })).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID' })
    const tts = new SherpaTtsEngine(host, () => Promise.resolve({ id: 'bad', layout: { type: 'vits', model: bad.encoder, tokens: bad.tokens } }))
    await expect(tts.speak('hi', { rate: 1 })).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID' })
    expect(spawned).toBe(0)
  })
})

describe('the sherpa-onnx child process', () => {
  it('loads sherpa-onnx-node off the app process and reports its version', async () => {
    const host = newHost()
    await expect(host.call('probe', {})).resolves.toEqual({ version: expect.stringMatching(/^\d+\.\d+/) })
  })

  it('turns an abort while loading a model that passed the checks into a typed error; the app lives and the next call works', async () => {
    const dir = makeTempDir()
    // Passes the header walk, but the graph is nonsense: onnxruntime aborts its process on it.
    const model: WhisperLayout = { type: 'whisper', encoder: write(dir, 'e.onnx', onnxLike(Buffer.alloc(64, 0xff))), decoder: write(dir, 'd.onnx', onnxLike(Buffer.alloc(64, 0xff))), tokens: write(dir, 't.txt', 'a 0\n') }
    await validateLayout(model)
    const host = newHost()
    const engine = new SherpaSttEngine(host, () => Promise.resolve({ id: 'broken-model', layout: model }))
    const session = await engine.start({ language: 'en' })
    await session.push(Float32Array.from({ length: 16_000 }, (_, i) => 0.3 * Math.sin(i / 10)))
    await expect(session.finish()).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID', message: expect.stringContaining('broken-model') })
    expect(process.pid).toBeGreaterThan(0)
    await expect(host.call('probe', {})).resolves.toMatchObject({ version: expect.any(String) })
  })

  it('reports a crash outside model loading as a retryable internal error', async () => {
    const exits: ((code: number | null) => void)[] = []
    const host = new SherpaHost({
      spawn: () => ({ send: () => undefined, on: (event: string, listener: never) => void (event === 'exit' && exits.push(listener)), kill: () => undefined }),
    })
    const pending = host.call('probe', {})
    exits[0]?.(134)
    await expect(pending).rejects.toMatchObject({ code: 'E_INTERNAL', retryable: true, message: expect.stringContaining('exit code 134') })
  })

  it('says local speech is unavailable when the build has no child entry', async () => {
    const host = new SherpaHost({})
    expect(host.configured).toBe(false)
    expect(() => host.call('probe', {})).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED' }))
  })
})

// Real models cannot be downloaded on the build machines; point these variables at one to run them.
const sttModel = process.env.STT_MODEL_PATH
const ttsModel = process.env.TTS_MODEL_PATH

describe('real models', () => {
  if (!sttModel) it.skip('transcribes the spoken fixture with a real Whisper model — skipped: set STT_MODEL_PATH to a sherpa-onnx Whisper folder to run it', () => undefined)
  else
    it('transcribes the spoken fixture with the Whisper model in STT_MODEL_PATH', async () => {
      const layout = detectWhisperLayout(sttModel)
      if (!layout || layout.type !== 'whisper') throw new Error(`STT_MODEL_PATH=${sttModel} has no *encoder*.onnx, *decoder*.onnx and *tokens.txt`)
      const engine = new SherpaSttEngine(newHost(), () => Promise.resolve({ id: 'env-model', layout }))
      const session = await engine.start({ language: 'en' })
      await session.push(decodeWav(fs.readFileSync(voiceFixtures().speech16k)).samples)
      expect((await session.finish()).toLowerCase()).toMatch(/hello|world|dictation/)
    }, 120_000)

  if (!ttsModel) it.skip('speaks with a real VITS/Piper voice — skipped: set TTS_MODEL_PATH to a sherpa-onnx VITS folder (model .onnx, tokens.txt, espeak-ng-data) to run it', () => undefined)
  else
    it('speaks with the VITS voice in TTS_MODEL_PATH', async () => {
      const names = fs.readdirSync(ttsModel)
      const model = names.find((name) => name.endsWith('.onnx'))
      if (!model) throw new Error(`TTS_MODEL_PATH=${ttsModel} has no .onnx model`)
      const layout: VitsLayout = { type: 'vits', model: path.join(ttsModel, model), tokens: path.join(ttsModel, 'tokens.txt'), ...(names.includes('espeak-ng-data') ? { dataDir: path.join(ttsModel, 'espeak-ng-data') } : {}) }
      const spoken = await new SherpaTtsEngine(newHost(), () => Promise.resolve({ id: 'env-voice', layout })).speak('Hello from the local voice.', { rate: 1 })
      const wav = decodeWav(spoken.audio)
      expect(wav.samples.length / wav.sampleRate).toBeGreaterThan(0.5)
    }, 120_000)
})

describe('Silero VAD behind the VAD interface', () => {
  it('refuses a bad Silero model with a typed error before the child loads it', async () => {
    const dir = makeTempDir()
    const vad = new SileroVad(newHost(), { id: 'silero-vad', layout: { type: 'silero', model: write(dir, 'silero.onnx', 'nope') } }, { threshold: 0.5, silenceMs: 500 })
    await expect(vad.accept(new Float32Array(512))).rejects.toMatchObject({ code: 'E_VOICE_MODEL_INVALID' })
  })
})
