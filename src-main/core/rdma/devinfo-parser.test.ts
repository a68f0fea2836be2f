import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../errors'
import { parseIbvDevinfo } from './devinfo-parser'

const sample = (name: string) => readFileSync(new URL(`./testdata/ibv_devinfo-${name}.txt`, import.meta.url), 'utf8')

describe('parseIbvDevinfo', () => {
  it('reads an InfiniBand HCA: HDR 4X at 50 Gb/s per lane is 200 Gb/s, the down port too', () => {
    expect(parseIbvDevinfo(sample('infiniband'))).toEqual([
      {
        name: 'mlx5_0',
        guid: '0c42:a103:0065:b1e8',
        transport: 'InfiniBand',
        ports: [
          { num: 1, state: 'PORT_ACTIVE', speed: 200, mtu: 4096, linkLayer: 'InfiniBand', gids: ['fe80:0000:0000:0000:0c42:a103:0065:b1e8'] },
          { num: 2, state: 'PORT_DOWN', speed: 10, mtu: 4096, linkLayer: 'InfiniBand', gids: [] },
        ],
      },
    ])
  })

  it('calls an InfiniBand-transport device on an Ethernet link RoCE and strips the GID type suffix', () => {
    const [device] = parseIbvDevinfo(sample('roce'))
    expect(device?.transport).toBe('RoCE')
    expect(device?.ports).toEqual([
      {
        num: 1,
        state: 'PORT_ACTIVE',
        speed: 25,
        mtu: 1024,
        linkLayer: 'Ethernet',
        gids: ['fe80:0000:0000:0000:bace:f6ff:fea1:7c2e', 'fe80::bace:f6ff:fea1:7c2e', '0000:0000:0000:0000:0000:ffff:0a00:0015', '::ffff:10.0.0.21'],
      },
    ])
  })

  it('reads an iWARP NIC with two 100 Gb/s Ethernet ports', () => {
    const [device] = parseIbvDevinfo(sample('iwarp'))
    expect(device).toMatchObject({ name: 'cxgb4_0', guid: '0007:4312:6a10:0000', transport: 'iWARP' })
    expect(device?.ports.map((p) => [p.num, p.state, p.speed, p.linkLayer])).toEqual([
      [1, 'PORT_ACTIVE', 100, 'Ethernet'],
      [2, 'PORT_DOWN', 100, 'Ethernet'],
    ])
  })

  it('reads Apple RDMA over Thunderbolt (TN3205): three rdma_en devices, unknown fields stay empty', () => {
    const devices = parseIbvDevinfo(sample('thunderbolt'))
    expect(devices.map((d) => [d.name, d.transport, d.guid])).toEqual([
      ['rdma_en2', 'Thunderbolt', 'e0c5:797d:9c8f:ac05'],
      ['rdma_en3', 'Thunderbolt', 'e1c5:797d:9c8f:ac05'],
      ['rdma_en4', 'Thunderbolt', 'e2c5:797d:9c8f:ac05'],
    ])
    expect(devices[0]?.ports).toEqual([{ num: 1, state: 'PORT_ACTIVE', speed: 0, mtu: 0, linkLayer: 'unknown', gids: [] }])
  })

  it('reads several devices concatenated, in order', () => {
    const names = parseIbvDevinfo(`${sample('infiniband')}\n${sample('roce')}\n${sample('iwarp')}`).map((d) => [d.name, d.transport])
    expect(names).toEqual([
      ['mlx5_0', 'InfiniBand'],
      ['mlx5_2', 'RoCE'],
      ['cxgb4_0', 'iWARP'],
    ])
  })

  it('skips libibverbs warnings before the first device and handles CRLF', () => {
    const text = `libibverbs: Warning: couldn't open config directory '/etc/libibverbs.d'.\r\n${sample('thunderbolt').replace(/\n/g, '\r\n')}`
    expect(parseIbvDevinfo(text)).toHaveLength(3)
  })

  it('returns no devices for ibv_devinfo’s own "No IB devices found"', () => {
    expect(parseIbvDevinfo('No IB devices found\n')).toEqual([])
  })

  it('rejects text that is not ibv_devinfo output', () => {
    expect(() => parseIbvDevinfo('hello: world\n')).toThrow(ValidationError)
    expect(() => parseIbvDevinfo('')).toThrow(/no "hca_id:" line/)
  })

  it('rejects a device without a name and a port that is not a number', () => {
    expect(() => parseIbvDevinfo('hca_id:\n')).toThrow(/line 1: hca_id has no device name/)
    expect(() => parseIbvDevinfo('hca_id:\tmlx5_0\n\t\tport:\tone\n')).toThrow(/line 2: port "one"/)
  })

  it('rejects input that is not text', () => {
    expect(() => parseIbvDevinfo(42 as unknown as string)).toThrow(ValidationError)
  })

  it('keeps an unknown transport unknown', () => {
    const [device] = parseIbvDevinfo('hca_id:\tusnic_0\n\ttransport:\t\t\tusNIC (2)\n')
    expect(device).toEqual({ name: 'usnic_0', guid: '', transport: 'unknown', ports: [] })
  })
})
