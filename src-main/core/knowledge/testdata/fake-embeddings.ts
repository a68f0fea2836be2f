import { createHash } from 'node:crypto'
import http from 'node:http'
import { listenOnLoopback } from '../../../../test/support/loopback-server'

export const FAKE_DIMENSIONS = 256

/** Words as the fake sees them: lowercase letters and digits, a plural "s" dropped, short and common words left out. */
const STOP = new Set(['the', 'and', 'for', 'are', 'was', 'what', 'which', 'who', 'how', 'does', 'with', 'that', 'this', 'from', 'into', 'its', 'has', 'have', 'our', 'your', 'when', 'where', 'why', 'can', 'you', 'they', 'there', 'their', 'about', 'use', 'used'])
export const fakeWords = (text: string): string[] =>
  (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length > 2 && !STOP.has(w)).map((w) => (w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w))

/** A deterministic vector: a hashed bag of words (each word adds ±1 to one of 256 slots). */
export function hashedBagOfWords(text: string, dimensions = FAKE_DIMENSIONS): number[] {
  const v: number[] = Array.from({ length: dimensions }, () => 0)
  for (const word of fakeWords(text)) {
    const h = createHash('md5').update(word).digest()
    v[h.readUInt32LE(0) % dimensions]! += h[4]! & 1 ? 1 : -1
  }
  if (!v.some((x) => x !== 0)) v[0] = 1e-3
  return v
}

export interface FakeEmbeddings {
  url: string
  /** Requests answered, and texts embedded, per wire protocol. */
  calls: { ollama: number; openai: number; texts: number }
  /** Every text embedded, in order (to check what was and was not embedded again). */
  embedded: string[]
  /** The Authorization header of each request ('' when none). */
  authorizations: string[]
  /** The next requests fail with this status (cleared by setting undefined). */
  failWith: number | undefined
  /** Requests wait until this resolves (a stuck model), when set. */
  gate: Promise<void> | undefined
  close(): Promise<void>
}

/**
 * A loopback server speaking Ollama's POST /api/embed and OpenAI's POST /v1/embeddings exactly as
 * the real SDKs send and read them, with hashed bag-of-words vectors.
 */
export async function startFakeEmbeddings(): Promise<FakeEmbeddings> {
  const state: FakeEmbeddings = { url: '', calls: { ollama: 0, openai: 0, texts: 0 }, embedded: [], authorizations: [], failWith: undefined, gate: undefined, close: async () => {} }
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (part: Buffer) => parts.push(part))
    req.on('end', () => {
      void (async () => {
        if (state.gate) await state.gate
        state.authorizations.push(req.headers.authorization ?? '')
        const body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as { model?: string; input?: string | string[] }
        const inputs = typeof body.input === 'string' ? [body.input] : (body.input ?? [])
        const send = (status: number, value: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' })
          res.end(JSON.stringify(value))
        }
        if (state.failWith) return send(state.failWith, req.url === '/api/embed' ? { error: `model "${body.model}" not found, try pulling it first` } : { error: { message: 'failure', type: 'server_error' } })
        state.calls.texts += inputs.length
        state.embedded.push(...inputs)
        if (req.method === 'POST' && req.url === '/api/embed') {
          state.calls.ollama++
          return send(200, { model: body.model, embeddings: inputs.map((text) => hashedBagOfWords(text)), total_duration: 1, load_duration: 0, prompt_eval_count: inputs.length })
        }
        if (req.method === 'POST' && req.url === '/v1/embeddings') {
          state.calls.openai++
          return send(200, { object: 'list', model: body.model, data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: hashedBagOfWords(text) })), usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } })
        }
        send(404, { error: 'not found' })
      })()
    })
  })
  const listening = await listenOnLoopback(server)
  state.url = `http://127.0.0.1:${listening.port}`
  state.close = listening.close
  return state
}
