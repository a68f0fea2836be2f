import type { ApiClient, ErrorShape, Result, StreamEvent, StreamHandle, VoiceModel, VoiceStatus } from '../../src-shared/contract'
import { answerRoutes, fail, ok, type FakeDeps } from './fake-route-helpers'

/*
 * The voice.* routes over an in-memory speech engine. Dictation records every pushed chunk
 * (decoded back to Int16 samples) and answers stop with `world.transcript`; model downloads are
 * driven by the test step by step. It wraps a fake API in place so fake-api.ts needs one line.
 */

export interface FakeDownload {
  id: string
  progress(receivedBytes: number): void
  finish(): void
  cancelled: boolean
}

export interface FakeVoiceWorld {
  status: VoiceStatus
  models: VoiceModel[]
  transcript: string
  /** Sent back with each push (as the response's `partial`) when set. */
  partial: string | undefined
  /** Int16 samples of each pushed chunk, per session id. */
  chunks: Record<string, Int16Array[]>
  /** Sample rates sessions were started with. */
  started: { id: string; sampleRate: number; mode: string | undefined }[]
  spoken: string[]
  downloads: FakeDownload[]
  /** Routes that answer with this error. */
  failing: Record<string, ErrorShape>
  /** The longest dictation the fake core allows. */
  maxSessionMs: number
}

const available = { available: true }

export const voiceModel = (patch: Partial<VoiceModel> & { id: string }): VoiceModel => ({
  kind: 'stt',
  name: patch.id,
  description: 'A speech model',
  language: 'en',
  license: 'MIT',
  sizeBytes: 40 * 1024 * 1024,
  url: `https://models.example/${patch.id}.tar.bz2`,
  sha256: 'a'.repeat(64),
  files: [{ name: `${patch.id}.tar.bz2`, url: `https://models.example/${patch.id}.tar.bz2`, sizeBytes: 40 * 1024 * 1024, sha256: 'a'.repeat(64) }],
  installed: false,
  downloadable: true,
  ...patch,
})

function decode(pcm: string): Int16Array {
  const binary = atob(pcm)
  const out = new Int16Array(binary.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = (binary.charCodeAt(i * 2) | (binary.charCodeAt(i * 2 + 1) << 8)) << 16 >> 16
  return out
}

export function withFakeVoice({ api, calls, emit, settings }: FakeDeps) {
  const world: FakeVoiceWorld = {
    status: { sherpa: available, stt: { local: available, openai: available }, tts: { local: available, openai: available }, vad: 'energy', selected: { stt: 'local', tts: 'system' } },
    models: [voiceModel({ id: 'whisper-tiny-en', name: 'Whisper tiny (English)' })],
    transcript: 'hello from the microphone',
    partial: undefined,
    chunks: {},
    started: [],
    spoken: [],
    downloads: [],
    failing: {},
    maxSessionMs: 300_000,
  }
  let sessions = 0

  const answer = (route: string, input: Record<string, unknown>): Result<unknown> => {
    const failure = world.failing[route]
    if (failure) return { ok: false, error: failure }
    switch (route) {
      case 'voice.status':
        return ok({ ...world.status, selected: { stt: settings().voice.sttEngine, tts: settings().voice.ttsEngine } })
      case 'voice.models':
        return ok({ models: world.models, dir: '/tmp/data/voice-models' })
      case 'voice.voices':
        return ok({ local: [{ id: '0', name: 'Amy' }], openai: [{ id: 'alloy', name: 'Alloy' }, { id: 'nova', name: 'Nova' }] })
      case 'voice.models.remove': {
        const model = world.models.find((m) => m.id === input.id)
        if (model) model.installed = false
        // An imported model's folder is gone with it, so it leaves the list.
        if (model?.source === 'imported') world.models.splice(world.models.indexOf(model), 1)
        return ok({ removed: Boolean(model) })
      }
      case 'voice.models.import': {
        const folder = input.path as string
        if (!folder.startsWith('/')) return fail('E_VALIDATION', `"${folder}" is not a full path.`)
        const name = (input.name as string | undefined) ?? folder.split('/').filter(Boolean).at(-1) ?? 'model'
        const id = `custom-${name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`
        if (world.models.some((m) => m.id === id)) return fail('E_CONFIG', `A model named “${name}” is already imported.`)
        const model = voiceModel({ id, name, kind: input.kind as VoiceModel['kind'], description: `Imported from ${folder}`, sizeBytes: 30 * 1024 * 1024, url: '', files: [{ name: 'tiny-encoder.int8.onnx', url: '', sizeBytes: 30 * 1024 * 1024, sha256: 'b'.repeat(64) }], installed: true, downloadable: false, source: 'imported' })
        world.models.push(model)
        return ok({ model })
      }
      case 'voice.dictation.start': {
        const id = `dictation-${++sessions}`
        world.chunks[id] = []
        world.started.push({ id, sampleRate: input.sampleRate as number, mode: input.mode as string | undefined })
        return ok({ id, engine: settings().voice.sttEngine, mode: (input.mode as 'push-to-talk' | undefined) ?? settings().voice.sttMode, maxChunkChars: 65_536, maxSessionMs: world.maxSessionMs })
      }
      case 'voice.dictation.push': {
        const chunks = world.chunks[input.id as string]
        if (!chunks) return fail('E_NOT_FOUND', `There is no dictation ${String(input.id)}`)
        chunks.push(decode(input.pcm as string))
        return ok({ levelDb: -20, speaking: false, ...(world.partial ? { partial: world.partial } : {}) })
      }
      case 'voice.dictation.stop': {
        const chunks = world.chunks[input.id as string]
        if (!chunks) return fail('E_NOT_FOUND', `There is no dictation ${String(input.id)}`)
        const samples = chunks.reduce((n, c) => n + c.length, 0)
        return ok({ text: world.transcript, durationMs: Math.round(samples / 16), engine: settings().voice.sttEngine })
      }
      case 'voice.dictation.cancel':
        return ok({ cancelled: true })
      case 'voice.speak':
        world.spoken.push(input.text as string)
        return ok({ audio: 'UklGRg==', mime: 'audio/wav', sampleRate: 16_000, engine: input.engine ?? 'local' })
      default:
        return fail('E_UNKNOWN_ROUTE', `no ${route}`)
    }
  }

  answerRoutes({ api, calls }, 'voice.', (route, input) => answer(route, input as Record<string, unknown>))

  const stream = api.stream
  api.stream = ((route: string, input: unknown, onEvent: (event: unknown) => void) => {
    if (route !== 'voice.models.download') return stream(route as never, input as never, onEvent as never)
    calls.push({ route, input })
    const { id } = input as { id: string }
    const model = world.models.find((m) => m.id === id)
    let settle: (result: Result<unknown>) => void = () => undefined
    const done = new Promise<Result<unknown>>((resolve) => (settle = resolve))
    const download: FakeDownload = {
      id,
      cancelled: false,
      progress: (receivedBytes) => onEvent({ phase: 'download', file: model?.files[0]?.name ?? id, receivedBytes, totalBytes: model?.sizeBytes ?? 0 } satisfies StreamEvent<'voice.models.download'>),
      finish: () => {
        if (model) model.installed = true
        settle(ok({ id, installed: true, dir: `/tmp/data/voice-models/${id}` }))
      },
    }
    world.downloads.push(download)
    const handle: StreamHandle<unknown> = {
      id: 1,
      done,
      cancel: () => {
        download.cancelled = true
        settle(fail('E_CANCELLED', 'Cancelled.'))
      },
    }
    return handle
  }) as ApiClient['stream']

  return {
    voice: {
      world,
      /** The core's VAD heard speech start or stop in a session. */
      vad: (id: string, speaking: boolean) => emit('voice.vad', { id, speaking }),
      partial: (id: string, text: string) => emit('voice.partial', { id, text }),
    },
  }
}
