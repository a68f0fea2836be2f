import type os from 'node:os'
import { describe, expect, it } from 'vitest'
import { LoopbackRdma, loopbackDevice } from '../../../test/support/fakes/rdma-native-loopback'
import { benchRdmaDevices, benchTransport } from './bench'
import type { SysfsReader } from './links'
import { TcpTransport } from './tcp-transport'

const nic = (address: string): os.NetworkInterfaceInfo => ({ address, netmask: '255.0.0.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/8` })
const pciNic: SysfsReader = { readlink: (file) => (file.endsWith('/device/driver') ? '../../../bus/pci/drivers/mlx5_core' : undefined), exists: () => false }

// Loopback connections always complete: a busy machine may make them slow, never too slow.
describe('rdma bench', () => {
  it('moves the bytes over TCP on loopback and reports a rate', async () => {
    const result = await benchTransport(new TcpTransport({ connectTimeoutMs: 60_000 }), { host: '127.0.0.1', port: 0, bytes: 8 * 1024 * 1024 + 5 })
    expect(result).toMatchObject({ transport: 'tcp', bytes: 8 * 1024 * 1024 + 5 })
    expect(result.gbitPerSec).toBeGreaterThan(0)
  })

  it('measures each device through the native adapter and TCP on its address, and says why a device was not measured', async () => {
    // RoCE v2 GID ::ffff:127.0.0.1 ties mlx5_0 to the interface holding 127.0.0.1; mlx5_1 has no address.
    const bound = { ...loopbackDevice('mlx5_0'), ports: [{ ...loopbackDevice().ports[0]!, gids: ['0000:0000:0000:0000:0000:ffff:7f00:0001'] }] }
    const native = new LoopbackRdma([bound, loopbackDevice('mlx5_1')])
    const lines = await benchRdmaDevices({ native, devices: native.listDevices(), interfaces: { eth0: [nic('127.0.0.1')] }, sysfs: pciNic, tcp: new TcpTransport({ connectTimeoutMs: 60_000 }), bytes: 4 * 1024 * 1024, platform: 'linux' })
    expect(lines[0]).toMatch(/^mlx5_0 via eth0 \(127\.0\.0\.1\), this machine to itself: RDMA \d+\.\d\d Gb\/s, TCP \d+\.\d\d Gb\/s$/)
    expect(lines[1]).toBe('mlx5_1: no active port with an IP address (rdma_cm needs one); not measured')
    // The RDMA figure came from bytes that really crossed the stand-in.
    expect(native.stats.bytes).toBeGreaterThanOrEqual(4 * 1024 * 1024)
  })
})
