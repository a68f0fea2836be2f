// A stand-in Ollama on loopback that speaks the real wire protocol ollama-js uses for model
// management, with fault injection. Plain erasable TypeScript (node --test runs it as is; vitest
// imports it through test/support/fake-ollama-api.ts).
import { createHash } from 'node:crypto'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeModel {
  name: string
  size: number
  family?: string
  parameterSize?: string
  quantization?: string
  modifiedAt?: string
  template?: string
  parameters?: string
  license?: string
  capabilities?: string[]
}

export interface RegistryModel {
  name: string
  /** Layer sizes in bytes; each becomes a blob with a sha256 digest. */
  layers: number[]
  /** Progress lines per layer. */
  steps?: number
  /** Pause between progress lines (ms). */
  stepMs?: number
}

/** One-shot faults, keyed by model name: consumed by the next pull of that name. */
export type Fault = { kind: 'hang' } | { kind: 'disconnect'; afterLines: number } | { kind: 'error'; status: number; error: string }

export interface FakeOllamaApiOptions {
  version?: string
  models?: FakeModel[]
  running?: string[]
  registry?: RegistryModel[]
}

export interface FakeOllamaApi {
  url: string
  host: string
  port: number
  /** `METHOD /path` of every request, in order. */
  requests: string[]
  models: Map<string, FakeModel>
  running: Set<string>
  faults: Map<string, Fault>
  /** Bytes already downloaded per blob digest (what a re-pull resumes from). */
  partial: Map<string, number>
  close(): Promise<void>
}

const digestOf = (name: string, index: number): string => `sha256:${createHash('sha256').update(`${name}#${index}`).digest('hex')}`
const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`)

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>
  } catch {
    return {}
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export async function startFakeOllamaApi(options: FakeOllamaApiOptions = {}): Promise<FakeOllamaApi> {
  const requests: string[] = []
  const models = new Map<string, FakeModel>((options.models ?? []).map((m) => [withTag(m.name), { ...m, name: withTag(m.name) }]))
  const running = new Set<string>((options.running ?? []).map(withTag))
  const registry = new Map<string, RegistryModel>((options.registry ?? []).map((m) => [withTag(m.name), m]))
  const faults = new Map<string, Fault>()
  const partial = new Map<string, number>()

  const tagsEntry = (m: FakeModel) => ({
    name: m.name,
    model: m.name,
    modified_at: m.modifiedAt ?? '2025-10-01T12:00:00.000000+02:00',
    size: m.size,
    digest: createHash('sha256').update(m.name).digest('hex'),
    details: {
      parent_model: '',
      format: 'gguf',
      family: m.family ?? 'llama',
      families: [m.family ?? 'llama'],
      parameter_size: m.parameterSize ?? '3.2B',
      quantization_level: m.quantization ?? 'Q4_K_M',
    },
  })

  async function pull(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const fault = faults.get(name)
    if (fault) faults.delete(name)
    if (fault?.kind === 'hang') return // never answers; the client must cancel
    if (fault?.kind === 'error') return json(res, fault.status, { error: fault.error })
    const entry = registry.get(name)
    if (!entry) return json(res, 404, { error: 'pull model manifest: file does not exist' })
    let closed = false
    res.on('close', () => (closed = true))
    res.writeHead(200, { 'content-type': 'application/x-ndjson' })
    let lines = 0
    const send = async (line: object): Promise<boolean> => {
      if (closed) return false
      if (fault?.kind === 'disconnect' && lines >= fault.afterLines) {
        closed = true
        req.socket.destroy()
        return false
      }
      res.write(`${JSON.stringify(line)}\n`)
      lines++
      if (entry.stepMs) await sleep(entry.stepMs)
      return !closed
    }
    if (!(await send({ status: 'pulling manifest' }))) return
    const steps = entry.steps ?? 4
    for (const [index, total] of entry.layers.entries()) {
      const digest = digestOf(entry.name, index)
      let completed = Math.min(partial.get(digest) ?? 0, total)
      const status = `pulling ${digest.slice(7, 19)}`
      if (!(await send({ status, digest, total, completed }))) return
      while (completed < total) {
        completed = Math.min(total, completed + Math.ceil(total / steps))
        if (!(await send({ status, digest, total, completed }))) return
        partial.set(digest, completed)
      }
    }
    for (const status of ['verifying sha256 digest', 'writing manifest', 'success']) {
      if (status === 'success') {
        models.set(name, { name, size: entry.layers.reduce((a, b) => a + b, 0), modifiedAt: new Date().toISOString() })
      }
      if (!(await send({ status }))) return
    }
    res.end()
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = `${req.method} ${req.url}`
    if (route === 'GET /api/version') return json(res, 200, { version: options.version ?? '0.12.6' })
    if (route === 'GET /api/tags') return json(res, 200, { models: [...models.values()].map(tagsEntry) })
    if (route === 'GET /api/ps') {
      const loaded = [...running].flatMap((name) => {
        const m = models.get(name)
        return m ? [{ ...tagsEntry(m), expires_at: '2318-01-01T00:00:00Z', size_vram: Math.round(m.size * 0.8) }] : []
      })
      return json(res, 200, { models: loaded })
    }
    const body = req.method === 'POST' || req.method === 'DELETE' ? await readJson(req) : {}
    const name = withTag(String(body.model ?? body.name ?? ''))
    if (route === 'POST /api/pull') return pull(req, res, name)
    const model = models.get(name)
    if (route === 'POST /api/show') {
      if (!model) return json(res, 404, { error: `model '${body.model ?? body.name}' not found` })
      return json(res, 200, {
        license: model.license ?? 'LLAMA 3.2 COMMUNITY LICENSE AGREEMENT',
        modelfile: `FROM ${model.name}`,
        parameters: model.parameters ?? 'stop                           "<|eot_id|>"\ntemperature                    0.6',
        template: model.template ?? '{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}',
        details: tagsEntry(model).details,
        model_info: { 'general.architecture': model.family ?? 'llama', 'llama.context_length': 131072 },
        capabilities: model.capabilities ?? ['completion', 'tools'],
        modified_at: model.modifiedAt ?? '2025-10-01T12:00:00.000000+02:00',
      })
    }
    if (route === 'DELETE /api/delete') {
      if (!model) return json(res, 404, { error: `model '${body.name}' not found` })
      models.delete(name)
      running.delete(name)
      res.writeHead(200)
      return void res.end()
    }
    if (route === 'POST /api/generate') {
      if (!model) return json(res, 404, { error: `model "${body.model}" not found, try pulling it first` })
      if (body.keep_alive === 0) running.delete(name)
      else running.add(name)
      return json(res, 200, { model: name, created_at: new Date().toISOString(), response: '', done: true, done_reason: body.keep_alive === 0 ? 'unload' : 'load' })
    }
    if (route === 'POST /api/chat') {
      if (!model) return json(res, 404, { error: `model "${body.model}" not found, try pulling it first` })
      running.add(name)
      const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : []
      const prompt = String(messages.at(-1)?.content ?? '')
      const message = { role: 'assistant', content: `Hello! I am ${name}, running locally. You said: ${prompt}` }
      const reply = { model: name, created_at: new Date().toISOString(), message, done: true, done_reason: 'stop' }
      if (body.stream !== false) {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' })
        return void res.end(`${JSON.stringify(reply)}\n`)
      }
      return json(res, 200, reply)
    }
    res.writeHead(404, { 'content-type': 'text/plain' })
    res.end('404 page not found')
  }

  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    models,
    running,
    faults,
    partial,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
