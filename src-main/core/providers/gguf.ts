import { open } from 'node:fs/promises'
import path from 'node:path'
import { AppError, CancelledError, ValidationError } from '../errors'
import { ProviderServerError } from './errors'
import { mapTransportError } from './map-error'
import type { ChatChunk, ChatProvider, ChatRequest, ProbeResult, ProviderDeps, ProviderFactory, ProviderMessage, ProviderModel, ProviderUsage } from './types'

/**
 * The slice of node-llama-cpp (v3) this provider uses. The package is optional and not installed
 * with the app; it is imported only when a GGUF provider first answers.
 */
export type GgufHistoryItem = { type: 'system'; text: string } | { type: 'user'; text: string } | { type: 'model'; response: string[] }

export interface GgufPromptOptions {
  onTextChunk?: (text: string) => void
  signal?: AbortSignal
  temperature?: number
  maxTokens?: number
  topP?: number
  topK?: number
  seed?: number
  customStopTriggers?: string[]
}

export interface GgufChatSession {
  prompt(text: string, options?: GgufPromptOptions): Promise<string>
  setChatHistory?(history: GgufHistoryItem[]): void
}

export interface GgufContextSequence {
  /** Tokens this sequence evaluated and generated. */
  readonly tokenMeter?: { readonly usedInputTokens: number; readonly usedOutputTokens: number }
}

export interface GgufContext {
  getSequence(): GgufContextSequence
  dispose(): Promise<void>
}

export interface GgufModel {
  createContext(): Promise<GgufContext>
  tokenize?(text: string): readonly unknown[]
}

export interface GgufEngineModule {
  getLlama(): Promise<{ loadModel(options: { modelPath: string }): Promise<GgufModel> }>
  LlamaChatSession: new (options: { contextSequence: GgufContextSequence }) => GgufChatSession
}

/** Reads the start of a file (and whether it is one); throws ENOENT like fs does. */
export type ReadFileHead = (file: string, bytes: number) => Promise<{ isFile: boolean; head: Uint8Array }>

export interface GgufOptions {
  loadEngine?: () => Promise<GgufEngineModule>
  readHead?: ReadFileHead
}

/** Usage that was estimated rather than counted by the engine. */
export type GgufUsage = ProviderUsage & { estimated?: boolean }

const INSTALL_HINT = 'Install it next to the app with `npm install node-llama-cpp` (it downloads or builds llama.cpp for this machine), then restart Ollama Desk. Or run the file in Ollama, llama.cpp server or LM Studio and add that as a provider.'

async function importEngine(): Promise<GgufEngineModule> {
  // A variable specifier keeps bundlers and the type checker from resolving a package that is not installed.
  const specifier = 'node-llama-cpp'
  return (await import(/* @vite-ignore */ specifier)) as GgufEngineModule
}

const readHeadFromDisk: ReadFileHead = async (file, bytes) => {
  const handle = await open(file, 'r')
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) return { isFile: false, head: new Uint8Array() }
    const head = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(head, 0, bytes, 0)
    return { isFile: true, head: head.subarray(0, bytesRead) }
  } catch (error) {
    // Reading a directory fails with EISDIR on some systems instead of a stat that says so.
    if ((error as { code?: string }).code === 'EISDIR') return { isFile: false, head: new Uint8Array() }
    throw error
  } finally {
    await handle.close()
  }
}

function isMissingModule(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module) ['"]?node-llama-cpp/i.test(String((error as Error | null)?.message))
}

/** Turns the conversation into node-llama-cpp's history plus the user prompt that asks for the reply. */
export function toGgufTurns(messages: ProviderMessage[]): { history: GgufHistoryItem[]; prompt: string } {
  const last = messages.at(-1)
  if (!last || last.role !== 'user') throw new ValidationError('The conversation must end with a user message.', [], 'Send a message to get a reply.')
  const history = messages.slice(0, -1).flatMap((message): GgufHistoryItem[] => {
    if (message.role === 'system') return [{ type: 'system', text: message.content }]
    if (message.role === 'user') return [{ type: 'user', text: message.content }]
    if (message.role === 'assistant') return [{ type: 'model', response: [message.content] }]
    // Tool results have no place in a plain local chat; they are shown to the model as user text.
    return [{ type: 'user', text: `Result of ${message.toolName ?? 'a tool'}: ${message.content}` }]
  })
  return { history, prompt: last.content }
}

/** A local GGUF model file run in-process through node-llama-cpp: loaded once, on the first request. */
export class GgufProvider implements ChatProvider {
  readonly id: string
  readonly kind = 'gguf' as const
  private readonly name: string
  private readonly loadEngine: () => Promise<GgufEngineModule>
  private readonly readHead: ReadFileHead
  private readonly now: () => number
  private engine: Promise<GgufEngineModule> | null = null
  private loaded: Promise<{ engine: GgufEngineModule; model: GgufModel }> | null = null

  constructor(
    private readonly deps: ProviderDeps,
    options: GgufOptions = {},
  ) {
    this.id = deps.config.id
    this.name = deps.config.name || 'GGUF file'
    this.loadEngine = options.loadEngine ?? importEngine
    this.readHead = options.readHead ?? readHeadFromDisk
    this.now = deps.now ?? Date.now
  }

  /** The configured file, checked: it exists, is a file, and starts with the GGUF magic bytes. */
  async checkFile(): Promise<string> {
    const file = this.deps.config.modelPath?.trim()
    if (!file) throw new ValidationError('No GGUF model file is chosen for this provider.', [], 'Pick a .gguf file in Providers & Health.')
    let head: { isFile: boolean; head: Uint8Array }
    try {
      head = await this.readHead(file, 4)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'ENOENT') throw new ValidationError(`The model file ${file} does not exist.`, [], 'Pick the .gguf file again; it may have been moved or deleted.')
      throw new ValidationError(`The model file ${file} could not be read (${code ?? 'unknown error'}).`, [], 'Check that the file is readable by your user.')
    }
    if (!head.isFile) throw new ValidationError(`${file} is not a file.`, [], 'Pick a .gguf model file, not a folder.')
    if (Buffer.from(head.head).toString('latin1') !== 'GGUF') {
      throw new ValidationError(`${file} is not a GGUF model file (it does not start with "GGUF").`, [], 'Download the model in GGUF format (e.g. from a -GGUF repository on Hugging Face).')
    }
    return file
  }

  private engineModule(): Promise<GgufEngineModule> {
    this.engine ??= this.loadEngine().catch((error: unknown) => {
      this.engine = null
      if (isMissingModule(error)) throw new AppError('E_UNSUPPORTED', 'Local GGUF files need node-llama-cpp, which is not installed.', { hint: INSTALL_HINT, cause: error })
      throw new AppError('E_UNSUPPORTED', 'node-llama-cpp could not be loaded on this machine.', { hint: INSTALL_HINT, cause: error })
    })
    return this.engine
  }

  /** Loads the model once and keeps it; a failed load is retried on the next request. */
  private load(): Promise<{ engine: GgufEngineModule; model: GgufModel }> {
    this.loaded ??= (async () => {
      const modelPath = await this.checkFile()
      const engine = await this.engineModule()
      const llama = await engine.getLlama()
      return { engine, model: await llama.loadModel({ modelPath }) }
    })().catch((error: unknown) => {
      this.loaded = null
      throw error
    })
    return this.loaded
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
    if (signal.aborted) throw mapTransportError(this.name, signal.reason, signal)
    if (request.messages.some((message) => message.images?.length)) {
      throw new AppError('E_UNSUPPORTED', 'This local model cannot look at pictures.', { hint: 'Send the message without the picture, or pick a model with vision.' })
    }
    const { history, prompt } = toGgufTurns(request.messages)
    const { engine, model } = await this.load()
    const context = await model.createContext()
    const stop = new AbortController()
    const onAbort = () => stop.abort(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    const queue: string[] = []
    let wake: (() => void) | undefined
    let settled = false
    let failure: unknown
    let answer = ''
    try {
      const sequence = context.getSequence()
      const session = new engine.LlamaChatSession({ contextSequence: sequence })
      session.setChatHistory?.(history)
      const run = session
        .prompt(prompt, {
          onTextChunk: (text) => {
            queue.push(text)
            wake?.()
          },
          signal: stop.signal,
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
          ...(request.topP === undefined ? {} : { topP: request.topP }),
          ...(request.topK === undefined ? {} : { topK: request.topK }),
          ...(request.seed === undefined ? {} : { seed: request.seed }),
          ...(request.stop?.length ? { customStopTriggers: request.stop } : {}),
        })
        .then(
          (text) => {
            answer = text
          },
          (error: unknown) => {
            failure = error
          },
        )
        .finally(() => {
          settled = true
          wake?.()
        })
      for (;;) {
        const text = queue.shift()
        if (text !== undefined) {
          if (text) yield { type: 'text', text }
          continue
        }
        if (settled) break
        await new Promise<void>((resolve) => {
          wake = resolve
          if (queue.length > 0 || settled) resolve()
        })
        wake = undefined
      }
      await run
      if (signal.aborted) throw mapTransportError(this.name, failure ?? signal.reason, signal)
      if (failure !== undefined) throw new ProviderServerError(this.name, undefined, { cause: failure, hint: 'The local engine stopped with an error; the log has the details. Large models may need more memory.' })
      yield { type: 'usage', usage: this.usageOf(model, sequence, [...history.map(textOf), prompt].join('\n'), answer) }
      yield { type: 'done', finishReason: 'stop' }
    } finally {
      signal.removeEventListener('abort', onAbort)
      // A consumer that stops reading also stops the engine.
      if (!settled) stop.abort(new CancelledError('Stopped.'))
      await context.dispose().catch(() => undefined)
    }
  }

  private usageOf(model: GgufModel, sequence: GgufContextSequence, input: string, output: string): GgufUsage {
    const meter = sequence.tokenMeter
    if (meter && meter.usedInputTokens + meter.usedOutputTokens > 0) return { inputTokens: meter.usedInputTokens, outputTokens: meter.usedOutputTokens }
    if (model.tokenize) return { inputTokens: model.tokenize(input).length, outputTokens: model.tokenize(output).length }
    return { inputTokens: Math.ceil(input.length / 4), outputTokens: Math.ceil(output.length / 4), estimated: true }
  }

  async listModels(): Promise<ProviderModel[]> {
    const file = await this.checkFile()
    const id = path.basename(file).replace(/\.gguf$/i, '')
    return [{ id, name: id, capabilities: { tools: false, vision: false, reasoning: false, contextWindow: null }, price: { inputPerMTok: 0, outputPerMTok: 0 } }]
  }

  /** Ready when the file is a GGUF file and the engine can be imported (the model itself loads on first use). */
  async probe(): Promise<ProbeResult> {
    const started = this.now()
    try {
      await this.checkFile()
      await this.engineModule()
      return { ok: true, latencyMs: this.now() - started }
    } catch (error) {
      return { ok: false, latencyMs: null, error: error instanceof AppError ? error : new ProviderServerError(this.name, undefined, { cause: error }) }
    }
  }
}

function textOf(item: GgufHistoryItem): string {
  return item.type === 'model' ? item.response.join('') : item.text
}

export function createGgufProviderFactory(options: GgufOptions = {}): ProviderFactory {
  return (deps) => new GgufProvider(deps, options)
}

export const createGgufProvider: ProviderFactory = createGgufProviderFactory()
