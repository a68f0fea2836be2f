import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RELIABILITY_SCALE } from '../support/reliability'
import { makeTempDir, removeTempDirs } from '../support/tmp'
import { startCompanionProcess, type CompanionProcess } from './support/companion-process'
import { MODEL, startStreamingOllama, type StreamingOllama } from './support/fake-ollama-stream'

/**
 * 50 clients at once against the real web companion (its own process, a stand-in Ollama on
 * loopback): each opens its own WebSocket and runs streaming chats one after another, listing its
 * sessions over HTTP between them. Every chat must complete with the whole reply, in order, and be
 * saved; the companion must still answer afterwards. Latencies (p50/p95 to the first text and to
 * the end) and the process's RSS before and after are printed, never asserted: they depend on
 * the machine. Only `npm run reliability` runs it (a heavy load has no small version worth its
 * time in `npm test`).
 */

const CLIENTS = 50
const CHATS_PER_CLIENT = RELIABILITY_SCALE
const TOKENS = 200
const heavy = RELIABILITY_SCALE > 1

let ollama: StreamingOllama
let companion: CompanionProcess

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}
const ms = (value: number) => `${value.toFixed(1)} ms`

describe.runIf(heavy)('50 clients with streaming chats', () => {
  beforeAll(async () => {
    const root = makeTempDir('ollama-desk-load-')
    ollama = await startStreamingOllama(TOKENS)
    companion = await startCompanionProcess({ dataDir: path.join(root, 'data'), home: path.join(root, 'home'), ollamaHost: ollama.host })
  })
  afterAll(async () => {
    await companion?.stop()
    await ollama?.close()
    removeTempDirs()
  })

  it(`completes ${CLIENTS} × ${CHATS_PER_CLIENT} streaming chats with every reply whole and saved`, async () => {
    const expected = Array.from({ length: TOKENS }, (_, i) => `w${i} `).join('')
    // One chat first, so the RSS before is the companion's once everything is loaded.
    const warm = await (await companion.client()).api.stream('chat.send', { text: 'warm up', target: { providerId: 'ollama', model: MODEL } }, () => undefined).done
    expect(warm.ok).toBe(true)
    const rssBefore = companion.rssKib()

    const toFirstText: number[] = []
    const toEnd: number[] = []
    const failures: string[] = []
    const sessions = new Set<string>()
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const { api } = await companion.client()
        for (let chat = 0; chat < CHATS_PER_CLIENT; chat++) {
          const sent = performance.now()
          let first: number | undefined
          let text = ''
          const result = await api.stream('chat.send', { text: `client ${client} chat ${chat}`, target: { providerId: 'ollama', model: MODEL } }, (event) => {
            if (event.type !== 'text') return
            first ??= performance.now() - sent
            text += event.text
          }).done
          toEnd.push(performance.now() - sent)
          if (first !== undefined) toFirstText.push(first)
          if (!result.ok) failures.push(`client ${client} chat ${chat}: ${result.error.code} ${result.error.message}`)
          else {
            sessions.add(result.value.sessionId)
            if (text !== expected || result.value.message.text !== expected) failures.push(`client ${client} chat ${chat}: the reply arrived or was saved incomplete`)
          }
          const listed = await companion.call('sessions.list', { limit: 1 })
          if (listed.status !== 200) failures.push(`client ${client}: sessions.list answered ${listed.status}`)
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const rssAfter = companion.rssKib()
    const total = await companion.call('sessions.list', { limit: 1 })
    const chats = CLIENTS * CHATS_PER_CLIENT
    console.log(
      [
        `load: ${CLIENTS} clients × ${CHATS_PER_CLIENT} streaming chats of ${TOKENS} text events = ${chats} chats in ${seconds.toFixed(1)} s (${(chats / seconds).toFixed(1)} chats/s); completed ${toEnd.length - failures.length}, failed ${failures.length}`,
        `  first text: p50 ${ms(percentile(toFirstText, 50))}, p95 ${ms(percentile(toFirstText, 95))}; whole reply: p50 ${ms(percentile(toEnd, 50))}, p95 ${ms(percentile(toEnd, 95))}`,
        `  companion RSS: ${(rssBefore / 1024).toFixed(1)} MiB before, ${(rssAfter / 1024).toFixed(1)} MiB after`,
      ].join('\n'),
    )
    expect(failures).toEqual([])
    expect(toEnd).toHaveLength(chats)
    expect(sessions.size).toBe(chats)
    expect(total).toMatchObject({ status: 200, body: { ok: true, value: { total: chats + 1 } } })
    expect(ollama.chats).toBe(chats + 1)
    expect(companion.alive()).toBe(true)
  }, 600_000)
})
