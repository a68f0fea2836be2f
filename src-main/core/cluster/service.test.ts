import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { LoopbackRegistry } from './discovery'
import { PairingError } from './pairing'
import { testServiceOptions } from './testdata/service-options'
import { ClusterService, normalizeAddress, UnknownPeerError, type ClusterEvent } from './service'
import { blobPath, manifestPath } from './transfer'
import { makeModel, sha256OfFile } from './transfer/testdata/make-model'

const running: ClusterService[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()))
  removeTempDirs()
})

/** One instance: its own data dir, secrets, fake Ollama models dir, and a real TCP listener on 127.0.0.1. */
async function instance(registry: LoopbackRegistry, name: string) {
  const dataDir = makeTempDir()
  const modelsDir = path.join(makeTempDir(), 'models')
  const events: ClusterEvent[] = []
  const service = new ClusterService(testServiceOptions(dataDir, { registry, modelsDir, name, onEvent: (event) => events.push(event) }))
  running.push(service)
  const address = await service.start({ host: '127.0.0.1', port: 0 })
  return { service, address, modelsDir, events }
}

async function pairedPair() {
  const registry = new LoopbackRegistry()
  const a = await instance(registry, 'alpha')
  const b = await instance(registry, 'beta')
  await a.service.pair(b.address, b.service.showPairingCode().code)
  return { registry, a, b }
}

describe('ClusterService on loopback', () => {
  it('pairs with the shown code, and then both list each other as paired', async () => {
    const registry = new LoopbackRegistry()
    const a = await instance(registry, 'alpha')
    const b = await instance(registry, 'beta')
    expect(a.service.peers()).toEqual([expect.objectContaining({ id: b.service.selfId, name: 'beta', paired: false, addresses: [b.address], via: 'loopback' })])

    const { code } = b.service.showPairingCode()
    expect(code).toMatch(/^\d{6}$/)
    const peer = await a.service.pair(b.address, code)
    expect(peer).toMatchObject({ id: b.service.selfId, name: 'beta' })

    expect(a.service.peers()).toEqual([expect.objectContaining({ id: b.service.selfId, paired: true, addresses: [b.address] })])
    await expect.poll(() => b.service.peers()).toEqual([expect.objectContaining({ id: a.service.selfId, name: 'alpha', paired: true, addresses: [a.address] })])
    expect(b.events.map((event) => event.type)).toEqual(['paired'])
  })

  it('refuses a wrong code: nobody is paired', async () => {
    const registry = new LoopbackRegistry()
    const a = await instance(registry, 'alpha')
    const b = await instance(registry, 'beta')
    const { code } = b.service.showPairingCode()
    const wrong = code === '000000' ? '000001' : '000000'
    await expect(a.service.pair(b.address, wrong)).rejects.toMatchObject({ reason: 'wrong-code', code: 'E_UNAUTHORIZED' })
    expect(a.service.peersStore.list()).toEqual([])
    await expect.poll(() => b.events.map((event) => event.type)).toEqual(['failed'])
    expect(b.service.peersStore.list()).toEqual([])
  })

  it('refuses a pairing code that is not 6 digits before connecting', async () => {
    const registry = new LoopbackRegistry()
    const a = await instance(registry, 'alpha')
    const b = await instance(registry, 'beta')
    await expect(a.service.pair(b.address, '12ab')).rejects.toBeInstanceOf(PairingError)
    expect(b.events).toEqual([])
  })

  it('sends a model to a paired peer: manifest and blobs arrive with the right digests', async () => {
    const { a, b } = await pairedPair()
    const model = await makeModel({ modelsDir: a.modelsDir, name: 'tiny', tag: '1b', weightsBytes: 3 * 1024 * 1024, seed: 3 })
    const progress: number[] = []
    b.service.allowModels('alpha', true)

    const result = await a.service.sendModel(model.name, 'beta', { onProgress: (p) => progress.push(p.bytesDone) })

    expect(result).toMatchObject({ peerId: b.service.selfId, bytesTotal: model.totalBytes, blobsSent: model.blobs.length })
    expect(progress.at(-1)).toBe(model.totalBytes)
    expect(readFileSync(manifestPath(b.modelsDir, model.name), 'utf8')).toBe(model.manifestText)
    for (const blob of model.blobs) expect(await sha256OfFile(blobPath(b.modelsDir, blob.digest))).toBe(blob.digest)
    await expect.poll(() => b.events.some((event) => event.type === 'received' && event.result.model.includes('tiny'))).toBe(true)
  })

  it('refuses a transfer from a machine that is not paired, and writes nothing', async () => {
    const registry = new LoopbackRegistry()
    const stranger = await instance(registry, 'stranger')
    const b = await instance(registry, 'beta')
    const model = await makeModel({ modelsDir: stranger.modelsDir, name: 'tiny', weightsBytes: 1024 * 1024 })

    await expect(stranger.service.sendModel(model.name, b.address)).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' })

    expect(existsSync(manifestPath(b.modelsDir, model.name))).toBe(false)
    for (const blob of model.blobs) expect(existsSync(blobPath(b.modelsDir, blob.digest))).toBe(false)
    // The purpose travels inside the encrypted channel: a stranger's connection never gets that far.
    await expect.poll(() => b.events.find((event) => event.type === 'failed')).toMatchObject({ purpose: 'secure', error: { code: 'E_UNAUTHORIZED' } })
  })

  it('names unknown peers and bad addresses clearly', async () => {
    const registry = new LoopbackRegistry()
    const a = await instance(registry, 'alpha')
    await makeModel({ modelsDir: a.modelsDir, name: 'tiny', weightsBytes: 1024 })
    await expect(a.service.sendModel('tiny', 'nobody')).rejects.toBeInstanceOf(UnknownPeerError)
    expect(() => normalizeAddress('127.0.0.1:99999')).toThrow(/is not a transport address/)
    expect(normalizeAddress('127.0.0.1:4000')).toBe('tcp://127.0.0.1:4000')
  })
})
