import { existsSync, readlinkSync } from 'node:fs'
import net from 'node:net'
import type os from 'node:os'
import path from 'node:path'
import { AppError, NetworkError } from '../errors'
import type { LinkKind } from './transport'

/**
 * Which physical link reaches a peer, and which to try first. Everything that touches the
 * machine (interface table, sysfs, macOS network services, RDMA devices) is passed in.
 */

/** The bits of /sys this module reads; `createSysfsReader()` is the real one. */
export interface SysfsReader {
  /** Target of a symlink, or undefined if there is none. */
  readlink(file: string): string | undefined
  exists(file: string): boolean
}

export function createSysfsReader(): SysfsReader {
  return {
    readlink: (file) => {
      try {
        return readlinkSync(file)
      } catch {
        return undefined
      }
    },
    exists: (file) => existsSync(file),
  }
}

/** One row of `networksetup -listallhardwareports` on macOS. */
export interface MacNetworkService {
  /** "Hardware Port": Wi-Fi, Thunderbolt Bridge, Ethernet, Thunderbolt 1 … */
  name: string
  /** BSD interface: en0, bridge0 … */
  device: string
}

export function parseMacHardwarePorts(text: string): MacNetworkService[] {
  const services: MacNetworkService[] = []
  let name: string | undefined
  for (const line of text.split('\n')) {
    const port = /^Hardware Port:\s*(.+?)\s*$/.exec(line)
    const device = /^Device:\s*(\S+)/.exec(line)
    if (port) name = port[1]
    else if (device?.[1] && name) {
      services.push({ name, device: device[1] })
      name = undefined
    }
  }
  return services
}

/** Structurally the native addon's RdmaDevice (./native.ts); only what link detection needs. */
export interface RdmaDeviceInfo {
  name: string
  transport: string
  ports: { state: string; linkLayer: string; gids: string[] }[]
}

export type IpLinkKind = Exclude<LinkKind, 'rdma-network' | 'rdma-thunderbolt'>

export interface LocalInterface {
  name: string
  kind: IpLinkKind
  addresses: os.NetworkInterfaceInfo[]
  /** An active RDMA device bound to this interface. */
  rdma?: { device: string; kind: 'rdma-network' | 'rdma-thunderbolt' }
}

export interface ClassifyOptions {
  platform?: NodeJS.Platform
  macServices?: MacNetworkService[]
  rdmaDevices?: RdmaDeviceInfo[]
}

const VIRTUAL = /^(docker|veth|br-|virbr|vnet|tun|tap|wg|tailscale|zt|utun|awdl|llw|anpi|ap\d|gif|stf|vmnet|vboxnet|cni|flannel|cali|ifb)/

function linuxKind(name: string, sysfs: SysfsReader): IpLinkKind {
  const base = `/sys/class/net/${name}`
  const driver = sysfs.readlink(`${base}/device/driver`)
  const driverName = driver ? path.posix.basename(driver) : undefined
  if (driverName === 'thunderbolt-net' || driverName === 'thunderbolt_net' || /^thunderbolt\d/.test(name)) return 'thunderbolt-ip'
  if (sysfs.exists(`${base}/wireless`) || sysfs.exists(`${base}/phy80211`)) return 'wifi'
  // No device link means a software interface (bridge, tunnel, container veth): its speed is unknown.
  if (driverName === undefined || VIRTUAL.test(name)) return 'unknown'
  return 'ethernet'
}

function macKind(name: string, services: MacNetworkService[] | undefined): IpLinkKind {
  const service = services?.find((candidate) => candidate.device === name)?.name
  if (service) {
    if (/thunderbolt/i.test(service)) return 'thunderbolt-ip'
    if (/wi-?fi|airport/i.test(service)) return 'wifi'
    if (/ethernet|lan/i.test(service)) return 'ethernet'
    return 'unknown'
  }
  // Without the service list: macOS makes bridge0 for Thunderbolt Bridge (bridge100+ is Internet Sharing).
  if (/^bridge\d$/.test(name)) return 'thunderbolt-ip'
  return 'unknown'
}

function otherKind(name: string): IpLinkKind {
  if (/^vEthernet|virtual|loopback pseudo/i.test(name)) return 'unknown'
  if (/wi-?fi|wlan|wireless/i.test(name)) return 'wifi'
  if (/thunderbolt/i.test(name)) return 'thunderbolt-ip'
  if (/ethernet/i.test(name)) return 'ethernet'
  return 'unknown'
}

/** Interfaces with addresses, each with its link kind and any RDMA device bound to it. */
export function classifyInterfaces(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>, sysfs: SysfsReader, options: ClassifyOptions = {}): LocalInterface[] {
  const platform = options.platform ?? process.platform
  const result: LocalInterface[] = []
  for (const [name, addresses] of Object.entries(ifaces)) {
    if (!addresses || addresses.length === 0) continue
    const loopback = addresses.every((address) => address.internal)
    const kind: IpLinkKind = loopback ? 'loopback' : platform === 'linux' ? linuxKind(name, sysfs) : platform === 'darwin' ? macKind(name, options.macServices) : otherKind(name)
    result.push({ name, kind, addresses })
  }
  for (const device of options.rdmaDevices ?? []) attachRdma(device, result)
  return result
}

function attachRdma(device: RdmaDeviceInfo, interfaces: LocalInterface[]): void {
  const active = device.ports.filter((port) => port.state.startsWith('PORT_ACTIVE'))
  if (active.length === 0) return
  if (device.transport === 'Thunderbolt') {
    // macOS names its Thunderbolt RDMA devices after the interface: rdma_en2 ↔ en2.
    const target = interfaces.find((candidate) => `rdma_${candidate.name}` === device.name)
    if (target) target.rdma = { device: device.name, kind: 'rdma-thunderbolt' }
    return
  }
  const gids = new Set(active.flatMap((port) => port.gids.map(gidToAddress)))
  for (const candidate of interfaces) {
    if (candidate.kind === 'loopback' || candidate.rdma) continue
    const byGid = candidate.addresses.some((address) => gids.has(normalize(address.address)) || gids.has(eui64LinkLocal(address.mac)))
    const ipoib = device.transport === 'InfiniBand' && active.some((port) => port.linkLayer === 'InfiniBand') && /^ib\d/.test(candidate.name)
    if (byGid || ipoib) candidate.rdma = { device: device.name, kind: 'rdma-network' }
  }
}

/** A GID as the IP address it encodes: IPv4-mapped (RoCE v2) or IPv6, normalized. */
export function gidToAddress(gid: string): string {
  const text = gid.trim().toLowerCase()
  const full = text.includes('::') || text.split(':').length !== 8 ? text : text.replace(/(^|:)0{1,3}(?=[0-9a-f])/g, '$1')
  const mapped = /^(?:0{1,4}:){5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(full) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(full)
  if (mapped?.[1] && mapped[2]) {
    const high = parseInt(mapped[1], 16)
    const low = parseInt(mapped[2], 16)
    return [high >> 8, high & 255, low >> 8, low & 255].join('.')
  }
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(full)
  return dotted?.[1] ?? normalize(full)
}

function normalize(address: string): string {
  const bare = address.split('%')[0] ?? address
  if (!net.isIPv6(bare)) return bare
  const socket = new net.SocketAddress({ address: bare, family: 'ipv6' })
  return socket.address
}

/** The fe80:: address a MAC gives through EUI-64 (RoCE v1 default GID). */
function eui64LinkLocal(mac: string): string {
  const bytes = mac.split(':').map((part) => parseInt(part, 16))
  if (bytes.length !== 6 || bytes.some(Number.isNaN)) return ''
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = bytes
  const hex = (high: number, low: number): string => ((high << 8) | low).toString(16)
  return normalize(`fe80::${hex(a ^ 2, b)}:${hex(c, 0xff)}:${hex(0xfe, d)}:${hex(e, f)}`)
}

export interface LinkPath {
  kind: LinkKind
  transport: 'tcp' | 'rdma'
  /** The peer address this path dials. */
  peer: string
  /** The local interface it leaves through. */
  interface: string
  rdmaDevice?: string
}

function onSubnet(peer: string, address: os.NetworkInterfaceInfo): boolean {
  const family = address.family === 'IPv4' ? 'ipv4' : 'ipv6'
  if ((family === 'ipv4') !== net.isIPv4(peer)) return false
  const prefix = Number(address.cidr?.split('/')[1])
  if (!Number.isInteger(prefix)) return false
  const list = new net.BlockList()
  list.addSubnet(address.address.split('%')[0] ?? address.address, prefix, family)
  return list.check(peer, family)
}

/**
 * Every way to reach the peer's addresses from these interfaces, best first. A peer address on
 * no local subnet is still reachable through the default route, as an 'unknown' link.
 */
export function pathsToPeer(peerAddresses: string[], local: LocalInterface[]): LinkPath[] {
  const paths: LinkPath[] = []
  for (const raw of peerAddresses) {
    const [address = raw, scope] = raw.split('%')
    if (!net.isIP(address)) continue
    const peer = normalize(address)
    const matches = local.filter((candidate) => (scope ? candidate.name === scope : true) && candidate.addresses.some((own) => onSubnet(peer, own)))
    for (const candidate of matches) {
      if (candidate.rdma) paths.push({ kind: candidate.rdma.kind, transport: 'rdma', peer: raw, interface: candidate.name, rdmaDevice: candidate.rdma.device })
      paths.push({ kind: candidate.kind, transport: 'tcp', peer: raw, interface: candidate.name })
    }
    if (matches.length === 0) paths.push({ kind: 'unknown', transport: 'tcp', peer: raw, interface: 'default route' })
  }
  return rankPaths(paths)
}

/**
 * Preference, fastest first: loopback (the peer is this machine), then RDMA over Thunderbolt or a
 * RoCE/InfiniBand network (tied; kernel-bypass beats any IP path), Thunderbolt/USB4 IP (~20–40 Gb/s),
 * Ethernet, Wi-Fi, and last links of unknown kind (tunnels, routed).
 */
export const LINK_PREFERENCE: readonly LinkKind[] = ['loopback', 'rdma-thunderbolt', 'rdma-network', 'thunderbolt-ip', 'ethernet', 'wifi', 'unknown']

const rank = (kind: LinkKind): number => (kind === 'rdma-network' ? LINK_PREFERENCE.indexOf('rdma-thunderbolt') : LINK_PREFERENCE.indexOf(kind))

/** Paths ordered by preference; ties keep their order. */
export function rankPaths(paths: LinkPath[]): LinkPath[] {
  return paths
    .map((linkPath, index) => ({ linkPath, index }))
    .sort((a, b) => rank(a.linkPath.kind) - rank(b.linkPath.kind) || a.index - b.index)
    .map(({ linkPath }) => linkPath)
}

export function pickFastest(paths: LinkPath[]): LinkPath | undefined {
  return rankPaths(paths)[0]
}

/** The transport address for a path: `rdma://…` or `tcp://…`. */
export function pathAddress(linkPath: LinkPath, port: number): string {
  const host = linkPath.peer.includes(':') ? `[${linkPath.peer}]` : linkPath.peer
  return `${linkPath.transport}://${host}:${port}`
}

export interface SkippedPath {
  path: LinkPath
  error: AppError
}

export class NoWorkingPathError extends NetworkError {
  constructor(readonly skipped: SkippedPath[]) {
    const tried = skipped.map(({ path: failed, error }) => `${failed.kind} via ${failed.interface}: ${error.message}`).join('; ')
    super(skipped.length === 0 ? 'There is no network path to the peer.' : `No path to the peer worked (${tried}).`, { hint: 'Check that both machines are on the same network and Ollama Desk runs on both.' })
  }
}

/**
 * Tries paths best first until one connects. Cancellation stops at once; any other failure moves
 * on to the next path and is reported in `skipped`.
 */
export async function withFallback<T>(paths: LinkPath[], tryConnect: (linkPath: LinkPath) => Promise<T>): Promise<{ path: LinkPath; value: T; skipped: SkippedPath[] }> {
  const skipped: SkippedPath[] = []
  for (const linkPath of rankPaths(paths)) {
    try {
      return { path: linkPath, value: await tryConnect(linkPath), skipped }
    } catch (error) {
      const appError = error instanceof AppError ? error : new NetworkError(`Connecting over ${linkPath.kind} failed.`, { cause: error })
      if (appError.code === 'E_CANCELLED') throw appError
      skipped.push({ path: linkPath, error: appError })
    }
  }
  throw new NoWorkingPathError(skipped)
}
