import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { createRpcClient, type ApiClient } from '../src-shared/contract'
import { createCore } from '../src-main/core/app'
import { startWebServer } from '../src-main/web/server'
import type { Figure } from './report'

const ctx = () => ({ signal: new AbortController().signal, clientId: 'bench' })

async function time(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < runs; i++) await fn()
  return performance.now() - start
}

/** Each call's time in ms, one after another. */
async function latencies(api: ApiClient, runs: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await api.call('app.info', {})
    out.push(performance.now() - start)
  }
  return out
}

const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))] ?? 0

/** A contract client over the web companion's WebSocket, as the browser uses it. */
export function wsClient(url: string, token: string): Promise<{ api: ApiClient; close(): void }> {
  const socket = new WebSocket(url.replace('http', 'ws') + 'api/ws', { headers: { authorization: `Bearer ${token}` } })
  const api = createRpcClient({
    send: (text) => socket.send(text),
    onMessage(listener) {
      const handler = (data: WebSocket.RawData): void => listener(data.toString())
      socket.on('message', handler)
      return () => socket.off('message', handler)
    },
  })
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ api, close: () => socket.close() }))
    socket.once('error', reject)
  })
}

/** Contract round-trip and 10k-event streaming: web companion (WebSocket) vs in-process. */
export async function transportBench(quick: boolean): Promise<Figure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-'))
  const core = createCore({ dataDir, mode: 'web', version: 'bench', logSink: { write: () => undefined } })
  const token = 'bench-token-0123456789'
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-static-'))
  const server = await startWebServer({ core, token, port: 0, staticDir })
  const client = await wsClient(server.url, token)
  const calls = quick ? 300 : 3000
  const events = 10_000
  try {
    // Warm up both paths so JIT and socket buffers settle before measuring.
    await time(200, () => core.dispatcher.call('app.info', {}, ctx()))
    await time(200, () => client.api.call('app.info', {}))

    const direct = await time(calls, () => core.dispatcher.call('app.info', {}, ctx()))
    const overWs = await time(calls, () => client.api.call('app.info', {}))

    let seen = 0
    const streamDirectStart = performance.now()
    await core.dispatcher.stream('diagnostics.loopback', { count: events, payloadBytes: 64 }, ctx(), () => {
      seen++
    })
    const streamDirect = performance.now() - streamDirectStart

    let received = 0
    const streamWsStart = performance.now()
    const handle = client.api.stream('diagnostics.loopback', { count: events, payloadBytes: 64 }, () => {
      received++
    })
    const result = await handle.done
    const streamWs = performance.now() - streamWsStart
    if (!result.ok || received !== events || seen !== events) throw new Error(`stream lost events: ${seen}/${received}`)

    // Fairness: another client's app.info while one client streams as fast as it can, against the
    // same call on an idle server.
    const other = await wsClient(server.url, token)
    const idle = await latencies(other.api, quick ? 50 : 200)
    // Bounded whatever happens: at most 1M events of 1 KB (1 GB in all; 100k with --quick), and
    // cancelled as soon as the busy latencies are taken.
    const hogEvents = quick ? 100_000 : 1_000_000
    const hog = client.api.stream('diagnostics.loopback', { count: hogEvents, payloadBytes: 1024 }, () => undefined)
    const busy = await latencies(other.api, quick ? 50 : 200)
    hog.cancel()
    await hog.done
    other.close()

    const us = (ms: number, n: number): number => (ms * 1000) / n
    return [
      { name: 'another client’s app.info p95, idle server', value: p95(idle), unit: 'ms' },
      { name: `another client’s app.info p95, during a stream of at most ${hogEvents.toLocaleString('en')} 1 KB events`, value: p95(busy), unit: 'ms', baseline: p95(idle), short: 'app.info p95 during a stream/idle' },
      { name: 'round-trip app.info, in-process dispatcher', value: us(direct, calls), unit: 'µs/call' },
      { name: 'round-trip app.info, web companion WebSocket', value: us(overWs, calls), unit: 'µs/call', baseline: us(direct, calls), short: 'ws/in-process round-trip' },
      { name: `stream ${events} events, in-process dispatcher`, value: streamDirect, unit: 'ms' },
      { name: `stream ${events} events, web companion WebSocket`, value: streamWs, unit: 'ms', baseline: streamDirect, short: 'ws/in-process 10k-event stream' },
      { name: 'stream throughput, web companion WebSocket', value: events / (streamWs / 1000), unit: 'events/s' },
    ]
  } finally {
    client.close()
    await server.close()
    core.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
    fs.rmSync(staticDir, { recursive: true, force: true })
  }
}
