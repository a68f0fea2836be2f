import { readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ClusterPeerView, EventName, Result } from '../../../src-shared/contract'
import { createTestCore } from '../../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { collectCapabilities } from '../cluster/capabilities'
import { StaticDiscovery } from '../cluster/discovery'
import { ClusterService } from '../cluster/service'
import { listInstalledModels, manifestPath } from '../cluster/transfer'
import { makeModel } from '../cluster/transfer/testdata/make-model'
import { silentLogger } from '../log/logger'
import { FileSecretStore } from '../secrets'
import type { Core } from '.'

/** Handshakes and probes that must succeed get far more time than a busy machine could need. */
const PATIENT_MS = 60_000

const cores: Core[] = []
const services: ClusterService[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()))
  await Promise.all(cores.splice(0).map((core) => core.close()))
  removeTempDirs()
})

const ctx = () => ({ signal: new AbortController().signal, clientId: 'test' })

/** A core like the web companion's; `owner` is the long-running app. */
function appCore(owner: boolean, modelsDir = path.join(makeTempDir(), 'models')) {
  const events: Array<[EventName, unknown]> = []
  // Peers on loopback always answer: a busy machine may be slow, never too slow.
  const { core } = createTestCore({ ownsHistory: owner, env: { OLLAMA_DESK_CLUSTER_HOST: '127.0.0.1', OLLAMA_MODELS: modelsDir }, cluster: { probeTimeoutMs: PATIENT_MS, handshakeTimeoutMs: PATIENT_MS } })
  cores.push(core)
  core.onBroadcast((name, payload) => events.push([name, payload]))
  const call = async <T>(route: string, input: unknown): Promise<T> => {
    const result = (await core.dispatcher.call(route, input, ctx())) as Result<T>
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
    return result.value
  }
  const changed = (reason: string) => events.some(([name, payload]) => name === 'cluster.changed' && (payload as { reason: string }).reason === reason)
  return { core, call, events, changed, modelsDir }
}

/** Waits (up to the shared ceiling) until the check holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  await vi.waitFor(async () => expect(await check()).toBe(true), { interval: 20 })
}

/** The second machine: a plain ClusterService with its own data dir and Ollama models folder. */
async function peerMachine(name: string) {
  const dataDir = makeTempDir()
  const modelsDir = path.join(makeTempDir(), 'models')
  const service = new ClusterService({
    dataDir,
    secrets: new FileSecretStore(path.join(dataDir, 'secrets.json')),
    env: {},
    home: dataDir,
    log: silentLogger(),
    discovery: new StaticDiscovery([]),
    modelsDir,
    name,
    version: '1.0.0',
    describe: () => collectCapabilities({ appVersion: '1.0.0', listModels: () => listInstalledModels(modelsDir), rdmaStatus: () => ({ ok: false, reason: 'no RDMA addon here' }), gpu: () => 'Test GPU', totalMemory: () => 32 * 2 ** 30 }),
    handshakeTimeoutMs: PATIENT_MS,
  })
  services.push(service)
  return { service, modelsDir }
}

const enable = { cluster: { enabled: true, port: 0, discovery: 'static' } }

describe('cluster wiring', () => {
  it('answers "Clustering is off" until turned on, then listens; turning it off closes the port', async () => {
    const app = appCore(true)
    await expect(app.call('cluster.peers', {})).rejects.toMatchObject({ code: 'E_CONFIG', message: 'Clustering is off.' })
    await expect(app.call('cluster.pairing.code', {})).rejects.toMatchObject({ code: 'E_CONFIG' })
    const off = await app.call<{ enabled: boolean; listening: string | null; canListen: boolean }>('cluster.status', {})
    expect(off).toMatchObject({ enabled: false, listening: null, canListen: true })

    await app.call('settings.update', enable)
    await until(() => app.changed('started'))
    const on = await app.call<{ listening: string; self: { id: string } }>('cluster.status', {})
    expect(on.listening).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/)
    expect(on.self.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await app.call('cluster.peers', {})).toEqual({ peers: [] })
    const port = Number(on.listening.split(':').pop())

    await app.call('settings.update', { cluster: { enabled: false } })
    await until(() => app.changed('stopped'))
    expect(await app.call<{ listening: string | null }>('cluster.status', {})).toMatchObject({ enabled: false, listening: null })
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('never listens in a one-shot command, even when the setting is on', async () => {
    const cli = appCore(false)
    await cli.call('settings.update', enable)
    // Only a check that nothing starts: a slow machine can make it pass early, never fail.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await cli.call('cluster.status', {})).toMatchObject({ enabled: true, listening: null, canListen: false })
    await expect(cli.call('cluster.peers', {})).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('only in the running app') })
    expect(cli.changed('started')).toBe(false)
  })

  it('a partial settings update keeps the other cluster fields', async () => {
    const app = appCore(false)
    await app.call('settings.update', { cluster: { port: 40123, name: 'laptop', discovery: 'static', staticPeers: ['10.0.0.2:47811'] } })
    const next = await app.call<{ cluster: object }>('settings.update', { cluster: { enabled: true } })
    expect(next.cluster).toEqual({ enabled: true, port: 40123, name: 'laptop', discovery: 'static', staticPeers: ['10.0.0.2:47811'], bind: '' })
  })

  it('refuses bad input with specific errors', async () => {
    const app = appCore(true)
    await expect(app.call('settings.update', { cluster: { staticPeers: ['not an address'] } })).rejects.toMatchObject({ code: 'E_VALIDATION' })
    await expect(app.call('cluster.pair', { peer: 'x', code: '12ab' })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('6 digits') })
    await app.call('settings.update', enable)
    await until(() => app.changed('started'))
    await expect(app.call('cluster.unpair', { peer: 'nobody' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(app.call('cluster.measure', { peer: 'nobody' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(app.call('cluster.allowModels', { peer: 'nobody', allowed: true })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(app.call('cluster.allowModels', { peer: 'beta', allowed: 'yes' })).rejects.toMatchObject({ code: 'E_VALIDATION' })
    await expect(app.call('cluster.allowModels', { peer: '', allowed: true })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('name a peer') })
  })

  it('pairs with a static peer, reads its capabilities, measures, sends a model with progress, and unpairs', async () => {
    const app = appCore(true)
    const local = await makeModel({ modelsDir: app.modelsDir, name: 'tiny', tag: '1b', weightsBytes: 3 * 2 ** 20 })
    const beta = await peerMachine('beta')
    await makeModel({ modelsDir: beta.modelsDir, name: 'resident', weightsBytes: 1000, seed: 7 })
    const betaAddress = await beta.service.start({ host: '127.0.0.1', port: 0 })
    await app.call('settings.update', { cluster: { ...enable.cluster, staticPeers: [betaAddress.replace('tcp://', '')] } })
    await until(() => app.changed('started'))

    type Peers = { peers: ClusterPeerView[] }
    const probing = Date.now()
    const seen = await app.call<Peers>('cluster.peers', { refresh: true })
    expect(seen.peers).toEqual([expect.objectContaining({ id: beta.service.selfId, name: 'beta', paired: false, via: 'static', addresses: [betaAddress], capabilities: null, link: null })])
    expect(seen.peers[0]!.summary).toEqual({ rdmaDevices: 0, linkKinds: expect.any(Array), ramGiB: 32, gpu: 'Test GPU', modelCount: 1 })
    expect(seen.peers[0]!.lastSeen).toBeGreaterThanOrEqual(probing)
    expect(seen.peers[0]!.lastSeen).toBeLessThanOrEqual(Date.now())

    await expect(app.call('cluster.pair', { peer: 'beta', code: '000000' })).rejects.toMatchObject({ code: expect.stringMatching(/E_UNAUTHORIZED|E_VALIDATION|E_AUTH/) })
    const { code } = beta.service.showPairingCode()
    const { peer } = await app.call<{ peer: ClusterPeerView }>('cluster.pair', { peer: 'beta', code })
    expect(peer).toMatchObject({ id: beta.service.selfId, paired: true })
    expect(peer.link).toMatchObject({ kind: 'loopback', address: betaAddress })
    expect(peer.link?.bytesPerSecond).toBeGreaterThan(0)
    expect(peer.capabilities).toMatchObject({ rdma: { available: false, reason: 'no RDMA addon here', devices: [] }, gpu: 'Test GPU', ramBytes: 32 * 2 ** 30 })
    expect(peer.capabilities?.models).toEqual([{ name: 'resident:latest', sizeBytes: expect.any(Number) }])
    expect(app.changed('paired')).toBe(true)

    // The peer reads this machine's capabilities too, over its own authenticated connection.
    const status = await app.call<{ listening: string; self: { id: string } }>('cluster.status', {})
    await beta.service.probe(status.listening)
    const mine = await beta.service.peerInfo(status.self.id)
    expect(mine.models).toEqual([{ name: 'tiny:1b', sizeBytes: local.totalBytes }])

    const measured = await app.call<{ link: { bytesPerSecond: number; bytesMeasured: number } }>('cluster.measure', { peer: beta.service.selfId })
    expect(measured.link.bytesMeasured).toBeGreaterThan(0)

    const progress: Array<{ bytesDone: number; bytesTotal: number; resumed: boolean }> = []
    beta.service.allowModels(status.self.id, true)
    const sent = await app.core.dispatcher.stream('cluster.sendModel', { model: 'tiny:1b', peer: 'beta' }, ctx(), (event) => void progress.push(event as (typeof progress)[number]))
    expect(sent).toMatchObject({ ok: true, value: { model: 'tiny:1b', peerId: beta.service.selfId, bytesTotal: local.totalBytes, blobsSent: 2, blobsSkipped: 2 } })
    expect(progress.length).toBeGreaterThan(0)
    // Beta's model has the same template and params blobs, so only the config and weights cross and the copy counts as resumed.
    expect(progress.at(-1)).toMatchObject({ bytesDone: local.totalBytes, bytesTotal: local.totalBytes, resumed: true })
    expect(readFileSync(manifestPath(beta.modelsDir, 'tiny:1b'), 'utf8')).toBe(local.manifestText)

    expect(await app.call('cluster.unpair', { peer: 'beta' })).toEqual({ removed: true })
    const after = await app.call<Peers>('cluster.peers', {})
    expect(after.peers).toEqual([expect.objectContaining({ id: beta.service.selfId, paired: false, capabilities: null })])
    // Beta still holds the old key, but this machine refuses it now; and this machine cannot reach beta either.
    await expect(beta.service.measure(status.self.id, { bytes: 1024 })).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' })
    await expect(beta.service.peerInfo(status.self.id)).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' })
    const refused = await app.core.dispatcher.stream('cluster.sendModel', { model: 'tiny:1b', peer: 'beta' }, ctx(), () => undefined)
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } })
  })
})

function connect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy()
      resolve()
    })
    socket.on('error', reject)
  })
}
