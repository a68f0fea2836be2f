import { create } from 'zustand'
import { VOICE_LIMITS, type ApiClient, type DictationMode, type ErrorShape } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'
import { MicrophoneError, openMicrophone as browserMicrophone, type Capture, type OpenMicrophone } from './capture'
import { meterLevel, pcmChunks, Resampler } from './pcm'
import { microphoneHelp } from './permission'
import { noteFeatureUse } from '../feature-use'

/** How often captured audio goes to the core: small enough for a live meter, large enough to batch. */
export const CHUNK_MS = 150

export interface DictationNotice {
  message: string
  hint?: string | undefined
}

export interface StartOptions {
  /** Receives the final transcript (the composer inserts it at the cursor). */
  onText: (text: string) => void
  mode?: DictationMode
  openMicrophone?: OpenMicrophone
}

export interface DictationState {
  phase: 'idle' | 'starting' | 'listening' | 'finishing'
  mode: DictationMode
  /** 0..1, for the meter. */
  level: number
  partial: string
  /** Hands-free: the core's VAD hears speech now. */
  speaking: boolean
  /** How the microphone is read while listening (for diagnostics). */
  capture: Capture['via'] | undefined
  notice: DictationNotice | undefined
  start(api: ApiClient, options: StartOptions): Promise<void>
  stop(): Promise<void>
  cancel(): void
  dismiss(): void
}

interface Running {
  api: ApiClient
  id: string | undefined
  capture: Capture | undefined
  resampler: Resampler | undefined
  pending: Float32Array[]
  peak: number
  maxChunkChars: number
  maxSessionMs: number
  /** 16 kHz samples sent so far. */
  sent: number
  limitReached: boolean
  timer: ReturnType<typeof setInterval> | undefined
  /** Pushes go out one after another, in capture order. */
  pushing: Promise<void>
  failed: boolean
  onText: (text: string) => void
  off: (() => void)[]
}

let running: Running | undefined

const concat = (parts: Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const fromError = (error: ErrorShape): DictationNotice => ({ message: error.message, hint: error.hint })

/** Push-to-talk and hands-free dictation: microphone → 16 kHz PCM chunks → the core's engine → text. */
export const useDictation = create<DictationState>((set, get) => {
  const finishWith = (notice?: DictationNotice): void => {
    const current = running
    running = undefined
    if (current) {
      if (current.timer) clearInterval(current.timer)
      current.capture?.stop()
      current.off.forEach((off) => off())
    }
    set({ phase: 'idle', level: 0, partial: '', speaking: false, capture: undefined, ...(notice ? { notice } : {}) })
  }

  /** Resampled audio so far, out as base64 chunks within the contract's limit. */
  const flush = (session: Running): void => {
    if (!session.id || session.pending.length === 0) return
    const samples = concat(session.pending)
    session.pending = []
    session.sent += samples.length
    set({ level: session.peak })
    session.peak = 0
    const id = session.id
    for (const pcm of pcmChunks(samples, session.maxChunkChars)) {
      session.pushing = session.pushing.then(async () => {
        if (session.failed) return
        const result = await session.api.call('voice.dictation.push', { id, pcm })
        if (!result.ok) {
          session.failed = true
          void session.api.call('voice.dictation.cancel', { id })
          if (running === session) finishWith(fromError(result.error))
        } else if (result.value.partial !== undefined && running === session) set({ partial: result.value.partial })
      })
    }
    // Stop a second before the core's limit, so what was said is transcribed rather than refused.
    if ((session.sent / VOICE_LIMITS.engineSampleRate) * 1000 >= session.maxSessionMs - 1000 && !session.limitReached) {
      session.limitReached = true
      void stop()
    }
  }

  const stop = async (): Promise<void> => {
    const session = running
    if (!session || get().phase !== 'listening' || !session.id) return
    set({ phase: 'finishing' })
    if (session.timer) clearInterval(session.timer)
    session.timer = undefined
    session.capture?.stop()
    session.capture = undefined
    flush(session)
    await session.pushing
    if (session.failed || running !== session) return
    const result = await session.api.call('voice.dictation.stop', { id: session.id })
    if (running !== session) return
    if (!result.ok) return finishWith(fromError(result.error))
    const text = result.value.text.trim()
    if (text) session.onText(text)
    if (session.limitReached) return finishWith({ message: `Dictation stopped at its ${Math.round(session.maxSessionMs / 1000)} s limit.`, hint: 'Start it again to go on.' })
    finishWith(text ? undefined : { message: 'No words were heard.', hint: 'Speak a little closer to the microphone, or check the input level in your sound settings.' })
  }

  return {
    phase: 'idle',
    mode: 'push-to-talk',
    level: 0,
    partial: '',
    speaking: false,
    capture: undefined,
    notice: undefined,
    stop,
    dismiss: () => set({ notice: undefined }),
    cancel: () => {
      const id = running?.id
      const api = running?.api
      finishWith()
      if (id && api) void api.call('voice.dictation.cancel', { id })
    },
    start: async (api, options) => {
      if (get().phase !== 'idle') return
      const settings = useAppStore.getState().settings?.voice
      const mode = options.mode ?? settings?.sttMode ?? 'push-to-talk'
      const session: Running = { api, id: undefined, capture: undefined, resampler: undefined, pending: [], peak: 0, maxChunkChars: VOICE_LIMITS.maxChunkChars, maxSessionMs: VOICE_LIMITS.maxSessionMs, sent: 0, limitReached: false, timer: undefined, pushing: Promise.resolve(), failed: false, onText: options.onText, off: [] }
      running = session
      set({ phase: 'starting', mode, level: 0, partial: '', speaking: false, notice: undefined })
      try {
        session.capture = await (options.openMicrophone ?? browserMicrophone)((frame) => {
          if (!session.resampler) return
          session.peak = Math.max(session.peak, meterLevel(frame))
          session.pending.push(session.resampler.push(frame))
        })
      } catch (error) {
        if (running !== session) return
        const { info, transport } = useAppStore.getState()
        const mic = error instanceof MicrophoneError ? error : new MicrophoneError('unsupported', String(error))
        return finishWith({ message: mic.message, ...(mic.kind === 'denied' || mic.kind === 'missing' ? { hint: microphoneHelp(info?.platform, transport) } : {}) })
      }
      if (running !== session) return session.capture.stop()
      session.resampler = new Resampler(session.capture.sampleRate, VOICE_LIMITS.engineSampleRate)
      noteFeatureUse(api, 'voice_dictation')
      const started = await api.call('voice.dictation.start', { sampleRate: VOICE_LIMITS.engineSampleRate, mode })
      if (running !== session) {
        if (started.ok) void api.call('voice.dictation.cancel', { id: started.value.id })
        return
      }
      if (!started.ok) return finishWith(fromError(started.error))
      session.id = started.value.id
      session.maxChunkChars = Math.min(started.value.maxChunkChars, VOICE_LIMITS.maxChunkChars)
      session.maxSessionMs = started.value.maxSessionMs
      session.off.push(
        api.on('voice.partial', (event) => {
          if (event.id === session.id && running === session && get().phase === 'listening') set({ partial: event.text })
        }),
        api.on('voice.vad', (event) => {
          if (event.id !== session.id || running !== session) return
          set({ speaking: event.speaking })
          // Hands-free: the silence after speech ends the utterance.
          if (!event.speaking && mode === 'hands-free') void stop()
        }),
      )
      session.timer = setInterval(() => flush(session), CHUNK_MS)
      set({ phase: 'listening', capture: session.capture.via })
    },
  }
})

/** The composer's text with `spoken` put at the cursor, spaced from its neighbours; what was typed stays. */
export function insertAtCursor(text: string, spoken: string, start: number, end = start): { text: string; cursor: number } {
  const before = text.slice(0, start)
  const after = text.slice(end)
  const lead = before && !/\s$/.test(before) ? ' ' : ''
  const trail = after && !/^\s/.test(after) ? ' ' : ''
  const inserted = `${lead}${spoken}${trail}`
  return { text: before + inserted + after, cursor: before.length + inserted.length }
}
