import { Ollama, type ModelResponse, type ProgressResponse } from 'ollama/browser'
import type { LocalModel, Machine, ModelDetails, PullEvent, RecommendedModel, RunningModel } from '../../../src-shared/contract'
import { AppError, CancelledError } from '../errors'
import { normalizeOllamaHost, type FetchLike } from '../ollama'
import { mapOllamaError, type ErrorContext } from './errors'
import { PullProgress } from './progress'
import { recommend } from './recommend'

export interface ModelServiceOptions {
  /** The configured host (OLLAMA_HOST wins); read on every request so a settings change applies at once. */
  host: () => string
  fetch?: FetchLike
  /** Limit for requests that are not streams (list, show, delete…). */
  timeoutMs?: number
  machine: () => Promise<Machine>
  now?: () => number
}

const time = (value: Date | string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const ms = new Date(value).getTime()
  return Number.isFinite(ms) ? ms : undefined
}

const summary = (model: ModelResponse): LocalModel => ({
  name: model.name || model.model,
  size: model.size ?? 0,
  digest: model.digest ?? '',
  family: model.details?.family ?? '',
  parameterSize: model.details?.parameter_size ?? '',
  quantization: model.details?.quantization_level ?? '',
  modifiedAt: time(model.modified_at) ?? 0,
})

/** Model management over Ollama's API, through the official ollama-js client. */
export class ModelService {
  private readonly options: ModelServiceOptions

  constructor(options: ModelServiceOptions) {
    this.options = options
  }

  host(): string {
    return normalizeOllamaHost(this.options.host())
  }

  /**
   * One client per operation: ollama-js's `abort()` stops every stream of a client, so sharing
   * one would let cancelling one pull stop another. `limit` adds a timeout for plain requests.
   */
  private client(limit: boolean, signal?: AbortSignal): Ollama {
    const base = this.options.fetch ?? fetch
    const timeoutMs = this.options.timeoutMs ?? 15_000
    const wrapped = ((input: string | URL | Request, init?: RequestInit) => {
      const signals = [init?.signal, signal, limit ? AbortSignal.timeout(timeoutMs) : undefined].filter((s): s is AbortSignal => s != null)
      return base(String(input), { ...init, signal: signals.length ? AbortSignal.any(signals) : undefined } as RequestInit & { signal?: AbortSignal })
    }) as typeof fetch
    return new Ollama({ host: this.host(), fetch: wrapped })
  }

  private async run<T>(context: Omit<ErrorContext, 'host'>, work: (client: Ollama) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const host = this.host()
    try {
      return await work(this.client(true, signal))
    } catch (error) {
      throw mapOllamaError(error, { ...context, host })
    }
  }

  async list(signal?: AbortSignal): Promise<LocalModel[]> {
    const response = await this.run({ action: 'list' }, (c) => c.list(), signal)
    return (response.models ?? []).map(summary).sort((a, b) => b.modifiedAt - a.modifiedAt || a.name.localeCompare(b.name))
  }

  async show(name: string, signal?: AbortSignal): Promise<ModelDetails> {
    const r = await this.run({ action: 'show', name }, (c) => c.show({ model: name }), signal)
    const info = (r.model_info ?? {}) as unknown as Record<string, unknown>
    const contextKey = Object.keys(info).find((key) => key.endsWith('.context_length'))
    const contextLength = contextKey ? Number(info[contextKey]) : undefined
    const modifiedAt = time(r.modified_at)
    return {
      name,
      family: r.details?.family ?? '',
      parameterSize: r.details?.parameter_size ?? '',
      quantization: r.details?.quantization_level ?? '',
      format: r.details?.format ?? '',
      template: r.template ?? '',
      parameters: r.parameters ?? '',
      license: r.license ?? '',
      system: r.system ?? '',
      capabilities: r.capabilities ?? [],
      ...(contextLength !== undefined && Number.isFinite(contextLength) ? { contextLength } : {}),
      ...(modifiedAt !== undefined ? { modifiedAt } : {}),
    }
  }

  async running(signal?: AbortSignal): Promise<RunningModel[]> {
    const response = await this.run({ action: 'running' }, (c) => c.ps(), signal)
    return (response.models ?? []).map((model) => {
      const expiresAt = time(model.expires_at)
      return {
        name: model.name || model.model,
        size: model.size ?? 0,
        sizeVram: model.size_vram ?? 0,
        parameterSize: model.details?.parameter_size ?? '',
        quantization: model.details?.quantization_level ?? '',
        // Ollama reports a far-future date for models kept loaded forever (keep_alive -1).
        ...(expiresAt !== undefined && expiresAt > 0 && expiresAt < Date.UTC(2200, 0) ? { expiresAt } : {}),
      }
    })
  }

  /** Asks Ollama to drop a loaded model now: a generate request with keep_alive 0 and no prompt. */
  async unload(name: string, signal?: AbortSignal): Promise<{ name: string; unloaded: boolean }> {
    await this.run({ action: 'unload', name }, (c) => c.generate({ model: name, prompt: '', keep_alive: 0, stream: false }), signal)
    return { name, unloaded: true }
  }

  async delete(name: string, confirm: boolean, signal?: AbortSignal): Promise<{ name: string; deleted: boolean }> {
    if (!confirm) {
      throw new AppError('E_VALIDATION', `Deleting ${name} needs a confirmation.`, {
        hint: 'Pass confirm: true (in the CLI: --yes). The model’s files are removed from disk.',
      })
    }
    await this.run({ action: 'delete', name }, (c) => c.delete({ model: name }), signal)
    return { name, deleted: true }
  }

  /**
   * Pulls with per-layer progress. Cancelling aborts only this pull's client. Ollama keeps the
   * partial blobs, so pulling the same name again resumes where it stopped.
   */
  async *pull(name: string, signal: AbortSignal): AsyncGenerator<PullEvent, { name: string; status: string }, void> {
    const host = this.host()
    // The caller's signal also reaches the first request: a server that never answers is cancellable.
    const client = this.client(false, signal)
    const onAbort = (): void => client.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    const progress = new PullProgress(this.options.now)
    let status = ''
    try {
      if (signal.aborted) throw new CancelledError('The pull was cancelled. Pull again to resume.')
      const stream = await client.pull({ model: name, stream: true })
      if (signal.aborted) stream.abort()
      for await (const line of stream as AsyncIterable<ProgressResponse>) {
        status = line.status
        yield progress.update(line)
      }
      if (signal.aborted) throw new CancelledError('The pull was cancelled. Pull again to resume.')
      return { name, status: status || 'success' }
    } catch (error) {
      if (signal.aborted) throw new CancelledError('The pull was cancelled. Pull again to resume.')
      throw mapOllamaError(error, { action: 'pull', name, host })
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  async recommended(signal?: AbortSignal): Promise<{ machine: Machine; models: RecommendedModel[] }> {
    const machine = await this.options.machine()
    // The list still helps when Ollama is down: nothing is marked installed then.
    const installed = await this.list(signal).then(
      (models) => new Set(models.map((model) => model.name)),
      () => new Set<string>(),
    )
    return { machine, models: recommend(machine, installed) }
  }
}
