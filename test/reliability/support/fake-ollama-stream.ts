import http from 'node:http'
import { listenOnLoopback } from '../../support/loopback-server'

export const MODEL = 'llama3.2:latest'

export interface StreamingOllama {
  host: string
  /** Chat requests received so far. */
  chats: number
  /**
   * The next chat replies send this many text lines, then keep the response open without ending
   * it (a model still generating) until the client goes away. `undefined`: every reply ends.
   */
  holdAfter: number | undefined
  close(): Promise<void>
}

/**
 * A stand-in Ollama on 127.0.0.1 speaking its real chat wire protocol (NDJSON `POST /api/chat`,
 * `/api/tags`, `/api/show`, `/api/version`): each reply is `tokens` text lines (`w0 w1 …`, one per
 * turn of the event loop), then the `done` line with counts, or, when `holdAfter` is set, a reply
 * that never finishes.
 */
export async function startStreamingOllama(tokens = 20): Promise<StreamingOllama> {
  const tag = {
    name: MODEL,
    model: MODEL,
    modified_at: '2025-06-01T10:00:00Z',
    size: 2_019_393_189,
    digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
    details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
  }
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }
  const state: StreamingOllama = { host: '', chats: 0, holdAfter: undefined, close: async () => undefined }
  const line = (content: string, done = false) =>
    `${JSON.stringify({ model: MODEL, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done, ...(done ? { done_reason: 'stop', prompt_eval_count: 12, eval_count: tokens } : {}) })}\n`

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const route = `${req.method} ${(req.url ?? '').split('?')[0]}`
      if (route === 'GET /api/version') return json(res, 200, { version: '0.12.6' })
      if (route === 'GET /api/tags') return json(res, 200, { models: [tag] })
      if (route === 'GET /api/ps') return json(res, 200, { models: [] })
      if (route === 'POST /api/show') {
        return json(res, 200, { modelfile: '', parameters: '', template: '{{ .Prompt }}', details: tag.details, model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 }, capabilities: ['completion'] })
      }
      if (route !== 'POST /api/chat') return json(res, 404, { error: '404 page not found' })
      state.chats++
      let body: { model?: string; stream?: boolean } = {}
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body
      } catch {
        return json(res, 400, { error: 'invalid JSON' })
      }
      if (body.model !== MODEL) return json(res, 404, { error: `model "${body.model}" not found, try pulling it first` })
      const words = Array.from({ length: tokens }, (_, i) => `w${i} `)
      if (body.stream === false) return json(res, 200, JSON.parse(line(words.join(''), true)) as unknown)
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      const hold = state.holdAfter
      if (hold !== undefined) {
        for (const word of words.slice(0, hold)) res.write(line(word))
        return // never ends: the companion is killed (or cancels) while the model "generates"
      }
      // One line per turn of the event loop, as a model generates: the companion sees a stream, not one chunk.
      let next = 0
      const write = (): void => {
        if (res.destroyed) return
        if (next === words.length) return void res.end(line('', true))
        res.write(line(words[next++]!))
        setImmediate(write)
      }
      write()
    })
  })
  const { port, close } = await listenOnLoopback(server)
  state.host = `127.0.0.1:${port}`
  state.close = () => {
    server.closeAllConnections()
    return close()
  }
  return state
}
