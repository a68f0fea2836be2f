import { randomUUID } from 'node:crypto'
import { VOICE_LIMITS, type DictationMode, type EventPayload, type SttEngine } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { levelDb, pcm16ToFloat32 } from './audio/pcm'
import { StreamingResampler } from './audio/resampler'
import type { VoiceActivityDetector, VadEvent } from './audio/vad'
import type { SpeechToText, SttSession } from './engines/types'

type VoiceEvent = 'voice.partial' | 'voice.vad'
type Limits = { [K in keyof typeof VOICE_LIMITS]: number } & { idleMs: number }

export interface DictationDeps {
  engine: (name: SttEngine) => SpeechToText
  createVad: () => VoiceActivityDetector
  broadcast: <K extends VoiceEvent>(event: K, payload: EventPayload<K>) => void
  now?: () => number
  newId?: () => string
  limits?: Partial<Limits>
}

export interface StartOptions {
  sampleRate: number
  engine: SttEngine
  mode: DictationMode
  language: string
}

interface Session {
  id: string
  engineName: SttEngine
  engine: SttSession
  resampler: StreamingResampler
  vad: VoiceActivityDetector
  sampleRate: number
  inputSamples: number
  lastPartial: string
  lastActivity: number
  busy: Promise<unknown>
  abort: AbortController
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Dictation sessions: PCM16 chunks in (any rate), resampled to 16 kHz, run through the VAD and
 * the chosen engine; partials and speech start/end are broadcast with the session id.
 */
export class DictationManager {
  private readonly sessions = new Map<string, Session>()
  private readonly now: () => number
  private readonly newId: () => string
  private readonly limits: Limits

  constructor(private readonly deps: DictationDeps) {
    this.now = deps.now ?? Date.now
    this.newId = deps.newId ?? randomUUID
    this.limits = { ...VOICE_LIMITS, idleMs: 60_000, ...deps.limits }
  }

  get open(): number {
    return this.sessions.size
  }

  async start(options: StartOptions): Promise<{ id: string; engine: SttEngine; mode: DictationMode; maxChunkChars: number; maxSessionMs: number }> {
    this.sweepIdle()
    if (this.sessions.size >= this.limits.maxSessions) {
      throw new AppError('E_RATE_LIMITED', `${this.sessions.size} dictations are already open.`, { retryable: true, hint: 'Stop or cancel one before starting another.' })
    }
    const abort = new AbortController()
    const engine = await this.deps.engine(options.engine).start({ language: options.language, signal: abort.signal })
    const session: Session = {
      id: this.newId(),
      engineName: options.engine,
      engine,
      resampler: new StreamingResampler(options.sampleRate, this.limits.engineSampleRate),
      vad: this.deps.createVad(),
      sampleRate: options.sampleRate,
      inputSamples: 0,
      lastPartial: '',
      lastActivity: this.now(),
      busy: Promise.resolve(),
      abort,
    }
    this.sessions.set(session.id, session)
    return { id: session.id, engine: options.engine, mode: options.mode, maxChunkChars: this.limits.maxChunkChars, maxSessionMs: this.limits.maxSessionMs }
  }

  async push(id: string, pcm: string): Promise<{ levelDb: number; partial?: string; speaking: boolean }> {
    const session = this.get(id)
    if (pcm.length > this.limits.maxChunkChars) {
      throw new AppError('E_PAYLOAD_TOO_LARGE', `An audio chunk is ${pcm.length} characters; the limit is ${this.limits.maxChunkChars}.`, { hint: 'Send smaller chunks (20–500 ms each).' })
    }
    if (!BASE64.test(pcm) || pcm.length % 4 !== 0) throw new AppError('E_VALIDATION', 'An audio chunk is not base64.', { hint: 'Send base64 of little-endian Int16 mono PCM.' })
    const bytes = Buffer.from(pcm, 'base64')
    if (bytes.length % 2 !== 0) throw new AppError('E_VALIDATION', 'An audio chunk has an odd number of bytes; 16-bit samples come in pairs.')
    const samples = pcm16ToFloat32(bytes)
    if (((session.inputSamples + samples.length) / session.sampleRate) * 1000 > this.limits.maxSessionMs) {
      throw new AppError('E_PAYLOAD_TOO_LARGE', `A dictation can last ${Math.round(this.limits.maxSessionMs / 100) / 10} s at most.`, { hint: 'Stop this dictation and start a new one.' })
    }
    session.inputSamples += samples.length
    session.lastActivity = this.now()
    // Chunks of one session are processed in arrival order even when calls overlap.
    const run = session.busy.then(() => this.feed(session, session.resampler.push(samples)))
    session.busy = run.catch(() => undefined)
    const partial = await run
    return { levelDb: levelDb(samples), speaking: session.vad.speaking, ...(partial ? { partial } : {}) }
  }

  async stop(id: string): Promise<{ text: string; durationMs: number; engine: SttEngine }> {
    const session = this.get(id)
    this.sessions.delete(id)
    try {
      await session.busy
      await this.feed(session, session.resampler.flush())
      this.announce(session, await session.vad.flush())
      const text = (await session.engine.finish()).trim()
      this.deps.broadcast('voice.partial', { id, text, final: true })
      return { text, durationMs: Math.round((session.inputSamples / session.sampleRate) * 1000), engine: session.engineName }
    } catch (error) {
      session.engine.cancel()
      throw error
    }
  }

  cancel(id: string): { cancelled: boolean } {
    const session = this.sessions.get(id)
    if (!session) return { cancelled: false }
    this.drop(session)
    return { cancelled: true }
  }

  close(): void {
    for (const session of [...this.sessions.values()]) this.drop(session)
  }

  private drop(session: Session): void {
    this.sessions.delete(session.id)
    session.abort.abort()
    session.engine.cancel()
  }

  private get(id: string): Session {
    const session = this.sessions.get(id)
    if (!session) throw new AppError('E_NOT_FOUND', `There is no dictation ${id.slice(0, 64)}; it may have ended or timed out.`, { hint: 'Start a new dictation.' })
    return session
  }

  private async feed(session: Session, samples: Float32Array): Promise<string | undefined> {
    if (samples.length === 0) return undefined
    this.announce(session, await session.vad.accept(samples))
    let partial: string | undefined
    try {
      partial = await session.engine.push(samples)
    } catch (error) {
      this.drop(session)
      throw error
    }
    if (partial !== undefined && partial !== session.lastPartial) {
      session.lastPartial = partial
      this.deps.broadcast('voice.partial', { id: session.id, text: partial })
    }
    return partial
  }

  private announce(session: Session, events: VadEvent[]): void {
    for (const event of events) this.deps.broadcast('voice.vad', { id: session.id, speaking: event.type === 'start' })
  }

  /** A client that vanished mid-dictation must not hold a session slot forever. */
  private sweepIdle(): void {
    const now = this.now()
    for (const session of [...this.sessions.values()]) if (now - session.lastActivity > this.limits.idleMs) this.drop(session)
  }
}
