import net from 'node:net'
import os from 'node:os'
import type { ClusterLink, ClusterPeerView, ClusterSendProgress, ClusterSettings, ClusterStatus } from '../../../src-shared/contract/cluster'
import { AppError } from '../errors'
import type { Logger } from '../log'
import type { LinkKind } from '../rdma'
import type { SecretStore } from '../secrets'
import { ipLinkKinds, type PeerCapabilities } from './capabilities'
import type { ChatHosts } from './chat-hosts'
import { MdnsDiscovery, StaticDiscovery, type Discovery } from './discovery'
import { fingerprint } from './identity'
import { describeLocalMachine, type RdmaProbe } from './local-machine'
import type { OllamaReach } from './ollama-reach'
import { ClusterService, type ClusterEvent, type ClusterPeer } from './service'
import { resolveModelsDir, type SendResult } from './transfer'
import { streamCallbacks } from '../streaming'

export type ClusterChange = 'started' | 'stopped' | 'peers' | 'paired' | 'unpaired' | 'measured' | 'received' | 'failed' | 'chat'

export interface ClusterControllerOptions {
  dataDir: string
  secrets: SecretStore
  env: Record<string, string | undefined>
  home: string
  log: Logger
  version: string
  /** Only the long-running app listens; one-shot CLI commands never do. */
  canListen: boolean
  changed: (reason: ClusterChange) => void
  /** Where the listener binds; peers on the LAN need 0.0.0.0 (tests use 127.0.0.1). */
  host?: string
  discovery?: (mode: ClusterSettings['discovery']) => Discovery
  rdma?: RdmaProbe
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>
  /** This machine's own Ollama, as told to paired peers. */
  ollama?: () => Promise<OllamaReach>
  /** Paired peers' Ollama servers among the hosts chats run on. */
  chat?: ChatHosts
  /** Bytes per bandwidth probe. */
  measureBytes?: number
  /** How long a static peer may take to answer a probe (its `info`: twice that); defaults to 3 s. */
  probeTimeoutMs?: number
  /** Pairing and peer handshakes (ClusterService); defaults to its own. */
  handshakeTimeoutMs?: number
  now?: () => number
}

const PROBE_TIMEOUT_MS = 3000
const STATIC_REFRESH_MS = 15_000

export class ClusterOffError extends AppError {
  constructor(canListen: boolean) {
    super('E_CONFIG', canListen ? 'Clustering is off.' : 'Clustering runs only in the running app, not in a one-shot command.', {
      hint: canListen ? 'Turn clustering on in the Cluster screen (Settings › cluster.enabled).' : 'Open the desktop app or the web companion, or use `ollama-desk cluster serve`.',
    })
  }
}

/** Runs the ClusterService as the settings say, and keeps what the Cluster screen shows about peers. */
export class ClusterController {
  private service: ClusterService | undefined
  private runningKey: string | undefined
  private settings: ClusterSettings | undefined
  private startError: string | null = null
  private queue: Promise<void> = Promise.resolve()
  private probedAt = 0
  private readonly infos = new Map<string, PeerCapabilities>()
  private readonly links = new Map<string, ClusterLink>()
  private readonly errors = new Map<string, string>()
  readonly modelsDir: string

  constructor(private readonly options: ClusterControllerOptions) {
    this.modelsDir = resolveModelsDir(options.env, options.home)
    this.describe = describeLocalMachine({ version: options.version, modelsDir: this.modelsDir, ...(options.rdma ? { rdma: options.rdma } : {}), ...(options.networkInterfaces ? { networkInterfaces: options.networkInterfaces } : {}), ...(options.ollama ? { ollama: options.ollama } : {}) })
  }

  /** Starts, restarts or stops the service to match the settings; calls are serialised. */
  apply(settings: ClusterSettings): Promise<void> {
    this.settings = settings
    const run = this.queue.then(() => this.reconcile(settings))
    this.queue = run.catch(() => undefined)
    return run
  }

  async close(): Promise<void> {
    await this.queue
    await this.stopService()
  }

  readonly describe: () => Promise<PeerCapabilities>

  async status(): Promise<ClusterStatus> {
    const settings = this.settings
    const service = this.service
    const state = service?.discoveryState
    return {
      enabled: settings?.enabled ?? false,
      listening: service?.address ?? null,
      port: settings?.port ?? 0,
      discovery: { mode: settings?.discovery ?? 'mdns', state: state?.status ?? 'idle', error: state?.status === 'unavailable' ? state.error.message : null },
      self: { id: service?.selfId ?? null, name: this.selfName(), capabilities: await this.describe(), fingerprint: service?.fingerprint ?? null },
      error: this.startError,
      canListen: this.options.canListen,
      bind: settings?.bind ?? '',
      interfaces: listInterfaces(this.interfaces()),
    }
  }

  async peers(refresh: boolean): Promise<ClusterPeerView[]> {
    const service = this.running()
    if (refresh || this.now() - this.probedAt > STATIC_REFRESH_MS) await this.probeStaticPeers(service)
    const listed = service.peers()
    await Promise.all(listed.filter((peer) => peer.paired && peer.addresses.length > 0 && (refresh || !this.infos.has(peer.id))).map((peer) => this.refreshInfo(service, peer.id)))
    return service.peers().map((peer) => this.view(peer))
  }

  pairingCode(): { code: string; expiresAt: number } {
    return this.running().showPairingCode()
  }

  async pair(peer: string, code: string, signal: AbortSignal): Promise<ClusterPeerView> {
    const service = this.running()
    const known = service.peers().find((candidate) => candidate.id === peer || candidate.name === peer)
    const address = known ? known.addresses[0] : peer
    if (!address) throw new AppError('E_NOT_FOUND', `${known?.name ?? peer} is not visible on the network right now.`, { hint: 'Enter its address (host:port) instead.' })
    const paired = await service.pair(address, code, { signal })
    if (!known) await service.probe(address, { signal }).catch(() => undefined)
    this.errors.delete(paired.id)
    await this.measureQuietly(paired.id)
    await this.refreshInfo(service, paired.id)
    this.options.changed('paired')
    return this.view(service.peers().find((candidate) => candidate.id === paired.id) ?? { id: paired.id, name: paired.name, paired: true, pairedAt: paired.pairedAt, addresses: [address] })
  }

  async unpair(peer: string): Promise<{ removed: boolean }> {
    const { id, removed } = this.running().unpair(peer)
    this.infos.delete(id)
    this.links.delete(id)
    this.errors.delete(id)
    // A machine no longer trusted must not receive chats either.
    await this.options.chat?.disable(id)
    this.options.changed('unpaired')
    return { removed }
  }

  /** Adds a paired peer's Ollama to the hosts chats run on (after probing it from here), or takes it out. */
  async useForChat(peer: string, enabled: boolean, signal: AbortSignal): Promise<{ peer: ClusterPeerView; hosts: string[] }> {
    const chat = this.options.chat
    if (!chat) throw new AppError('E_UNSUPPORTED', 'Chats cannot run on other machines in this build.')
    const service = this.running()
    const known = service.peers().find((candidate) => candidate.id === peer || candidate.name === peer)
    if (!known) throw new AppError('E_NOT_FOUND', `No paired machine is called "${peer.slice(0, 100)}".`, { hint: 'Use an id or name from `ollama-desk cluster peers`.' })
    if (enabled) {
      if (!known.paired) throw new AppError('E_FORBIDDEN', `${known.name} is not paired with this machine.`, { hint: 'Pair with it first: chats go only to machines you paired with.' })
      if (!known.addresses[0]) throw new AppError('E_NOT_FOUND', `${known.name} is not visible on the network right now.`, { hint: 'Check that Ollama Desk runs there with clustering on.' })
      await this.refreshInfo(service, known.id)
      const info = this.infos.get(known.id)
      // Chats go to the address where it just proved its keys, never to one only an announcement named.
      const address = service.peersStore.get(known.id)?.lastGoodAddress
      const failed = this.errors.get(known.id)
      if (!info || failed !== undefined || !address) throw new AppError('E_NETWORK', `${known.name} did not say where its Ollama listens: ${failed ?? 'no answer'}.`, { hint: 'Try again when it answers (Refresh).' })
      const hosts = await chat.enable({ id: known.id, name: known.name, address, ollama: info.ollama }, signal)
      this.options.changed('chat')
      return { peer: this.view(known), hosts }
    }
    const hosts = await chat.disable(known.id)
    this.options.changed('chat')
    return { peer: this.view(known), hosts }
  }

  /** Whether a paired peer may send models to this machine. */
  allowModels(peer: string, allowed: boolean): { peer: ClusterPeerView } {
    const service = this.running()
    const updated = service.allowModels(peer, allowed)
    this.options.changed('peers')
    return { peer: this.view(service.peers().find((candidate) => candidate.id === updated.id) as ClusterPeer) }
  }

  async measure(peer: string, signal: AbortSignal): Promise<ClusterLink> {
    const service = this.running()
    const measured = await service.measure(peer, { signal, ...(this.options.measureBytes ? { bytes: this.options.measureBytes } : {}) })
    const link: ClusterLink = { kind: this.linkKindOf(measured.address), address: measured.address, bytesPerSecond: measured.bytesPerSecond, bytesMeasured: measured.bytes, measuredAt: this.now() }
    if (measured.peerId) this.links.set(measured.peerId, link)
    this.options.changed('measured')
    return link
  }

  async *sendModel(model: string, peer: string, signal: AbortSignal): AsyncGenerator<ClusterSendProgress, SendResult, void> {
    const service = this.running()
    const result = yield* streamCallbacks<ClusterSendProgress, SendResult>((emit) =>
      service.sendModel(model, peer, { signal, onProgress: (progress) => emit({ ...progress, resumed: progress.bytesDone > progress.bytesTransferred }) }),
    )
    void this.refreshInfo(service, result.peerId).then(() => this.options.changed('peers'))
    return result
  }

  // ---- internals -------------------------------------------------------------------------------

  private running(): ClusterService {
    if (!this.service) throw new ClusterOffError(this.options.canListen)
    return this.service
  }

  private selfName(): string {
    return this.settings?.name.trim() || os.hostname()
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private get probeTimeoutMs(): number {
    return this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS
  }

  private async reconcile(settings: ClusterSettings): Promise<void> {
    const wanted = settings.enabled && this.options.canListen
    const key = JSON.stringify([settings.port, settings.name, settings.discovery, settings.staticPeers, settings.bind])
    if (wanted && this.service && this.runningKey === key) return
    if (this.service) await this.stopService()
    if (!wanted) {
      this.startError = null
      return
    }
    let host: string
    try {
      host = this.options.host ?? (settings.bind ? bindAddress(settings.bind, this.interfaces()) : (this.options.env.OLLAMA_DESK_CLUSTER_HOST ?? '0.0.0.0'))
    } catch (error) {
      this.startError = (error as Error).message
      this.options.changed('failed')
      return
    }
    const service = new ClusterService({
      dataDir: this.options.dataDir,
      secrets: this.options.secrets,
      env: this.options.env,
      home: this.options.home,
      log: this.options.log,
      modelsDir: this.modelsDir,
      name: this.selfName(),
      version: this.options.version,
      describe: this.describe,
      discovery: this.options.discovery ? this.options.discovery(settings.discovery) : defaultDiscovery(settings.discovery, host),
      onEvent: (event) => this.onEvent(event),
      onDiscovered: () => this.options.changed('peers'),
      ...(this.options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: this.options.handshakeTimeoutMs }),
    })
    try {
      await service.start({ host, port: settings.port })
    } catch (error) {
      await service.stop().catch(() => undefined)
      this.startError = error instanceof Error ? error.message : String(error)
      this.options.log.warn({ err: error }, 'the cluster service did not start')
      this.options.changed('failed')
      return
    }
    this.service = service
    this.runningKey = key
    this.startError = null
    this.probedAt = 0
    this.options.changed('started')
    void this.probeStaticPeers(service).then(() => this.options.changed('peers'))
  }

  private async stopService(): Promise<void> {
    const service = this.service
    if (!service) return
    this.service = undefined
    this.runningKey = undefined
    await service.stop()
    this.options.changed('stopped')
  }

  private onEvent(event: ClusterEvent): void {
    if (event.type === 'paired') this.options.changed('paired')
    else if (event.type === 'received') this.options.changed('received')
  }

  private async probeStaticPeers(service: ClusterService): Promise<void> {
    this.probedAt = this.now()
    const addresses = this.settings?.staticPeers ?? []
    await Promise.all(addresses.map((address) => service.probe(address, { signal: AbortSignal.timeout(this.probeTimeoutMs) }).catch((error: unknown) => this.options.log.debug({ address, err: error }, 'a static peer did not answer'))))
  }

  private async refreshInfo(service: ClusterService, peerId: string): Promise<void> {
    try {
      this.infos.set(peerId, await service.peerInfo(peerId, { signal: AbortSignal.timeout(this.probeTimeoutMs * 2) }))
      this.errors.delete(peerId)
    } catch (error) {
      this.errors.set(peerId, error instanceof Error ? error.message : String(error))
    }
  }

  private async measureQuietly(peerId: string): Promise<void> {
    try {
      await this.measure(peerId, AbortSignal.timeout(30_000))
    } catch (error) {
      this.options.log.info({ peer: peerId, err: error }, 'measuring the new link failed')
    }
  }

  private view(peer: ClusterPeer): ClusterPeerView {
    const capabilities = peer.paired ? (this.infos.get(peer.id) ?? null) : null
    return {
      id: peer.id,
      name: peer.name,
      paired: peer.paired,
      pairedAt: peer.pairedAt ?? null,
      addresses: peer.addresses,
      via: peer.via ?? null,
      lastSeen: peer.lastSeen ?? null,
      summary: peer.summary ?? null,
      capabilities,
      link: peer.paired ? (this.links.get(peer.id) ?? null) : null,
      error: peer.paired ? (this.errors.get(peer.id) ?? null) : null,
      usedForChat: this.options.chat?.isUsed(peer.id) ?? false,
      fingerprint: peer.identityKey ? fingerprint(peer.identityKey) : null,
      maySendModels: peer.maySendModels === true,
      addressWarning: peer.addressWarning ?? null,
    }
  }

  /** Which local interface the address is reached through, by subnet. */
  private linkKindOf(address: string): LinkKind {
    return linkKindFor(address, this.interfaces())
  }

  private interfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]> {
    return (this.options.networkInterfaces ?? os.networkInterfaces)()
  }
}

/** Each interface with an IPv4 address (the first one), in the order the system lists them. */
export function listInterfaces(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): Array<{ name: string; address: string }> {
  return Object.entries(interfaces).flatMap(([name, entries]) => {
    const ipv4 = (entries ?? []).find((entry) => entry.family === 'IPv4')
    return ipv4 ? [{ name, address: ipv4.address }] : []
  })
}

/** The address to listen on for the `bind` setting: an interface's IPv4 address, or an address as given. */
export function bindAddress(bind: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string {
  const byName = listInterfaces(interfaces).find((entry) => entry.name === bind)
  if (byName) return byName.address
  if (net.isIP(bind.replace(/^\[|\]$/g, ''))) return bind.replace(/^\[|\]$/g, '')
  const names = listInterfaces(interfaces).map((entry) => entry.name)
  throw new AppError('E_CONFIG', `No network interface "${bind}" on this machine (there are: ${names.join(', ') || 'none'}).`, {
    hint: 'Choose another interface under Cluster › Network settings, or leave it empty to listen on every interface.',
  })
}

/** mDNS on the interface the listener binds (every interface when it binds them all). */
function defaultDiscovery(mode: ClusterSettings['discovery'], host: string): Discovery {
  if (mode !== 'mdns') return new StaticDiscovery([])
  return new MdnsDiscovery(host === '0.0.0.0' || host === '::' ? {} : { interface: host })
}

/** The kind of the local interface whose IPv4 subnet holds `address` (tcp://host:port). */
export function linkKindFor(address: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): LinkKind {
  const host = address.replace(/^tcp:\/\//, '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  if (host === '::1' || host.startsWith('127.') || host === 'localhost') return 'loopback'
  const target = ipv4ToNumber(host)
  if (target === undefined) return 'unknown'
  for (const [name, entries] of Object.entries(interfaces)) {
    for (const entry of entries ?? []) {
      const local = entry.family === 'IPv4' ? ipv4ToNumber(entry.address) : undefined
      const mask = ipv4ToNumber(entry.netmask)
      if (local === undefined || mask === undefined) continue
      if (((local & mask) >>> 0) === ((target & mask) >>> 0)) return ipLinkKinds({ [name]: [entry] })[0] ?? 'unknown'
    }
  }
  return 'unknown'
}

function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split('.').map(Number)
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return undefined
  return parts.reduce((sum, part) => sum * 256 + part, 0) >>> 0
}
