import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeServerBase, field, hang, ndjsonLine, streamFrames, writeJson, type Frame } from './sse'
import type { Fault, ScriptedReply } from './types'

/**
 * Ollama's native API as a chat provider sees it: NDJSON POST /api/chat (message.content,
 * message.thinking when `think` is asked, message.tool_calls, a final `done` line with counts),
 * GET /api/tags, GET /api/version, POST /api/show with a `capabilities` array.
 */

export interface OllamaFakeOptions {
  models?: string[]
  /** /api/show capabilities per model; models not listed answer ['completion']. */
  capabilities?: Record<string, string[]>
  contextLength?: number
  version?: string
}

const created = () => new Date().toISOString()

export class FakeOllamaChatServer extends FakeServerBase {
  private readonly options: OllamaFakeOptions

  constructor(options: OllamaFakeOptions = {}) {
    super(options.models ?? ['llama3.2:latest'])
    this.options = options
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    const isChat = req.method === 'POST' && path === '/api/chat'
    const fault = this.faults.take(isChat)
    if (this.answeredByFault(fault, res)) return
    if (req.method === 'GET' && path === '/api/version') return writeJson(res, 200, { version: this.options.version ?? '0.12.6' })
    if (req.method === 'GET' && path === '/api/tags') return writeJson(res, 200, { models: this.models.map((name) => this.tag(name)) })
    if (req.method === 'POST' && path === '/api/show') return this.show(res, body)
    if (isChat) return this.chat(res, body, fault)
    writeJson(res, 404, { error: '404 page not found' })
  }

  private answeredByFault(fault: Fault, res: ServerResponse): boolean {
    if (fault.kind === 'status') {
      writeJson(res, fault.status, { error: fault.message ?? `fake failure ${fault.status}` })
      return true
    }
    if (fault.kind === 'rate-limit') {
      writeJson(res, 429, { error: 'too many requests' }, { 'retry-after': String(fault.retryAfterSeconds) })
      return true
    }
    if (fault.kind === 'hang') {
      hang(res, this.countAbort)
      return true
    }
    return false
  }

  private tag(name: string) {
    return {
      name,
      model: name,
      modified_at: '2025-06-01T10:00:00Z',
      size: 2_019_393_189,
      digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
      details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
    }
  }

  private show(res: ServerResponse, body: unknown): void {
    const model = String(field(body, 'model') ?? field(body, 'name') ?? '')
    if (!this.models.includes(model)) return writeJson(res, 404, { error: `model '${model}' not found` })
    writeJson(res, 200, {
      modelfile: '',
      parameters: '',
      template: '{{ .Prompt }}',
      details: this.tag(model).details,
      model_info: { 'general.architecture': 'llama', 'llama.context_length': this.options.contextLength ?? 131072 },
      capabilities: this.options.capabilities?.[model] ?? ['completion'],
      modified_at: '2025-06-01T10:00:00Z',
    })
  }

  private async chat(res: ServerResponse, body: unknown, fault: Fault): Promise<void> {
    const model = String(field(body, 'model') ?? '')
    if (!this.models.includes(model)) return writeJson(res, 404, { error: `model "${model}" not found, try pulling it first` })
    const reply = this.nextReply()
    const frames = this.frames(model, reply, Boolean(field(body, 'think')))
    if (field(body, 'stream') === false) return writeJson(res, 200, JSON.parse(frames.at(-1)!.data) as unknown)
    await streamFrames(res, frames, {
      contentType: 'application/x-ndjson',
      fault,
      // A line cut short, as a proxy that truncates the body would leave it.
      malformed: `{"model":"${model}","created_at":"${created()}","message":{"role":"assistant","content":"tru\n`,
      delayMs: reply.chunkDelayMs ?? 0,
      onClientAbort: this.countAbort,
    })
  }

  private frames(model: string, reply: ScriptedReply, think: boolean): Frame[] {
    const line = (message: Record<string, unknown>): string => ndjsonLine({ model, created_at: created(), message: { role: 'assistant', content: '', ...message }, done: false })
    const frames: Frame[] = []
    // Ollama sends thinking only when the request asked for it.
    if (think) for (const thinking of reply.reasoning ?? []) frames.push({ kind: 'text', data: line({ thinking }) })
    for (const content of reply.text) frames.push({ kind: 'text', data: line({ content }) })
    if (reply.toolCall) {
      const { id, name, arguments: args } = reply.toolCall
      frames.push({ kind: 'text', data: line({ tool_calls: [{ id, function: { index: 0, name, arguments: args } }] }) })
    }
    const usage = reply.usage ?? { inputTokens: 12, outputTokens: reply.text.length }
    frames.push({
      kind: 'tail',
      data: ndjsonLine({
        model,
        created_at: created(),
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: this.takeFinish('stop'),
        total_duration: 120_000_000,
        load_duration: 10_000_000,
        prompt_eval_count: usage.inputTokens,
        prompt_eval_duration: 20_000_000,
        eval_count: usage.outputTokens,
        eval_duration: 90_000_000,
      }),
    })
    return frames
  }
}

export async function startFakeOllamaChat(options: OllamaFakeOptions = {}): Promise<FakeOllamaChatServer> {
  return new FakeOllamaChatServer(options).listen()
}
