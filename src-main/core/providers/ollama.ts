import { Ollama, type ChatRequest as OllamaChatRequest, type ChatResponse, type Message, type ShowResponse, type Tool } from 'ollama/browser'
import { AppError, CancelledError, NetworkError, ValidationError } from '../errors'
import { normalizeOllamaHost, probeOllama } from '../ollama'
import { capabilityHints, withKnown } from './capabilities'
import { BadResponseError } from './errors'
import { mapHttpFailure, mapTransportError } from './map-error'
import { OllamaPool } from './ollama-pool'
import { requestFetch } from './sdk-fetch'
import { argumentsObject } from './tool-arguments'
import type { ChatChunk, ChatProvider, ChatRequest, FinishReason, ProbeResult, ProviderDeps, ProviderFactory, ProviderMessage, ProviderModel, ProviderToolCall } from './types'

/**
 * Ollama through ollama-js, over a pool of servers (config.baseUrl plus config.hosts). A chat
 * goes to the least busy reachable server that has the model (see ./ollama-pool.ts); a server
 * that cannot be reached, or does not have the model, before the first token is passed over.
 */

export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434'
/** Asking /api/show for every model costs one request each; past this many, names decide. */
const SHOW_LIMIT = 24
const FREE = { inputPerMTok: 0, outputPerMTok: 0 }
/** A chat waits at most this long for stale model lists before it picks a server anyway. */
const INVENTORY_WAIT_MS = 1500

export const createOllamaProvider: ProviderFactory = (deps) => new OllamaProvider(deps)

function poolOf(deps: ProviderDeps): string[] {
  const typed = [deps.config.baseUrl?.trim() || DEFAULT_OLLAMA_URL, ...(deps.config.hosts ?? []).filter((h) => h.trim())]
  return [...new Set(typed.map((host) => normalizeOllamaHost(host)))]
}

class OllamaProvider implements ChatProvider {
  readonly kind = 'ollama' as const
  readonly id: string
  private readonly deps: ProviderDeps
  private readonly name: string
  private readonly pool: OllamaPool
  private readonly configError: AppError | undefined
  private inventorying: Promise<void> | undefined

  constructor(deps: ProviderDeps) {
    this.deps = deps
    this.id = deps.config.id
    this.name = deps.config.name
    let pool: string[] = []
    try {
      pool = poolOf(deps)
    } catch (error) {
      this.configError = error instanceof AppError ? error : new ValidationError(String(error))
    }
    this.pool = new OllamaPool(pool, deps.now ? { now: deps.now } : {})
  }

  /** Refreshes model lists that are out of date, waiting for them a short while at most. */
  private async ready(): Promise<void> {
    if (this.configError) throw this.configError
    let timer: ReturnType<typeof setTimeout> | undefined
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, INVENTORY_WAIT_MS)))
    await Promise.race([this.inventory(), waited]).finally(() => clearTimeout(timer))
  }

  /** /api/tags and /api/ps of every server whose list is out of date; one refresh at a time. */
  private inventory(): Promise<void> {
    const stale = this.pool.stale()
    if (stale.length === 0) return Promise.resolve()
    this.inventorying ??= Promise.allSettled(stale.map((host) => this.inventoryOf(host))).then(() => void (this.inventorying = undefined))
    return this.inventorying
  }

  private async inventoryOf(host: string): Promise<void> {
    const client = new Ollama({ host, fetch: requestFetch(this.deps.fetch, { timeoutMs: Math.min(this.deps.config.timeoutMs, 5000) }) })
    const [list, ps] = await Promise.allSettled([client.list(), client.ps()])
    if (list.status === 'fulfilled') this.pool.setModels(host, (list.value.models ?? []).map((m) => m.name || m.model))
    else if (this.mapError(list.reason, '', undefined, undefined).code === 'E_NETWORK') this.pool.markDown(host)
    this.pool.setLoaded(host, ps.status === 'fulfilled' ? (ps.value.models ?? []).map((m) => m.name || m.model) : undefined)
  }

  /** One client per request: ollama-js's abort() stops every stream of a client, not just one. */
  private client(host: string, signal: AbortSignal | undefined, onResponse?: (r: Response) => void): Ollama {
    return new Ollama({ host, fetch: requestFetch(this.deps.fetch, { signal, timeoutMs: this.deps.config.timeoutMs, onResponse }) })
  }

  private mapError(error: unknown, model: string, signal: AbortSignal | undefined, response: Response | undefined): AppError {
    if (signal?.aborted || error instanceof AppError) return mapTransportError(this.name, error, signal)
    // Before mapTransportError, whose network pattern also matches "Unterminated string in JSON".
    if (error instanceof SyntaxError) return new BadResponseError(this.name, 'malformed data', { cause: error })
    if (error instanceof Error && error.name === 'ResponseError') {
      const { status_code: status, error: message } = error as Error & { status_code: number; error: string }
      return mapHttpFailure(this.name, model, { status, message, headers: response?.headers })
    }
    return mapTransportError(this.name, error, signal)
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk> {
    let notFound: AppError | undefined
    let unreachable: AppError | undefined
    await this.ready()
    // Order and count in one synchronous step, so concurrent chats see each other's load.
    for (const host of this.pool.order(request.model)) {
      let started = false
      const release = this.pool.begin(host)
      try {
        for await (const chunk of this.chatOn(host, request, signal)) {
          started = true
          yield chunk
        }
        this.pool.served(host, request.model)
        return
      } catch (error) {
        const mapped = error as AppError
        if (started || signal.aborted) throw mapped
        if (mapped.code === 'E_NETWORK') {
          this.pool.markDown(host)
          unreachable ??= mapped
        } else if (mapped.code === 'E_MODEL_NOT_FOUND') {
          this.pool.forgetModel(host, request.model)
          notFound ??= mapped
        } else {
          throw mapped
        }
      } finally {
        release()
      }
    }
    // A server that answered "no such model" says more than one that did not answer.
    throw notFound ?? unreachable ?? new NetworkError(`No Ollama server is configured for ${this.name}.`)
  }

  private async *chatOn(host: string, request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
    let response: Response | undefined
    const client = this.client(host, signal, (r) => (response = r))
    // The fetch signal covers the wait for headers; abort() ends the body stream of this client.
    const onAbort = () => client.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      if (signal.aborted) throw new CancelledError('Stopped.')
      const stream = await client.chat({ ...toOllamaRequest(request), stream: true })
      let calls = 0
      let last: ChatResponse | undefined
      for await (const part of stream) {
        // Lines that arrived in the same read as the one before Stop must not reach the user.
        if (signal.aborted) throw new CancelledError('Stopped.')
        if (typeof part !== 'object' || part === null || typeof part.message !== 'object' || part.message === null) {
          throw new BadResponseError(this.name, 'a chunk without a message')
        }
        const { message } = part
        if (message.thinking) yield { type: 'reasoning', text: message.thinking }
        if (message.content) yield { type: 'text', text: message.content }
        for (const call of message.tool_calls ?? []) {
          calls++
          yield { type: 'tool_call', call: fromOllamaCall(call) }
        }
        if (part.done) last = part
      }
      if (signal.aborted) throw new CancelledError('Stopped.')
      if (!last) throw new BadResponseError(this.name, 'the reply ended without its final line')
      yield { type: 'usage', usage: { inputTokens: last.prompt_eval_count ?? 0, outputTokens: last.eval_count ?? 0 } }
      yield { type: 'done', finishReason: finishOf(last.done_reason, calls) }
    } catch (error) {
      throw this.mapError(error, request.model, signal, response)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  async listModels(signal?: AbortSignal): Promise<ProviderModel[]> {
    if (this.configError) throw this.configError
    const results = await Promise.allSettled(this.pool.order('').map((host) => this.listOn(host, signal)))
    const models = new Map<string, ProviderModel>()
    for (const result of results) if (result.status === 'fulfilled') for (const model of result.value) if (!models.has(model.id)) models.set(model.id, model)
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (models.size === 0 && failure) throw failure.reason as AppError
    return [...models.values()]
  }

  private async listOn(host: string, signal: AbortSignal | undefined): Promise<ProviderModel[]> {
    try {
      const { models } = await this.client(host, signal).list()
      const names = (models ?? []).map((m) => m.name || m.model)
      this.pool.setModels(host, names)
      const shows = names.length <= SHOW_LIMIT ? await Promise.all(names.map((name) => this.client(host, signal).show({ model: name }).catch(() => undefined))) : []
      return names.flatMap((name, i) => {
        const show = shows[i]
        if (show?.capabilities?.includes('embedding') && !show.capabilities.includes('completion')) return []
        return [{ id: name, name, capabilities: show ? capabilitiesOf(name, show) : capabilityHints(name), price: FREE }]
      })
    } catch (error) {
      const mapped = this.mapError(error, '', signal, undefined)
      if (mapped.code === 'E_NETWORK') this.pool.markDown(host)
      throw mapped
    }
  }

  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    if (this.configError) return { ok: false, latencyMs: null, hosts: [], error: this.configError }
    const timeoutMs = Math.min(this.deps.config.timeoutMs, 5000)
    const probed = await Promise.all(
      this.pool.urls.map(async (url) => {
        const status = await probeOllama(url, { fetch: this.deps.fetch, timeoutMs, signal, ...(this.deps.now ? { now: this.deps.now } : {}) })
        if (status.reachable) this.pool.markUp(url)
        else this.pool.markDown(url)
        return { url, up: status.reachable, latencyMs: status.latencyMs ?? null, ...(status.error ? { error: status.error } : {}) }
      }),
    )
    if (!signal?.aborted) await this.inventory()
    // Our own chats per server and how many models each lists, for the health card.
    const view = this.pool.view()
    const hosts = probed.map((row, i) => ({ ...row, inFlight: view[i]?.inFlight ?? 0, models: view[i]?.models ?? null }))
    const up = hosts.filter((h) => h.up)
    if (up.length > 0) return { ok: true, latencyMs: Math.min(...up.map((h) => h.latencyMs ?? Number.POSITIVE_INFINITY)), hosts }
    if (signal?.aborted) return { ok: false, latencyMs: null, hosts, error: new CancelledError('Stopped.') }
    const detail = hosts.map((h) => `${h.url}: ${h.error ?? 'down'}`).join('; ')
    return { ok: false, latencyMs: null, hosts, error: new NetworkError(`Could not reach ${this.name}.`, { hint: `Is Ollama running? ${detail}` }) }
  }
}

function toOllamaRequest(request: ChatRequest): Omit<OllamaChatRequest, 'stream'> {
  const options: OllamaChatRequest['options'] = {}
  if (request.temperature !== undefined) options.temperature = request.temperature
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens
  if (request.topP !== undefined) options.top_p = request.topP
  if (request.topK !== undefined) options.top_k = request.topK
  if (request.contextLength !== undefined) options.num_ctx = request.contextLength
  if (request.seed !== undefined) options.seed = request.seed
  if (request.stop?.length) options.stop = request.stop
  // An effort level is what gpt-oss takes; other thinking models treat it as "think".
  const think = request.reasoningEffort ?? (request.reasoning ? true : undefined)
  return {
    model: request.model,
    messages: request.messages.map(toOllamaMessage),
    ...(request.tools?.length ? { tools: request.tools.map((t): Tool => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters as Tool['function']['parameters'] } })) } : {}),
    ...(Object.keys(options).length ? { options } : {}),
    ...(request.keepAlive !== undefined ? { keep_alive: request.keepAlive } : {}),
    ...(think !== undefined ? { think } : {}),
  }
}

function toOllamaMessage(message: ProviderMessage): Message {
  const out: Message = { role: message.role, content: message.content }
  if (message.images?.length) out.images = message.images.map((image) => image.data)
  if (message.toolCalls?.length) out.tool_calls = message.toolCalls.map((call) => ({ function: { name: call.name, arguments: argumentsObject(call.arguments) } }))
  if (message.role === 'tool' && message.toolName) out.tool_name = message.toolName
  return out
}

function fromOllamaCall(call: { function: { name: string; arguments: Record<string, unknown> }; id?: string }): ProviderToolCall {
  return { ...(call.id ? { id: call.id } : {}), name: call.function.name, arguments: call.function.arguments ?? {} }
}

function finishOf(reason: string | undefined, calls: number): FinishReason {
  if (reason === 'length') return 'length'
  if (calls > 0) return 'tool_calls'
  return reason === 'stop' ? 'stop' : 'other'
}

function capabilitiesOf(name: string, show: ShowResponse) {
  const caps = show.capabilities ?? []
  const info = (show.model_info ?? {}) as unknown as Record<string, unknown>
  const key = Object.keys(info).find((k) => k.endsWith('.context_length'))
  const context = key ? Number(info[key]) : NaN
  return withKnown(name, {
    tools: caps.includes('tools'),
    vision: caps.includes('vision'),
    reasoning: caps.includes('thinking'),
    contextWindow: Number.isFinite(context) && context > 0 ? context : undefined,
  })
}
