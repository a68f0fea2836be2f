/**
 * A loopback stand-in for OpenAI's audio endpoints, spoken to by the real `openai` SDK:
 * POST /v1/audio/transcriptions (multipart: file, model, language, response_format) and
 * POST /v1/audio/speech (JSON: model, voice, input, response_format → audio bytes).
 * It records what it received and can answer with an OpenAI-style error status.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TranscriptionRequest {
  model: string
  language: string | null
  responseFormat: string | null
  fileName: string
  fileType: string
  file: Buffer
  authorization: string | undefined
}

export interface SpeechRequest {
  model: string
  voice: string
  input: string
  responseFormat: string | undefined
  speed: number | undefined
}

export interface OpenAiAudioFake {
  /** Base URL including /v1, as a provider's baseUrl. */
  url: string
  transcriptions: TranscriptionRequest[]
  speeches: SpeechRequest[]
  /** What the next transcriptions return; defaults to a fixed sentence. */
  transcript: string
  /** Fake MP3 bytes the speech endpoint returns. */
  speechAudio: Buffer
  /** Answer the next `times` requests with this HTTP status and an OpenAI error body. */
  failWith(status: number, times?: number): void
  close(): Promise<void>
}

const ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of req) parts.push(part as Buffer)
  return Buffer.concat(parts)
}

export async function startOpenAiAudioFake(): Promise<OpenAiAudioFake> {
  let failure: { status: number; times: number } | undefined
  const fake: Omit<OpenAiAudioFake, 'url' | 'close'> = {
    transcriptions: [],
    speeches: [],
    transcript: 'hello world, this is a dictation test',
    // An MPEG frame header followed by padding: enough for a client to tell it is MP3.
    speechAudio: Buffer.concat([Buffer.from([0xff, 0xf3, 0x44, 0xc4]), Buffer.alloc(412, 0x55)]),
    failWith(status, times = 1) {
      failure = { status, times }
    },
  }
  const fail = (res: ServerResponse, status: number): void => {
    const error = ERRORS[status] ?? { type: 'error', code: null, message: `HTTP ${status}` }
    res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '2' } : {}) })
    res.end(JSON.stringify({ error: { ...error, param: null } }))
  }
  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await body(req)
      if (failure && failure.times > 0) {
        failure.times--
        fail(res, failure.status)
        return
      }
      if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
        const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData()
        const file = form.get('file')
        if (!(file instanceof Blob)) return void fail(res, 400)
        fake.transcriptions.push({
          model: String(form.get('model')),
          language: form.get('language') as string | null,
          responseFormat: form.get('response_format') as string | null,
          fileName: (file as File).name,
          fileType: file.type,
          file: Buffer.from(await file.arrayBuffer()),
          authorization: req.headers.authorization,
        })
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ text: fake.transcript }))
        return
      }
      if (req.method === 'POST' && req.url === '/v1/audio/speech') {
        const json = JSON.parse(raw.toString('utf8')) as { model: string; voice: string; input: string; response_format?: string; speed?: number }
        fake.speeches.push({ model: json.model, voice: json.voice, input: json.input, responseFormat: json.response_format, speed: json.speed })
        res.writeHead(200, { 'content-type': 'audio/mpeg' })
        res.end(fake.speechAudio)
        return
      }
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error', code: null, param: null } }))
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  })
}
