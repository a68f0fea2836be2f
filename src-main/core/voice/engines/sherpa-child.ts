// The sherpa-onnx child process. Runs apart from the app because onnxruntime aborts its whole
// process on a model it cannot load; here that costs a restart, not the app. Kept loadable by
// plain Node type stripping (tests fork it directly) and bundled on its own by electron-vite.
import { createRequire } from 'node:module'
import type { ChildReply, ChildRequest, ChildRequests, SileroLayout, VitsLayout, WhisperLayout } from './sherpa-protocol'

interface Sherpa {
  version: string
  OfflineRecognizer: new (config: unknown) => {
    createStream(): { acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void }
    decode(stream: unknown): void
    getResult(stream: unknown): { text: string }
  }
  OfflineTts: new (config: unknown) => {
    numSpeakers: number
    sampleRate: number
    generate(request: { text: string; sid: number; speed: number }): { samples: Float32Array; sampleRate: number }
  }
  Vad: new (config: unknown, bufferSeconds: number) => {
    acceptWaveform(samples: Float32Array): void
    isEmpty(): boolean
    isDetected(): boolean
    front(external?: boolean): { start: number; samples: Float32Array }
    pop(): void
    flush(): void
  }
}

const load = (): Sherpa => createRequire(import.meta.url)('sherpa-onnx-node') as Sherpa
let sherpa: Sherpa | undefined
const lib = (): Sherpa => (sherpa ??= load())

const recognizers = new Map<string, InstanceType<Sherpa['OfflineRecognizer']>>()
const voices = new Map<string, InstanceType<Sherpa['OfflineTts']>>()
const vads = new Map<number, { vad: InstanceType<Sherpa['Vad']>; window: number; pending: Float32Array }>()
let nextHandle = 1

function recognizer(model: WhisperLayout, language: string): InstanceType<Sherpa['OfflineRecognizer']> {
  const key = JSON.stringify([model, language])
  let found = recognizers.get(key)
  if (!found) {
    found = new (lib().OfflineRecognizer)({
      featConfig: { sampleRate: 16000, featureDim: 80 },
      modelConfig: {
        whisper: { encoder: model.encoder, decoder: model.decoder, language: language === 'auto' ? '' : language, task: 'transcribe' },
        tokens: model.tokens,
        numThreads: 2,
        provider: 'cpu',
      },
    })
    recognizers.set(key, found)
  }
  return found
}

function tts(model: VitsLayout): InstanceType<Sherpa['OfflineTts']> {
  const key = JSON.stringify(model)
  let found = voices.get(key)
  if (!found) {
    found = new (lib().OfflineTts)({
      model: { vits: { model: model.model, tokens: model.tokens, ...(model.dataDir ? { dataDir: model.dataDir } : {}) }, numThreads: 2, provider: 'cpu' },
      maxNumSentences: 1,
    })
    voices.set(key, found)
  }
  return found
}

function openVad(model: SileroLayout, threshold: number, silenceMs: number): number {
  const window = 512
  const vad = new (lib().Vad)({ sileroVad: { model: model.model, threshold, minSilenceDuration: silenceMs / 1000, minSpeechDuration: 0.25, windowSize: window }, sampleRate: 16000, numThreads: 1 }, 60)
  const handle = nextHandle++
  vads.set(handle, { vad, window, pending: new Float32Array(0) })
  return handle
}

function acceptVad(handle: number, samples: Float32Array, flush: boolean): ChildRequests['vad.accept']['result'] {
  const state = vads.get(handle)
  if (!state) throw new Error(`no VAD ${handle}`)
  const joined = new Float32Array(state.pending.length + samples.length)
  joined.set(state.pending)
  joined.set(samples, state.pending.length)
  let at = 0
  for (; at + state.window <= joined.length; at += state.window) state.vad.acceptWaveform(joined.subarray(at, at + state.window))
  state.pending = joined.slice(at)
  if (flush) state.vad.flush()
  const segments: { start: number; samples: Float32Array }[] = []
  while (!state.vad.isEmpty()) {
    const segment = state.vad.front(false)
    segments.push({ start: segment.start, samples: Float32Array.from(segment.samples) })
    state.vad.pop()
  }
  return { segments, speaking: state.vad.isDetected() }
}

type Handlers = { [M in keyof ChildRequests]: (args: ChildRequests[M]['args']) => ChildRequests[M]['result'] }
const handlers: Handlers = {
  probe: () => ({ version: lib().version }),
  'stt.transcribe': ({ model, language, samples, sampleRate }) => {
    const rec = recognizer(model, language)
    const stream = rec.createStream()
    stream.acceptWaveform({ samples, sampleRate })
    rec.decode(stream)
    return { text: rec.getResult(stream).text.trim() }
  },
  'tts.info': ({ model }) => {
    const voice = tts(model)
    return { numSpeakers: voice.numSpeakers, sampleRate: voice.sampleRate }
  },
  'tts.generate': ({ model, text, sid, speed }) => {
    const audio = tts(model).generate({ text, sid, speed })
    return { samples: Float32Array.from(audio.samples), sampleRate: audio.sampleRate }
  },
  'vad.open': ({ model, threshold, silenceMs }) => ({ handle: openVad(model, threshold, silenceMs) }),
  'vad.accept': ({ handle, samples, flush }) => acceptVad(handle, samples, flush),
  'vad.close': ({ handle }) => {
    vads.delete(handle)
    return {}
  },
}

process.on('message', (message: ChildRequest) => {
  let reply: ChildReply
  try {
    const handler = handlers[message.method] as (args: unknown) => unknown
    reply = { id: message.id, ok: true, value: handler(message.args) }
  } catch (error) {
    reply = { id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) }
  }
  process.send?.(reply)
})
process.on('disconnect', () => process.exit(0))
