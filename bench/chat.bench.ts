import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import OpenAI from 'openai'
import type { ApiClient } from '../src-shared/contract'
import { createCore, type Core } from '../src-main/core/app'
import { startWebServer } from '../src-main/web/server'
import { startOpenAiFake, type OpenAiFake } from '../test/support/fakes/openai-server'
import type { Figure } from './report'
import { wsClient } from './transport.bench'

/**
 * Streaming overhead of the whole chat pipeline — openai SDK → core `chat.send` (store writes,
 * resilience, events) → web companion WebSocket → the browser's RPC client — against the raw
 * SDK reading the same fake stream. The fake, the core and the client share one event loop here.
 *
 * The session store runs in-process (createCore without `sessionWorker`); the desktop app runs it
 * in a worker thread, so its SQLite writes are off the main thread there.
 */

const MODEL = 'gpt-4o-mini'
/** Two "tokens" per chunk: the fake paces with setTimeout, which cannot wait under 1 ms. */
const CHUNK = ' to ken'
const TOKENS_PER_CHUNK = 2
const TARGET_ADDED_TOTAL = 0.05
const TARGET_ADDED_TTFT_MS = 2

interface Run {
  /** When the provider request reached the fake: everything before it is set-up, not streaming. */
  requestMs: number
  ttftMs: number
  totalMs: number
}

/** performance.now() when the fake last recorded a request (it records once the body is read). */
let requestAt = 0
function watchRequests(fake: OpenAiFake): void {
  const push = fake.requests.push.bind(fake.requests)
  fake.requests.push = (...items) => {
    requestAt = performance.now()
    return push(...items)
  }
}

interface Scenario {
  label: string
  short: string
  chunks: number
  chunkDelayMs: number
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

async function rawSdk(sdk: OpenAI, expectedChunks: number): Promise<Run> {
  const start = performance.now()
  let ttftMs = -1
  let chunks = 0
  const stream = await sdk.chat.completions.create({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] })
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content) {
      if (ttftMs < 0) ttftMs = performance.now() - start
      chunks++
    }
  }
  const totalMs = performance.now() - start
  if (chunks !== expectedChunks) throw new Error(`raw SDK saw ${chunks} of ${expectedChunks} chunks`)
  return { requestMs: requestAt - start, ttftMs, totalMs }
}

async function pipeline(api: ApiClient, expectedChunks: number): Promise<Run> {
  const start = performance.now()
  let ttftMs = -1
  let chunks = 0
  const handle = api.stream('chat.send', { text: 'hi', target: { providerId: 'bench', model: MODEL } }, (event) => {
    if (event.type !== 'text') return
    if (ttftMs < 0) ttftMs = performance.now() - start
    chunks++
  })
  const result = await handle.done
  const totalMs = performance.now() - start
  if (!result.ok) throw new Error(`chat.send failed: ${result.error.code} ${result.error.message}`)
  if (chunks !== expectedChunks) throw new Error(`pipeline saw ${chunks} of ${expectedChunks} text events`)
  return { requestMs: requestAt - start, ttftMs, totalMs }
}

/** Raw and pipeline runs alternate so drift (GC, other load on the machine) hits both alike. */
async function measure(scenario: Scenario, runs: number, fake: OpenAiFake, sdk: OpenAI, api: ApiClient): Promise<{ raw: Run; piped: Run }> {
  fake.script({ text: Array.from({ length: scenario.chunks }, () => CHUNK), chunkDelayMs: scenario.chunkDelayMs, usage: { inputTokens: 8, outputTokens: scenario.chunks * TOKENS_PER_CHUNK } })
  await rawSdk(sdk, scenario.chunks)
  await pipeline(api, scenario.chunks)
  const raw: Run[] = []
  const piped: Run[] = []
  for (let i = 0; i < runs; i++) {
    raw.push(await rawSdk(sdk, scenario.chunks))
    piped.push(await pipeline(api, scenario.chunks))
  }
  const medians = (list: Run[]): Run => ({ requestMs: median(list.map((r) => r.requestMs)), ttftMs: median(list.map((r) => r.ttftMs)), totalMs: median(list.map((r) => r.totalMs)) })
  return { raw: medians(raw), piped: medians(piped) }
}

function figuresOf(scenario: Scenario, { raw, piped }: { raw: Run; piped: Run }): Figure[] {
  const tokens = scenario.chunks * TOKENS_PER_CHUNK
  return [
    { name: `chat ${scenario.label}: total, raw openai SDK (${tokens} tokens)`, value: raw.totalMs, unit: 'ms' },
    { name: `chat ${scenario.label}: total, pipeline SDK → core → WebSocket → client`, value: piped.totalMs, unit: 'ms', baseline: raw.totalMs, short: `chat pipeline/raw SDK ${scenario.short}` },
    { name: `chat ${scenario.label}: delivered rate, raw openai SDK`, value: tokens / (raw.totalMs / 1000), unit: 'tok/s' },
    { name: `chat ${scenario.label}: TTFT, raw openai SDK`, value: raw.ttftMs, unit: 'ms' },
    { name: `chat ${scenario.label}: TTFT, pipeline`, value: piped.ttftMs, unit: 'ms', baseline: raw.ttftMs, short: `chat TTFT pipeline/raw ${scenario.short}` },
    { name: `chat ${scenario.label}: added TTFT`, value: piped.ttftMs - raw.ttftMs, unit: 'ms' },
    // Where the added TTFT goes: before the provider is asked (store, planning) or after.
    { name: `chat ${scenario.label}: added TTFT before the provider request`, value: piped.requestMs - raw.requestMs, unit: 'ms' },
  ]
}

function targetLines(paced: { raw: Run; piped: Run }, fast: { raw: Run; piped: Run }): string[] {
  const added = (paced.piped.totalMs - paced.raw.totalMs) / paced.raw.totalMs
  const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED')
  const ttft = [['2k tok/s', paced], ['max speed', fast]] as const
  return [
    `target: added time ${(added * 100).toFixed(1)}% at 2k tok/s (≤${TARGET_ADDED_TOTAL * 100}%) ${verdict(added <= TARGET_ADDED_TOTAL)}`,
    ...ttft.map(([label, m]) => {
      const ms = m.piped.ttftMs - m.raw.ttftMs
      return `target: added TTFT ${ms.toFixed(2)} ms at ${label} (≤${TARGET_ADDED_TTFT_MS} ms) ${verdict(ms <= TARGET_ADDED_TTFT_MS)}`
    }),
  ]
}

async function startPipeline(fake: OpenAiFake): Promise<{ core: Core; api: ApiClient; stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-chat-'))
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-chat-static-'))
  const core = createCore({ dataDir, mode: 'web', version: 'bench', logSink: { write: () => undefined } })
  const token = 'bench-token-0123456789'
  const server = await startWebServer({ core, token, port: 0, staticDir })
  const client = await wsClient(server.url, token)
  const saved = await client.api.call('providers.save', {
    config: { id: 'bench', kind: 'openai', name: 'Bench', baseUrl: fake.url, proxy: { mode: 'none' } },
    key: 'sk-bench-0123456789abcdef',
  })
  if (!saved.ok) throw new Error(`providers.save failed: ${saved.error.message}`)
  return {
    core,
    api: client.api,
    async stop() {
      client.close()
      await server.close()
      await core.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
      fs.rmSync(staticDir, { recursive: true, force: true })
    },
  }
}

/**
 * Two scenarios, medians of several alternating runs after a warm-up: paced at 2,000 tok/s
 * (2 tokens every 1 ms) and as fast as the fake can write. Targets are printed, never enforced.
 */
export async function chatBench(quick: boolean): Promise<Figure[]> {
  const fake = await startOpenAiFake({ models: [MODEL] })
  watchRequests(fake)
  const sdk = new OpenAI({ baseURL: fake.url, apiKey: 'x', maxRetries: 0 })
  const piped = await startPipeline(fake).catch(async (error: unknown) => {
    await fake.close()
    throw error
  })
  const runs = quick ? 3 : 7
  const paced: Scenario = { label: '2k tok/s', short: '@2k tok/s', chunks: quick ? 150 : 500, chunkDelayMs: 1 }
  const fast: Scenario = { label: 'max speed', short: 'max speed', chunks: quick ? 1000 : 5000, chunkDelayMs: 0 }
  try {
    // Warm both paths on short replies first, so the set-up code before a stream is JIT-compiled too.
    await measure({ label: 'warm-up', short: 'warm-up', chunks: 10, chunkDelayMs: 0 }, quick ? 10 : 30, fake, sdk, piped.api)
    const pacedResult = await measure(paced, runs, fake, sdk, piped.api)
    const fastResult = await measure(fast, runs, fake, sdk, piped.api)
    for (const line of targetLines(pacedResult, fastResult)) console.log(line)
    return [...figuresOf(paced, pacedResult), ...figuresOf(fast, fastResult)]
  } finally {
    await piped.stop()
    await fake.close()
  }
}
