/**
 * The fake provider servers as one process, for the browser e2e tests and the benchmark:
 * `node scripts/run-tool.js test/support/fakes/serve.ts` prints one line `FAKES {json}` with
 * their URLs and a control URL. POST {target, script?, fault?, times?} to the control URL to
 * script replies or inject faults; GET it for the requests each fake saw, GET ?bodies=NAME for the
 * chat request bodies that fake received.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { startFakeOllamaChat } from './ollama-chat-server'
import { startOpenAiFake } from './openai-server'
import type { FakeProviderServer, Fault, ScriptedReply } from './types'

interface ControlRequest {
  target: string
  script?: ScriptedReply[]
  fault?: Fault
  times?: number
}

const fakes: Record<string, FakeProviderServer> = {
  openai: await startOpenAiFake({ models: ['gpt-4o-mini', 'gpt-4o'] }),
  backup: await startOpenAiFake({ models: ['backup-model'] }),
  // FAKES_OLLAMA_CONTEXT_LENGTH: a small window for the context meter's tests.
  // FAKES_OLLAMA_MODELS: more local models (comma-separated), e.g. for comparing models side by side.
  ollama: await startFakeOllamaChat({ models: ['llama3.2:latest', ...(process.env.FAKES_OLLAMA_MODELS?.split(',').filter(Boolean) ?? [])], capabilities: { 'llama3.2:latest': ['completion', 'tools'], ...visionModels() }, contextLength: Number(process.env.FAKES_OLLAMA_CONTEXT_LENGTH) || undefined }),
}

const control = http.createServer((req, res) => {
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => {
    const bodiesOf = req.method === 'GET' ? new URL(req.url ?? '/', 'http://control').searchParams.get('bodies') : null
    if (bodiesOf) {
      // The chat request bodies one fake received, oldest first (e2e asserts what reached the model).
      const fake = fakes[bodiesOf]
      res.writeHead(fake ? 200 : 404, { 'content-type': 'application/json' })
      res.end(JSON.stringify(fake ? fake.requests.filter((r) => r.method === 'POST' && /\/(api\/chat|chat\/completions|responses)$/.test(r.path.split('?')[0] ?? '')).map((r) => r.body) : []))
      return
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(Object.fromEntries(Object.entries(fakes).map(([name, fake]) => [name, { requests: fake.requests.length, aborted: fake.aborted }]))))
      return
    }
    const body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as ControlRequest
    const fake = fakes[body.target]
    if (!fake) {
      res.writeHead(404)
      res.end(`no fake named ${body.target}`)
      return
    }
    if (body.script) fake.script(...body.script)
    if (body.fault) fake.fault(body.fault, body.times === undefined ? undefined : { times: body.times })
    res.writeHead(204)
    res.end()
  })
})
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve))
const { port } = control.address() as AddressInfo
console.log(`FAKES ${JSON.stringify({ control: `http://127.0.0.1:${port}`, ...Object.fromEntries(Object.entries(fakes).map(([name, fake]) => [name, fake.url])) })}`)

const stop = async (): Promise<void> => {
  control.close()
  await Promise.all(Object.values(fakes).map((fake) => fake.close()))
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())

/** FAKES_OLLAMA_VISION: models (comma-separated, also listed in FAKES_OLLAMA_MODELS) that can see pictures. */
function visionModels(): Record<string, string[]> {
  const names = process.env.FAKES_OLLAMA_VISION?.split(',').filter(Boolean) ?? []
  return Object.fromEntries(names.map((name) => [name, ['completion', 'vision']]))
}
