import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import type { PeerCapabilities } from './capabilities'
import { LoopbackRegistry } from './discovery'
import { testServiceOptions } from './testdata/service-options'
import { ClusterService, type ClusterEvent } from './service'
import { blobPath, manifestPath } from './transfer'
import { makeModel } from './transfer/testdata/make-model'
import { jsonFrame, startRelay, transferFrame, type Relay } from './testdata/relay'

/* The attacks of issue 26, run on loopback against the real service: a relay in the middle passes
 * the handshake untouched, then speaks for the paired machine. None of them may succeed. */

const running: ClusterService[] = []
const relays: Relay[] = []
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()))
  await Promise.all(running.splice(0).map((service) => service.stop()))
  removeTempDirs()
})

const FORGED: PeerCapabilities = {
  rdma: { available: false, reason: null, devices: [] },
  linkKinds: ['ethernet'],
  models: [{ name: 'forged:latest', sizeBytes: 1 }],
  ramBytes: 1,
  gpu: 'forged GPU',
  appVersion: '6.6.6',
  ollama: { port: 6666, reachable: true, listensOnLan: true },
}

async function instance(registry: LoopbackRegistry, name: string) {
  const dataDir = makeTempDir()
  const modelsDir = path.join(makeTempDir(), 'models')
  const events: ClusterEvent[] = []
  const service = new ClusterService(
    testServiceOptions(dataDir, {
      registry,
      modelsDir,
      name,
      describe: async () => ({ ...FORGED, gpu: `${name} GPU`, models: [], appVersion: '1.0.0' }),
      onEvent: (event) => events.push(event),
    }),
  )
  running.push(service)
  const address = await service.start({ host: '127.0.0.1', port: 0 })
  return { service, address, modelsDir, events }
}

async function pairedPair() {
  const registry = new LoopbackRegistry()
  const a = await instance(registry, 'alpha')
  const b = await instance(registry, 'beta')
  await a.service.pair(b.address, b.service.showPairingCode().code)
  return { a, b }
}

describe('attacks from a machine in the middle (issue 26)', () => {
  it('relay then forged info: the answer that was not written by the paired machine is refused', async () => {
    const { a, b } = await pairedPair()
    const relay = await startRelay(b.address, (client, server) => {
      server.destroy()
      client.end(jsonFrame({ type: 'info', capabilities: FORGED }))
    })
    relays.push(relay)
    const asked = a.service.peerInfo(relay.address).then((info) => info, (error: unknown) => error)
    const outcome = await asked
    expect(outcome).not.toMatchObject({ gpu: 'forged GPU' })
    expect(outcome).toMatchObject({ code: 'E_BAD_RESPONSE' })
  })

  it('relay then model replacement: the receiver installs nothing the paired machine did not send', async () => {
    const { a, b } = await pairedPair()
    const sent = await makeModel({ modelsDir: a.modelsDir, name: 'tiny', weightsBytes: 64 * 1024 })
    const evilModels = path.join(makeTempDir(), 'models')
    const evil = await makeModel({ modelsDir: evilModels, name: 'evil', weightsBytes: 4096, seed: 9 })
    const relay = await startRelay(b.address, (client, server) => {
      client.destroy()
      // Speak the transfer protocol to the receiver as if the paired sender did.
      const blobs = evil.blobs.map(({ digest, size }) => ({ digest, size }))
      const frames = [transferFrame(1, { t: 'offer', model: evil.name, manifest: evil.manifestText, blobs })]
      server.write(Buffer.concat(frames))
      let replies = Buffer.alloc(0)
      server.on('data', (chunk) => {
        replies = Buffer.concat([replies, chunk])
        if (!replies.includes('"want"')) return
        replies = Buffer.alloc(0)
        const out: Buffer[] = []
        for (const blob of evil.blobs) {
          out.push(transferFrame(1, { t: 'blob', digest: blob.digest, offset: 0 }))
          out.push(transferFrame(2, readFileSync(blobPath(evilModels, blob.digest))))
          out.push(transferFrame(1, { t: 'blob-done', digest: blob.digest }))
        }
        out.push(transferFrame(1, { t: 'commit' }))
        server.write(Buffer.concat(out))
      })
    })
    relays.push(relay)
    await a.service.sendModel(sent.name, relay.address).catch(() => undefined)
    await expect.poll(() => b.events.some((event) => event.type === 'failed' || event.type === 'received')).toBe(true)
    expect(b.events.filter((event) => event.type === 'received')).toEqual([])
    expect(existsSync(manifestPath(b.modelsDir, evil.name))).toBe(false)
  })

  it('a paired machine cannot silently replace an installed model whose manifest differs', async () => {
    const { a, b } = await pairedPair()
    const mine = await makeModel({ modelsDir: b.modelsDir, name: 'tiny', weightsBytes: 8192, seed: 1 })
    const theirs = await makeModel({ modelsDir: a.modelsDir, name: 'tiny', weightsBytes: 8192, seed: 2 })
    expect(theirs.manifestText).not.toBe(mine.manifestText)
    b.service.allowModels(a.service.selfId, true)
    await expect(a.service.sendModel(theirs.name, b.service.selfId)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/already installed/) })
    expect(readFileSync(manifestPath(b.modelsDir, mine.name), 'utf8')).toBe(mine.manifestText)
    expect(existsSync(blobPath(b.modelsDir, theirs.weights.digest))).toBe(false)
  })
})
