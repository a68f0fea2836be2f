import type os from 'node:os'
import { describe, expect, it } from 'vitest'
import { CancelledError, NetworkError } from '../errors'
import {
  classifyInterfaces,
  createSysfsReader,
  gidToAddress,
  LINK_PREFERENCE,
  NoWorkingPathError,
  parseMacHardwarePorts,
  pathAddress,
  pathsToPeer,
  pickFastest,
  rankPaths,
  withFallback,
  type LinkPath,
  type RdmaDeviceInfo,
  type SysfsReader,
} from './links'

type Table = NodeJS.Dict<os.NetworkInterfaceInfo[]>

const v4 = (address: string, prefix: number, mac = '02:00:00:00:00:01', internal = false): os.NetworkInterfaceInfo => ({
  address,
  netmask: '',
  family: 'IPv4',
  mac,
  internal,
  cidr: `${address}/${prefix}`,
})
const v6 = (address: string, prefix: number, mac = '02:00:00:00:00:01', internal = false): os.NetworkInterfaceInfo => ({
  address,
  netmask: '',
  family: 'IPv6',
  mac,
  internal,
  cidr: `${address}/${prefix}`,
  scopeid: 0,
})
const lo: os.NetworkInterfaceInfo[] = [v4('127.0.0.1', 8, '00:00:00:00:00:00', true), v6('::1', 128, '00:00:00:00:00:00', true)]

/** A recorded /sys: symlink targets and files that exist. */
function sysfs(links: Record<string, string>, files: string[] = []): SysfsReader {
  return { readlink: (file) => links[file], exists: (file) => files.includes(file) }
}

const kinds = (table: ReturnType<typeof classifyInterfaces>): Record<string, string> => Object.fromEntries(table.map((entry) => [entry.name, entry.rdma ? `${entry.kind}+${entry.rdma.kind}` : entry.kind]))

// This machine, as recorded: os.networkInterfaces() and /sys/class/net/eth0/device/driver.
const thisMachine: Table = {
  lo,
  eth0: [v4('192.0.2.2', 24, '02:fc:00:00:00:01'), v6('fd00::2', 64, '02:fc:00:00:00:01'), v6('fe80::fc:ff:fe00:1', 64, '02:fc:00:00:00:01')],
}
const thisSysfs = sysfs({ '/sys/class/net/eth0/device/driver': '../../../../bus/virtio/drivers/virtio_net' })

// A Linux workstation: Intel Ethernet, Wi-Fi, a thunderbolt-net cable to a second box, and docker.
const linuxThunderbolt: Table = {
  lo,
  enp5s0: [v4('192.168.1.20', 24)],
  wlp2s0: [v4('192.168.1.21', 24)],
  thunderbolt0: [v4('10.99.0.1', 30), v6('fe80::aa:bbff:fecc:1', 64)],
  docker0: [v4('172.17.0.1', 16)],
}
const linuxSysfs = sysfs(
  {
    '/sys/class/net/enp5s0/device/driver': '../../../../bus/pci/drivers/igc',
    '/sys/class/net/wlp2s0/device/driver': '../../../../bus/pci/drivers/iwlwifi',
    '/sys/class/net/thunderbolt0/device/driver': '../../../../bus/thunderbolt/drivers/thunderbolt-net',
  },
  ['/sys/class/net/wlp2s0/wireless'],
)

// A Mac Studio: Ethernet en0, Wi-Fi en1, Thunderbolt Bridge bridge0 over en2/en3, with macOS 26 RDMA.
const macStudio: Table = {
  lo0: lo,
  en0: [v4('192.168.1.30', 24)],
  en1: [v4('192.168.1.31', 24)],
  bridge0: [v4('169.254.10.2', 16)],
  en2: [v6('fe80::1c:2dff:fe3e:4f02', 64)],
  utun0: [v6('fe80::ce81:b1c:bd2c:69e', 64)],
}
const macPorts = parseMacHardwarePorts(
  ['Hardware Port: Ethernet', 'Device: en0', 'Ethernet Address: 3c:a6:f6:00:00:01', '', 'Hardware Port: Wi-Fi', 'Device: en1', 'Ethernet Address: 3c:a6:f6:00:00:02', '', 'Hardware Port: Thunderbolt Bridge', 'Device: bridge0', 'Ethernet Address: N/A', '', 'Hardware Port: Thunderbolt 1', 'Device: en2', 'Ethernet Address: 36:00:00:00:00:02'].join('\n'),
)
const macRdma: RdmaDeviceInfo[] = [
  { name: 'rdma_en2', transport: 'Thunderbolt', ports: [{ state: 'PORT_ACTIVE', linkLayer: 'unknown', gids: [] }] },
  { name: 'rdma_en3', transport: 'Thunderbolt', ports: [{ state: 'PORT_DOWN', linkLayer: 'unknown', gids: [] }] },
]

// A RoCE server: ConnectX on ens1f0 (10.0.0.21/24, MAC b8:ce:f6:a1:7c:2e), management on eno1.
const roceServer: Table = {
  lo,
  eno1: [v4('192.168.1.40', 24)],
  ens1f0: [v4('10.0.0.21', 24, 'b8:ce:f6:a1:7c:2e'), v6('fe80::bace:f6ff:fea1:7c2e', 64, 'b8:ce:f6:a1:7c:2e')],
}
const roceSysfs = sysfs({ '/sys/class/net/eno1/device/driver': '../../../../bus/pci/drivers/tg3', '/sys/class/net/ens1f0/device/driver': '../../../../bus/pci/drivers/mlx5_core' })
const roceDevice: RdmaDeviceInfo = {
  name: 'mlx5_2',
  transport: 'RoCE',
  ports: [{ state: 'PORT_ACTIVE (4)', linkLayer: 'Ethernet', gids: ['fe80:0000:0000:0000:bace:f6ff:fea1:7c2e', 'fe80::bace:f6ff:fea1:7c2e', '0000:0000:0000:0000:0000:ffff:0a00:0015', '::ffff:10.0.0.21'] }],
}

describe('classifyInterfaces', () => {
  it('this machine: lo is loopback, the virtio eth0 is Ethernet', () => {
    expect(kinds(classifyInterfaces(thisMachine, thisSysfs, { platform: 'linux' }))).toEqual({ lo: 'loopback', eth0: 'ethernet' })
  })

  it('reads the real /sys of this machine the same way', () => {
    const real = classifyInterfaces(thisMachine, createSysfsReader(), { platform: 'linux' })
    expect(real.find((entry) => entry.name === 'lo')?.kind).toBe('loopback')
    expect(createSysfsReader().readlink('/nonexistent/link')).toBeUndefined()
  })

  it('Linux: thunderbolt-net driver, wireless dir, PCI Ethernet, software bridge', () => {
    expect(kinds(classifyInterfaces(linuxThunderbolt, linuxSysfs, { platform: 'linux' }))).toEqual({
      lo: 'loopback',
      enp5s0: 'ethernet',
      wlp2s0: 'wifi',
      thunderbolt0: 'thunderbolt-ip',
      docker0: 'unknown',
    })
  })

  it('macOS: hardware ports name the links; the active Thunderbolt RDMA device binds to its interface', () => {
    expect(macPorts).toContainEqual({ name: 'Thunderbolt Bridge', device: 'bridge0' })
    expect(kinds(classifyInterfaces(macStudio, sysfs({}), { platform: 'darwin', macServices: macPorts, rdmaDevices: macRdma }))).toEqual({
      lo0: 'loopback',
      en0: 'ethernet',
      en1: 'wifi',
      bridge0: 'thunderbolt-ip',
      en2: 'thunderbolt-ip+rdma-thunderbolt',
      utun0: 'unknown',
    })
    // Without the service list only bridge0 is recognisable.
    expect(kinds(classifyInterfaces(macStudio, sysfs({}), { platform: 'darwin' }))).toMatchObject({ bridge0: 'thunderbolt-ip', en0: 'unknown' })
  })

  it('RoCE: the device binds to the Ethernet interface whose address or MAC its GIDs carry', () => {
    const table = classifyInterfaces(roceServer, roceSysfs, { platform: 'linux', rdmaDevices: [roceDevice] })
    expect(kinds(table)).toEqual({ lo: 'loopback', eno1: 'ethernet', ens1f0: 'ethernet+rdma-network' })
    // Only the link-local (MAC-derived, RoCE v1) GID: still matched through the MAC.
    const v1Only = classifyInterfaces(roceServer, roceSysfs, { platform: 'linux', rdmaDevices: [{ ...roceDevice, ports: [{ state: 'PORT_ACTIVE', linkLayer: 'Ethernet', gids: ['fe80:0000:0000:0000:bace:f6ff:fea1:7c2e'] }] }] })
    expect(kinds(v1Only).ens1f0).toBe('ethernet+rdma-network')
    const down = classifyInterfaces(roceServer, roceSysfs, { platform: 'linux', rdmaDevices: [{ ...roceDevice, ports: [{ state: 'PORT_DOWN', linkLayer: 'Ethernet', gids: ['::ffff:10.0.0.21'] }] }] })
    expect(kinds(down).ens1f0).toBe('ethernet')
  })

  it('Windows-style names fall back to the name', () => {
    expect(kinds(classifyInterfaces({ 'Wi-Fi': [v4('10.1.1.2', 24)], Ethernet: [v4('10.1.2.2', 24)], vEthernet: [v4('10.1.3.2', 24)] }, sysfs({}), { platform: 'win32' }))).toEqual({
      'Wi-Fi': 'wifi',
      Ethernet: 'ethernet',
      vEthernet: 'unknown',
    })
  })

  it('decodes GIDs to addresses', () => {
    expect(gidToAddress('0000:0000:0000:0000:0000:ffff:0a00:0015')).toBe('10.0.0.21')
    expect(gidToAddress('::ffff:10.0.0.21')).toBe('10.0.0.21')
    expect(gidToAddress('fe80:0000:0000:0000:bace:f6ff:fea1:7c2e')).toBe('fe80::bace:f6ff:fea1:7c2e')
  })
})

describe('pathsToPeer and pickFastest', () => {
  it('RoCE server to a peer on the RDMA subnet and the management LAN: RDMA first, then Ethernet', () => {
    const local = classifyInterfaces(roceServer, roceSysfs, { platform: 'linux', rdmaDevices: [roceDevice] })
    const paths = pathsToPeer(['192.168.1.41', '10.0.0.22'], local)
    expect(paths.map((path) => `${path.kind}/${path.transport}/${path.interface}/${path.peer}`)).toEqual([
      'rdma-network/rdma/ens1f0/10.0.0.22',
      'ethernet/tcp/eno1/192.168.1.41',
      'ethernet/tcp/ens1f0/10.0.0.22',
    ])
    expect(pickFastest(paths)?.rdmaDevice).toBe('mlx5_2')
    expect(pathAddress(paths[0] as LinkPath, 7100)).toBe('rdma://10.0.0.22:7100')
  })

  it('Linux workstation: Thunderbolt IP beats Ethernet beats Wi-Fi; scoped link-local picks its interface', () => {
    const local = classifyInterfaces(linuxThunderbolt, linuxSysfs, { platform: 'linux' })
    const paths = pathsToPeer(['192.168.1.50', '10.99.0.2', 'fe80::aa:bbff:fecc:2%thunderbolt0'], local)
    expect(paths.map((path) => `${path.kind}/${path.interface}`)).toEqual(['thunderbolt-ip/thunderbolt0', 'thunderbolt-ip/thunderbolt0', 'ethernet/enp5s0', 'wifi/wlp2s0'])
    expect(pathAddress(paths[1] as LinkPath, 80)).toBe('tcp://[fe80::aa:bbff:fecc:2%thunderbolt0]:80')
  })

  it('Mac with Thunderbolt Bridge: RDMA over Thunderbolt only where the RDMA device sits', () => {
    const local = classifyInterfaces(macStudio, sysfs({}), { platform: 'darwin', macServices: macPorts, rdmaDevices: macRdma })
    const paths = pathsToPeer(['169.254.10.3', 'fe80::1c:2dff:fe3e:4f03%en2', '192.168.1.32'], local)
    expect(paths.map((path) => path.kind)).toEqual(['rdma-thunderbolt', 'thunderbolt-ip', 'thunderbolt-ip', 'ethernet', 'wifi'])
  })

  it('this machine: loopback to itself, anything off-subnet goes through the default route', () => {
    const local = classifyInterfaces(thisMachine, thisSysfs, { platform: 'linux' })
    expect(pathsToPeer(['127.0.0.1'], local).map((path) => path.kind)).toEqual(['loopback'])
    expect(pathsToPeer(['192.0.2.9', '203.0.113.5', 'not an address'], local).map((path) => `${path.kind}/${path.interface}`)).toEqual(['ethernet/eth0', 'unknown/default route'])
    expect(pickFastest([])).toBeUndefined()
  })

  it('ranks by the documented order and keeps ties in input order', () => {
    const path = (kind: LinkPath['kind'], peer: string): LinkPath => ({ kind, transport: 'tcp', peer, interface: 'x' })
    const ranked = rankPaths([path('wifi', 'a'), path('unknown', 'b'), path('rdma-network', 'c'), path('ethernet', 'd'), path('rdma-thunderbolt', 'e'), path('thunderbolt-ip', 'f')])
    expect(ranked.map((entry) => entry.peer)).toEqual(['c', 'e', 'f', 'd', 'a', 'b'])
    expect(LINK_PREFERENCE[0]).toBe('loopback')
  })
})

describe('withFallback', () => {
  const paths: LinkPath[] = [
    { kind: 'ethernet', transport: 'tcp', peer: '10.0.0.22', interface: 'ens1f0' },
    { kind: 'rdma-network', transport: 'rdma', peer: '10.0.0.22', interface: 'ens1f0', rdmaDevice: 'mlx5_2' },
  ]

  it('falls back to the next path and says which were skipped and why', async () => {
    const tried: string[] = []
    const result = await withFallback(paths, async (path) => {
      tried.push(path.kind)
      if (path.transport === 'rdma') throw new NetworkError('rdma://10.0.0.22:7100 refused the RDMA connection.')
      return `connected over ${path.kind}`
    })
    expect(tried).toEqual(['rdma-network', 'ethernet'])
    expect(result.value).toBe('connected over ethernet')
    expect(result.skipped.map((entry) => [entry.path.kind, entry.error.message])).toEqual([['rdma-network', 'rdma://10.0.0.22:7100 refused the RDMA connection.']])
  })

  it('fails with every reason when no path works, and stops at once when cancelled', async () => {
    const error = await withFallback(paths, () => Promise.reject(new Error('boom'))).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NoWorkingPathError)
    expect((error as NoWorkingPathError).skipped).toHaveLength(2)
    expect((error as NoWorkingPathError).message).toContain('rdma-network via ens1f0')
    await expect(withFallback([], () => Promise.resolve(1))).rejects.toThrow('There is no network path to the peer.')
    let calls = 0
    await expect(
      withFallback(paths, () => {
        calls++
        return Promise.reject(new CancelledError())
      }),
    ).rejects.toBeInstanceOf(CancelledError)
    expect(calls).toBe(1)
  })
})
