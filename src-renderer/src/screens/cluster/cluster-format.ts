import type { ClusterLinkKind } from '../../../../src-shared/contract'

const LINK_LABELS: Record<ClusterLinkKind, string> = {
  'rdma-network': 'RDMA (network)',
  'rdma-thunderbolt': 'RDMA (Thunderbolt)',
  'thunderbolt-ip': 'Thunderbolt',
  ethernet: 'Ethernet',
  wifi: 'Wi-Fi',
  loopback: 'loopback (this computer)',
  unknown: 'Other network',
}

export const linkLabel = (kind: ClusterLinkKind): string => LINK_LABELS[kind]

/** Links are sold in bits per second: 940 Mbit/s, 9.4 Gbit/s. */
export function formatBandwidth(bytesPerSecond: number): string {
  const bits = bytesPerSecond * 8
  if (bits >= 1e9) return `${(bits / 1e9).toFixed(bits >= 1e10 ? 0 : 1)} Gbit/s`
  if (bits >= 1e6) return `${(bits / 1e6).toFixed(bits >= 1e7 ? 0 : 1)} Mbit/s`
  return `${Math.round(bits / 1e3)} kbit/s`
}

export function formatGiB(bytes: number): string {
  const gib = Math.round((bytes / 2 ** 30) * 10) / 10
  return `${Number.isInteger(gib) || gib >= 100 ? Math.round(gib) : gib.toFixed(1)} GB`
}

/** "just now", "42 s ago", "5 min ago", "3 h ago". */
export function formatAgo(ms: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000))
  if (seconds < 5) return 'just now'
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  return `${Math.round(seconds / 3600)} h ago`
}

/** `tcp://192.168.1.20:47811` → `192.168.1.20:47811`. */
export const showAddress = (address: string): string => address.replace(/^tcp:\/\//, '')

/** Whether a `tcp://host:port` address is this computer (two instances side by side). */
export function isLoopbackAddress(address: string): boolean {
  const host = showAddress(address).replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}
