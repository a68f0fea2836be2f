// The `ollama` the e2e release server ships: a plain Node script (run by this Node, by its
// shebang) answering `--version` and, for `serve`, the API the wizard uses on OLLAMA_HOST:
// version, tags, ps, show, pull (NDJSON progress) and chat. Erasable TS, run as is by node --test.
import { randomBytes } from 'node:crypto'
import zlib from 'node:zlib'
import { buildTar } from '../src-main/core/installer/testdata/release-server.ts'

export const STANDIN_VERSION = '0.12.6-standin'

export const standinScript = (): string => `#!${process.execPath}
const http = require('node:http')
const crypto = require('node:crypto')
const args = process.argv.slice(2)
if (args[0] === '--version' || args[0] === '-v') { console.log('ollama version is ${STANDIN_VERSION}'); process.exit(0) }
if (args[0] !== 'serve') { console.error('usage: ollama serve'); process.exit(2) }
const hostPort = (process.env.OLLAMA_HOST || '127.0.0.1:11434').replace(/^https?:\\/\\//, '')
const [host, port] = hostPort.split(':')
const models = new Map()
const withTag = (name) => (name.includes(':') ? name : name + ':latest')
const entry = (m) => ({ name: m.name, model: m.name, modified_at: m.modified, size: m.size, digest: crypto.createHash('sha256').update(m.name).digest('hex'),
  details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' } })
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const json = (res, status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)) }
async function body(req) { const chunks = []; for await (const c of req) chunks.push(c); try { return JSON.parse(Buffer.concat(chunks).toString() || '{}') } catch { return {} } }
async function pull(res, name) {
  let closed = false
  res.on('close', () => (closed = true))
  res.writeHead(200, { 'content-type': 'application/x-ndjson' })
  const send = (line) => res.write(JSON.stringify(line) + '\\n')
  send({ status: 'pulling manifest' })
  const layers = [2019393189, 12000, 485]
  for (const [i, total] of layers.entries()) {
    const digest = 'sha256:' + crypto.createHash('sha256').update(name + i).digest('hex')
    const steps = i === 0 ? 30 : 2
    for (let s = 0; s <= steps; s++) {
      if (closed) return
      send({ status: 'pulling ' + digest.slice(7, 19), digest, total, completed: Math.round((total * s) / steps) })
      await sleep(i === 0 ? 80 : 10)
    }
  }
  models.set(name, { name, size: layers.reduce((a, b) => a + b, 0), modified: new Date().toISOString() })
  for (const status of ['verifying sha256 digest', 'writing manifest', 'success']) send({ status })
  res.end()
}
http.createServer(async (req, res) => {
  const route = req.method + ' ' + req.url
  if (route === 'GET /api/version') return json(res, 200, { version: '${STANDIN_VERSION}' })
  if (route === 'GET /api/tags') return json(res, 200, { models: [...models.values()].map(entry) })
  if (route === 'GET /api/ps') return json(res, 200, { models: [] })
  const b = req.method === 'POST' ? await body(req) : {}
  const name = withTag(String(b.model || b.name || ''))
  if (route === 'POST /api/pull') return pull(res, name)
  if (route === 'POST /api/chat') {
    if (!models.has(name)) return json(res, 404, { error: 'model "' + b.model + '" not found, try pulling it first' })
    await sleep(300)
    return json(res, 200, { model: name, created_at: new Date().toISOString(), message: { role: 'assistant', content: 'Hello! I am ' + name + ', running on your computer.' }, done: true, done_reason: 'stop' })
  }
  if (route === 'POST /api/show' && models.has(name)) return json(res, 200, { license: '', modelfile: '', parameters: '', template: '', details: entry(models.get(name)).details, model_info: {}, capabilities: ['completion'] })
  json(res, 404, { error: 'not found' })
}).listen(Number(port), host, () => console.log('listening on ' + hostPort))
process.on('SIGTERM', () => process.exit(0))
`

/** A real tar.zst as Ollama publishes it, with the stand-in as bin/ollama and 1 MiB of noise to download. */
export function standinArchive(): Buffer {
  return zlib.zstdCompressSync(
    buildTar([
      { name: 'bin/', type: 'dir' },
      { name: 'bin/ollama', data: standinScript(), mode: 0o755 },
      { name: 'lib/ollama/', type: 'dir' },
      { name: 'lib/ollama/libggml-standin.so', data: randomBytes(1024 * 1024) },
    ]),
  )
}
