import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { WAIT_CEILING_MS } from '../support/patient-waits'
import { makeTempDir, removeTempDirs } from '../support/tmp'
import { startCompanionProcess, type CompanionProcess } from './support/companion-process'
import { startStreamingOllama, type StreamingOllama } from './support/fake-ollama-stream'

/**
 * Found by the route fuzz: an MCP server over SSE whose connection fails (here a header name the
 * fetch API refuses) left the SDK's EventSource reconnecting every 3 s after the failure, and after
 * the core closed, so `serve` printed "Stopping…" and never exited on SIGTERM.
 */

let ollama: StreamingOllama | undefined
let companion: CompanionProcess | undefined

afterAll(async () => {
  await companion?.kill()
  await ollama?.close()
  removeTempDirs()
})

describe('a clean stop after a failed MCP connection', () => {
  it('exits on SIGTERM once an SSE server failed to connect', async () => {
    const root = makeTempDir('ollama-desk-mcp-stop-')
    ollama = await startStreamingOllama()
    companion = await startCompanionProcess({ dataDir: path.join(root, 'data'), home: path.join(root, 'home'), ollamaHost: ollama.host })
    const saved = await companion.call('mcp.save', { config: { name: 'broken-sse', transport: 'sse', url: 'http://127.0.0.1:9/sse', headers: { 'not a header': 'x' } } })
    expect(saved.status).toBe(200)
    const listed = await companion.call('mcp.list', {})
    expect(JSON.stringify(listed.body)).toMatch(/"state":"(failed|error)"/)
    let timer: NodeJS.Timeout | undefined
    const stopped = await Promise.race([
      companion.stop().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), WAIT_CEILING_MS))),
    ]).finally(() => clearTimeout(timer))
    expect(stopped, `still running after SIGTERM:\n${companion.output()}`).toBe(true)
  }, 120_000)
})
