import { describe, expect, it } from 'vitest'
import { collectCapabilities, decodeCapabilitySummary, encodeCapabilitySummary, ipLinkKinds, summarizeCapabilities } from './capabilities'

const iface = (internal: boolean) => [{ address: internal ? '127.0.0.1' : '10.0.0.2', netmask: '255.0.0.0', family: 'IPv4' as const, mac: '00:00:00:00:00:00', internal, cidr: null }]

describe('capabilities', () => {
  it('collects RDMA devices, link kinds, models, RAM, GPU and version', async () => {
    const capabilities = await collectCapabilities({
      appVersion: '1.2.3',
      listModels: async () => ['qwen3:8b', { name: 'llama3.2:3b', sizeBytes: 2_000 }, { name: 'qwen3:8b', sizeBytes: 5_000 }],
      rdmaStatus: () => ({ ok: true, reason: 'ok' }),
      listRdmaDevices: () => [{ name: 'mlx5_0', linkKind: 'rdma-network', speedGbps: 100 }],
      gpu: () => ' Apple M2 Ultra ',
      totalMemory: () => 64 * 2 ** 30,
      networkInterfaces: () => ({ lo: iface(true), eth0: iface(false), wlan0: iface(false) }),
    })
    expect(capabilities).toEqual({
      rdma: { available: true, reason: null, devices: [{ name: 'mlx5_0', linkKind: 'rdma-network', speedGbps: 100 }] },
      linkKinds: ['rdma-network', 'loopback', 'ethernet', 'wifi'],
      models: [{ name: 'llama3.2:3b', sizeBytes: 2_000 }, { name: 'qwen3:8b', sizeBytes: 5_000 }],
      ramBytes: 64 * 2 ** 30,
      gpu: 'Apple M2 Ultra',
      appVersion: '1.2.3',
    })
  })

  it('treats a missing RDMA addon, a stopped Ollama and an unknown GPU as none', async () => {
    const capabilities = await collectCapabilities({
      appVersion: '1.0.0',
      listModels: () => Promise.reject(new Error('connect ECONNREFUSED')),
      rdmaStatus: () => ({ ok: true, reason: 'ok' }),
      listRdmaDevices: () => {
        throw new Error('addon not built')
      },
      networkInterfaces: () => ({}),
    })
    expect(capabilities.rdma).toEqual({ available: false, reason: 'No RDMA device was found.', devices: [] })
    expect(capabilities.models).toEqual([])
    expect(capabilities.gpu).toBeNull()
    expect(capabilities.linkKinds).toEqual([])
    expect(capabilities.ramBytes).toBeGreaterThan(0)
  })

  it('says why RDMA is unavailable, and lists no devices then', async () => {
    const capabilities = await collectCapabilities({
      appVersion: '1',
      listModels: () => [],
      rdmaStatus: () => ({ ok: false, reason: 'no RDMA addon for linux-x64' }),
      listRdmaDevices: () => [{ name: 'ghost', linkKind: 'rdma-network' }],
      networkInterfaces: () => ({}),
    })
    expect(capabilities.rdma).toEqual({ available: false, reason: 'no RDMA addon for linux-x64', devices: [] })
    expect(summarizeCapabilities(capabilities).rdmaDevices).toBe(0)
  })

  it('guesses IP link kinds from interface names', () => {
    expect(ipLinkKinds({ thunderbolt0: iface(false), bridge0: iface(false), enp3s0: iface(false), utun3: iface(false), empty: [] })).toEqual(['thunderbolt-ip', 'ethernet', 'unknown'])
  })

  it('summarises into a TXT-sized value and back', async () => {
    const capabilities = await collectCapabilities({ appVersion: '1', listModels: () => ['a', 'b'], gpu: () => 'G'.repeat(300), totalMemory: () => 3 * 2 ** 30, networkInterfaces: () => ({ eth0: iface(false) }) })
    const summary = summarizeCapabilities(capabilities)
    expect(summary).toEqual({ rdmaDevices: 0, linkKinds: ['ethernet'], ramGiB: 3, gpu: 'G'.repeat(64), modelCount: 2 })
    const encoded = encodeCapabilitySummary(summary)
    expect(Buffer.byteLength(`caps=${encoded}`)).toBeLessThanOrEqual(255)
    expect(decodeCapabilitySummary(encoded)).toEqual(summary)
  })

  it('rejects malformed summaries from the network', () => {
    expect(decodeCapabilitySummary('not json')).toBeUndefined()
    expect(decodeCapabilitySummary('{"r":-1,"l":[],"m":1,"g":null,"n":0}')).toBeUndefined()
    expect(decodeCapabilitySummary('{"r":0,"l":["carrier-pigeon"],"m":1,"g":null,"n":0}')).toBeUndefined()
  })
})
