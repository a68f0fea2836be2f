import type os from 'node:os'
import { describe, expect, it } from 'vitest'
import { linkKindFor } from './controller'

const entry = (address: string, netmask: string): os.NetworkInterfaceInfo => ({ address, netmask, family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: null })

describe('linkKindFor', () => {
  const interfaces = { eth0: [entry('192.168.1.10', '255.255.255.0')], wlan0: [entry('10.0.0.5', '255.255.0.0')], thunderbolt0: [entry('169.254.3.1', '255.255.0.0')] }

  it('names the local interface whose subnet holds the peer', () => {
    expect(linkKindFor('tcp://192.168.1.77:47811', interfaces)).toBe('ethernet')
    expect(linkKindFor('tcp://10.0.200.1:47811', interfaces)).toBe('wifi')
    expect(linkKindFor('tcp://169.254.9.9:47811', interfaces)).toBe('thunderbolt-ip')
  })

  it('knows loopback, and says unknown for a routed or IPv6 address', () => {
    expect(linkKindFor('tcp://127.0.0.1:5', interfaces)).toBe('loopback')
    expect(linkKindFor('tcp://[::1]:5', interfaces)).toBe('loopback')
    expect(linkKindFor('tcp://8.8.8.8:5', interfaces)).toBe('unknown')
    expect(linkKindFor('tcp://[fe80::1]:5', interfaces)).toBe('unknown')
  })
})
