import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ChatSendInput, ClusterPeerView, EventName, ProviderView, Result, RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import { createRecordingCore } from '../../../test/support/recording-core'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../../test/support/fakes/ollama-chat-server'
import { closedUrl } from '../../../test/support/fakes/sse'
import { removeTempDirs } from '../../../test/support/tmp'
import { createLocalClient } from '../rpc'
import type { Core } from '../app'

/*
 * "Use for chats" end to end on loopback: two real cores (laptop and studio), each with its own
 * fake Ollama speaking the real NDJSON protocol, paired over their cluster listeners.
 */

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  removeTempDirs()
})

async function machine(name: string, models: string[], staticPeers: string[] = []) {
  const ollama = await startFakeOllamaChat({ models })
  // Peers and Ollama servers on loopback always answer: a busy machine may be slow, never too slow.
  const { t } = createRecordingCore({ ownsHistory: true, env: { OLLAMA_DESK_CLUSTER_HOST: '127.0.0.1' }, cluster: { probeTimeoutMs: 60_000, handshakeTimeoutMs: 60_000 } })
  const core = t.core as Core
  cleanups.push(() => ollama.close(), () => core.close())
  const events: Array<[EventName, unknown]> = []
  core.onBroadcast((event, payload) => events.push([event, payload]))
  const client = createLocalClient(core.dispatcher, 'test')
  const attempt = <K extends RouteName>(route: K, input: RouteInput<K>): Promise<Result<RouteOutput<K>>> => client.call(route, input)
  const call = async <K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> => {
    const result = await attempt(route, input)
    if (!result.ok) throw Object.assign(new Error(`${route}: ${result.error.message}`), result.error)
    return result.value
  }
  await call('settings.update', { ollama: { host: ollama.url } })
  await call('settings.update', { cluster: { enabled: true, port: 0, discovery: 'static', name, staticPeers } })
  await until(async () => (await call('cluster.status', {})).listening !== null)
  const listening = (await call('cluster.status', {})).listening as string
  const chat = (model: string, text: string) => {
    const input: ChatSendInput = { text, target: { providerId: 'ollama', model } }
    return client.stream('chat.send', input, () => undefined).done
  }
  const localOllama = async () => (await call('providers.list', {})).providers.find((view: ProviderView) => view.config.id === 'ollama')!.config
  return { core, ollama, events, call, attempt, chat, listening, localOllama }
}

/** Waits (up to the shared ceiling) until the check holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  await vi.waitFor(async () => expect(await check()).toBe(true), { interval: 20 })
}

const chatsOn = (fake: FakeOllamaChatServer, model?: string) =>
  fake.requests.filter((request) => request.method === 'POST' && request.path === '/api/chat' && (model === undefined || (request.body as { model?: string }).model === model)).length

/** laptop sees studio by address and pairs with the code studio shows. */
async function pairedMachines() {
  const studio = await machine('studio', ['shared:latest', 'big:70b'])
  const laptop = await machine('laptop', ['shared:latest'], [studio.listening.replace('tcp://', '')])
  await until(async () => (await laptop.call('cluster.peers', { refresh: true })).peers.length === 1)
  const { code } = await studio.call('cluster.pairing.code', {})
  await laptop.call('cluster.pair', { peer: 'studio', code })
  return { laptop, studio }
}

const peerRow = async (m: Awaited<ReturnType<typeof machine>>): Promise<ClusterPeerView> => (await m.call('cluster.peers', {})).peers[0]!

describe('cluster.useForChat', () => {
  it('tells paired peers where its Ollama listens and whether it runs', async () => {
    const { laptop, studio } = await pairedMachines()
    const row = await peerRow(laptop)
    const port = Number(new URL(studio.ollama.url).port)
    expect(row.capabilities?.ollama).toMatchObject({ port, reachable: true, version: '0.12.6' })
    expect(row.usedForChat).toBe(false)
  })

  it('adds the peer’s Ollama to the local pool, spreads concurrent chats over both, and sends a model only the peer has to it', async () => {
    const { laptop, studio } = await pairedMachines()
    const before = laptop.events.filter(([name]) => name === 'providers.changed').length

    const { peer, hosts } = await laptop.call('cluster.useForChat', { peer: 'studio', enabled: true })
    expect(hosts).toEqual([studio.ollama.url])
    expect(peer.usedForChat).toBe(true)
    expect((await laptop.localOllama()).hosts).toEqual([studio.ollama.url])
    expect(laptop.events.filter(([name]) => name === 'providers.changed').length).toBeGreaterThan(before)
    expect(laptop.events).toContainEqual(['cluster.changed', { reason: 'chat' }])
    expect((await peerRow(laptop)).usedForChat).toBe(true)

    // Slow replies keep each chat in flight while the next one picks the least busy server.
    laptop.ollama.script({ text: ['from', ' laptop'], chunkDelayMs: 60 })
    studio.ollama.script({ text: ['from', ' studio'], chunkDelayMs: 60 })
    const results = await Promise.all([1, 2, 3, 4].map((n) => laptop.chat('shared:latest', `question ${n}`)))
    expect(results).toEqual([1, 2, 3, 4].map(() => expect.objectContaining({ ok: true })))
    expect(chatsOn(laptop.ollama, 'shared:latest')).toBeGreaterThanOrEqual(1)
    expect(chatsOn(studio.ollama, 'shared:latest')).toBeGreaterThanOrEqual(1)
    expect(chatsOn(laptop.ollama) + chatsOn(studio.ollama)).toBe(4)

    const onlyThere = await laptop.chat('big:70b', 'a hard one')
    expect(onlyThere).toMatchObject({ ok: true })
    expect(chatsOn(studio.ollama, 'big:70b')).toBe(1)
    expect(chatsOn(laptop.ollama, 'big:70b')).toBe(0)
  })

  it('turning it off takes the host out again; unpairing does too', async () => {
    const { laptop, studio } = await pairedMachines()
    await laptop.call('cluster.useForChat', { peer: 'studio', enabled: true })
    const off = await laptop.call('cluster.useForChat', { peer: 'studio', enabled: false })
    expect(off.hosts).toEqual([])
    expect(off.peer.usedForChat).toBe(false)
    expect((await laptop.localOllama()).hosts ?? []).not.toContain(studio.ollama.url)

    // A host the user added by hand stays when the peer's goes.
    const manual = await closedUrl()
    const config = await laptop.localOllama()
    await laptop.call('providers.save', { config: { ...config, hosts: [manual] } })
    await laptop.call('cluster.useForChat', { peer: 'studio', enabled: true })
    expect((await laptop.localOllama()).hosts).toEqual([manual, studio.ollama.url])
    await laptop.call('cluster.unpair', { peer: 'studio' })
    expect((await laptop.localOllama()).hosts).toEqual([manual])
    expect(await laptop.chat('shared:latest', 'after unpairing')).toMatchObject({ ok: true })
    expect(chatsOn(studio.ollama)).toBe(0)
  })

  it('refuses a peer that is not paired, an unknown one, and one whose Ollama does not answer, with typed errors', async () => {
    const studio = await machine('studio', ['shared:latest'])
    const laptop = await machine('laptop', ['shared:latest'], [studio.listening.replace('tcp://', '')])
    await until(async () => (await laptop.call('cluster.peers', { refresh: true })).peers.length === 1)

    const unpaired = await laptop.attempt('cluster.useForChat', { peer: 'studio', enabled: true })
    expect(unpaired).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', message: 'studio is not paired with this machine.' } })
    const unknown = await laptop.attempt('cluster.useForChat', { peer: 'nobody', enabled: true })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
    const empty = await laptop.attempt('cluster.useForChat', { peer: ' ', enabled: true })
    expect(empty).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })

    const { code } = await studio.call('cluster.pairing.code', {})
    await laptop.call('cluster.pair', { peer: 'studio', code })
    await studio.ollama.close()
    const down = await laptop.attempt('cluster.useForChat', { peer: 'studio', enabled: true })
    // Studio may still report its Ollama as running (it re-checks every few seconds); the probe from here decides.
    expect(down).toMatchObject({ ok: false, error: { code: 'E_NETWORK', message: expect.stringMatching(/^Ollama (is not running on studio|on studio does not answer from here at http:\/\/127\.0\.0\.1:\d+)/) } })
    expect((await laptop.localOllama()).hosts ?? []).toEqual([])
    expect((await peerRow(laptop)).usedForChat).toBe(false)
  })
})
