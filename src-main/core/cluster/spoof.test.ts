import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { parseTcpAddress } from '../rdma'
import { LoopbackRegistry } from './discovery'
import { ClusterService } from './service'
import { testServiceOptions } from './testdata/service-options'

/* Issue 26: an announcement carrying a paired machine's id does not silently move it. */

const services: ClusterService[] = []
const servers: net.Server[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()))
  for (const server of servers.splice(0)) server.close()
  removeTempDirs()
})

describe('spoofed announcements (issue 26)', () => {
  it('the last address where the peer proved its keys stays first, the move is warned about, and queries still reach the real machine', async () => {
    const registry = new LoopbackRegistry()
    const a = new ClusterService(testServiceOptions(makeTempDir(), { registry, name: 'alpha', describe: async () => ({ rdma: { available: false, reason: null, devices: [] }, linkKinds: [], models: [], ramBytes: 1, gpu: 'alpha GPU', appVersion: '1.0.0' }) }))
    const b = new ClusterService(testServiceOptions(makeTempDir(), { registry, name: 'beta', describe: async () => ({ rdma: { available: false, reason: null, devices: [] }, linkKinds: [], models: [], ramBytes: 1, gpu: 'beta GPU', appVersion: '1.0.0' }) }))
    services.push(a, b)
    await a.start({ host: '127.0.0.1', port: 0 })
    const real = await b.start({ host: '127.0.0.1', port: 0 })
    await a.pair(real, b.showPairingCode().code)
    expect((await a.peerInfo(b.selfId)).gpu).toBe('beta GPU')

    // An attacker announces beta's id at its own port.
    const attacker = net.createServer((socket) => socket.destroy())
    servers.push(attacker)
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    const attackerPort = (attacker.address() as net.AddressInfo).port
    registry.announce({ instanceId: b.selfId, name: 'beta', version: '1.0.0', port: attackerPort, capabilities: { rdmaDevices: 0, linkKinds: [], ramGiB: 0, gpu: null, modelCount: 0 } })

    const listed = a.peers().find((peer) => peer.id === b.selfId)
    expect(listed?.addresses[0]).toBe(real)
    expect(listed?.addresses).toContain(`tcp://127.0.0.1:${attackerPort}`)
    expect(listed?.addressWarning).toMatch(new RegExp(`Announced at tcp://127\\.0\\.0\\.1:${attackerPort}, but it last proved its identity at ${real.replace(/\./g, '\\.')}`))
    expect((await a.peerInfo(b.selfId)).gpu).toBe('beta GPU')
    expect(parseTcpAddress(a.peersStore.get(b.selfId)?.lastGoodAddress ?? '').port).toBe(parseTcpAddress(real).port)
  })
})
