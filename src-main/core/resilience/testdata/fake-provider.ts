import type { ProviderKind } from '../../../../src-shared/contract'
import { CancelledError, type AppError } from '../../errors'
import type { ChatChunk, ChatProvider, ChatRequest, ProbeResult, ProviderModel } from '../../providers/types'

/** One scripted call: chunks to yield, then optionally an error to throw (before any chunk if chunks is empty). */
export interface ScriptedCall {
  chunks?: ChatChunk[]
  error?: AppError
}

export interface FakeProviderOptions {
  id: string
  kind?: ProviderKind
  /** Calls are answered in order; the last one repeats. */
  calls?: ScriptedCall[]
  models?: ProviderModel[]
  probe?: (signal: AbortSignal | undefined) => Promise<ProbeResult>
}

export const reply = (...texts: string[]): ScriptedCall => ({
  chunks: [...texts.map((text): ChatChunk => ({ type: 'text', text })), { type: 'usage', usage: { inputTokens: 10, outputTokens: texts.length } }, { type: 'done', finishReason: 'stop' }],
})

export const failing = (error: AppError): ScriptedCall => ({ error })

/**
 * An in-memory ChatProvider that yields scripted chunks or throws scripted AppErrors, and
 * honours the abort signal between chunks like a real adapter does. It records every request.
 */
export class FakeProvider implements ChatProvider {
  readonly id: string
  readonly kind: ProviderKind
  readonly requests: ChatRequest[] = []
  probes = 0
  private readonly calls: ScriptedCall[]
  private readonly models: ProviderModel[]
  private readonly probeImpl: FakeProviderOptions['probe']

  constructor(options: FakeProviderOptions) {
    this.id = options.id
    this.kind = options.kind ?? 'openai'
    this.calls = options.calls ?? [reply('hello')]
    this.models = options.models ?? []
    this.probeImpl = options.probe
  }

  get callCount(): number {
    return this.requests.length
  }

  listModels(): Promise<ProviderModel[]> {
    return Promise.resolve(this.models)
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk> {
    const script = this.calls[Math.min(this.requests.length, this.calls.length - 1)]!
    this.requests.push(request)
    for (const chunk of script.chunks ?? []) {
      if (signal.aborted) throw new CancelledError('Stopped.')
      await Promise.resolve()
      yield chunk
    }
    if (script.error) throw script.error
  }

  probe(signal?: AbortSignal): Promise<ProbeResult> {
    this.probes += 1
    return this.probeImpl ? this.probeImpl(signal) : Promise.resolve({ ok: true, latencyMs: 5 })
  }
}
