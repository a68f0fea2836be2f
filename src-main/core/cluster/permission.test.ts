import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { LoopbackRegistry } from './discovery'
import { ClusterService, type ClusterEvent } from './service'
import { testServiceOptions } from './testdata/service-options'
import { manifestPath } from './transfer'
import { makeModel } from './transfer/testdata/make-model'

/* Issue 26: a paired machine may send models only once this machine allowed it (per peer, off by default). */

const services: ClusterService[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()))
  removeTempDirs()
})

async function machine(registry: LoopbackRegistry, name: string) {
  const dir = makeTempDir()
  const modelsDir = path.join(dir, 'models')
  const events: ClusterEvent[] = []
  const service = new ClusterService(testServiceOptions(dir, { registry, name, modelsDir, onEvent: (event) => events.push(event) }))
  services.push(service)
  const address = await service.start({ host: '127.0.0.1', port: 0 })
  return { service, address, modelsDir, events }
}

describe('per-peer permission to send models (issue 26)', () => {
  it('is off after pairing: the transfer is refused with the reason and nothing is installed; allowed, it goes through; forbidden again, refused', async () => {
    const registry = new LoopbackRegistry()
    const a = await machine(registry, 'alpha')
    const b = await machine(registry, 'beta')
    await a.service.pair(b.address, b.service.showPairingCode().code)
    const model = await makeModel({ modelsDir: a.modelsDir, name: 'tiny', weightsBytes: 32 * 1024 })
    expect(b.service.peers().find((peer) => peer.id === a.service.selfId)).toMatchObject({ paired: true, maySendModels: false })

    await expect(a.service.sendModel(model.name, b.service.selfId)).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringMatching(/alpha may not send models to beta/) })
    expect(existsSync(manifestPath(b.modelsDir, model.name))).toBe(false)

    b.service.allowModels('alpha', true)
    await expect(a.service.sendModel(model.name, b.service.selfId)).resolves.toMatchObject({ model: 'tiny:latest' })
    expect(existsSync(manifestPath(b.modelsDir, model.name))).toBe(true)

    b.service.allowModels(a.service.selfId, false)
    await expect(a.service.sendModel(model.name, b.service.selfId)).rejects.toMatchObject({ code: 'E_FORBIDDEN' })
    expect(() => b.service.allowModels('nobody', true)).toThrow(/No paired machine is called "nobody"/)
  })
})
