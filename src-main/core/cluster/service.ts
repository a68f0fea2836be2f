import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { AppError } from '../errors'
import type { Logger } from '../log'
import { formatTcpAddress, parseTcpAddress, TcpTransport, type Transport, type TransportChannel, type TransportListener } from '../rdma'
import type { SecretStore } from '../secrets'
import { Admission, DEFAULT_ADMISSION, realTimers, type Admitted, type AdmissionLimits, type Timers } from './admission'
import { summarizeCapabilities, type CapabilitySummary, type PeerCapabilities } from './capabilities'
import { DEFAULT_IDLE_TIMEOUT_MS, guardIdle } from './idle'
import { MdnsDiscovery, type AdvertisedPeer, type DiscoveredPeer, type Discovery } from './discovery'
import { answerWithin } from './confirmation'
import { fingerprint } from './identity'
import { acceptPairing, DEFAULT_CONFIRM_TIMEOUT_MS, fileBudgetStore, PairingCodeGate, PairingError, requestPairing, type JoiningMachine } from './pairing'
import { acceptSecure, DEFAULT_HANDSHAKE_TIMEOUT_MS, HandshakeChannel, openSecure, UnauthorizedError, type AuthenticatedPeer, type AuthOptions, type SecurePurpose } from './peer-auth'
import { answerHello, answerInfo, answerMeasure, askHello, askInfo, measureLink, type Measurement } from './peer-queries'
import { PeersStore, type PairedPeer } from './peers-store'
import { loadLocalModel, receiveOne, resolveModelsDir, sendOver, type ReceiveResult, type SendResult, type TransferProgress } from './transfer'

/*
 * One listener carries every cluster protocol. A connection opens with one length-prefixed JSON
 * frame, `{ type: 'cluster-open', v: 2, kind }`: `pair` continues as pairing (CPace), `hello` is the
 * public summary, and `secure` is the Noise handshake keyed by the pairing key, inside which the
 * client names its purpose (info, measure, transfer) and everything after is encrypted.
 */

const openSchema = z.object({ type: z.literal('cluster-open'), v: z.literal(2), kind: z.enum(['pair', 'hello', 'secure']) })
type OpenKind = z.infer<typeof openSchema>['kind']
type Purpose = OpenKind | SecurePurpose

export type ClusterEvent =
  | { type: 'paired'; peer: PairedPeer }
  | { type: 'received'; result: ReceiveResult }
  | { type: 'progress'; progress: TransferProgress }
  | { type: 'failed'; purpose: Purpose | 'unknown'; remote: string; error: AppError }

export interface ClusterServiceOptions {
  dataDir: string
  secrets: SecretStore
  env: Record<string, string | undefined>
  home: string
  log: Logger
  transport?: Transport
  discovery?: Discovery
  /** Where Ollama keeps models; default from OLLAMA_MODELS / the platform default. */
  modelsDir?: string
  /** How other machines list this one (default: the host name). */
  name?: string
  version?: string
  capabilities?: CapabilitySummary
  /** This machine's full capabilities: told to paired peers, summarised in the announcement. */
  describe?: () => Promise<PeerCapabilities>
  handshakeTimeoutMs?: number
  /** Caps and the one deadline for connections that have not authenticated yet. */
  admission?: Partial<AdmissionLimits>
  /**
   * Asked on this machine when another one proved the pairing code and its identity, before it is
   * stored; resolve false to refuse. Unanswered after `confirmTimeoutMs` (2 minutes) counts as no.
   * Without it, a proven code pairs at once (the app, where showing the code is the user's consent).
   */
  confirmPairing?: (joining: JoiningMachine) => Promise<boolean>
  confirmTimeoutMs?: number
  /** How long an authenticated connection may leave this side waiting for its next bytes (default 2 minutes). */
  idleTimeoutMs?: number
  /** Injectable for tests: the admission deadline and the idle timeouts run on these. */
  timers?: Timers
  now?: () => number
  onEvent?: (event: ClusterEvent) => void
  /** A peer appeared on or left the network. */
  onDiscovered?: () => void
}

/** A machine this one knows: paired, discovered on the network, or both. */
export interface ClusterPeer {
  id: string
  name: string
  paired: boolean
  pairedAt?: string
  /** Transport addresses (tcp://host:port), best first; empty when not seen on the network. */
  addresses: string[]
  via?: DiscoveredPeer['via']
  /** The public summary it announced, when seen. */
  summary?: CapabilitySummary
  /** When it was last announced or answered, ms since the epoch. */
  lastSeen?: number
  /** Paired peers: whether it may send models here. */
  maySendModels?: boolean
  /** Paired peers announced somewhere other than where they last proved their keys (a move, or a spoof). */
  addressWarning?: string
  /** Paired peers: the identity key it paired with (SPKI DER, base64). */
  identityKey?: string
}

/** A paired machine sent a model without this machine's permission (off by default, per peer). */
export class ModelsNotAllowedError extends AppError {
  constructor(peer: string, self: string) {
    super('E_FORBIDDEN', `${peer} may not send models to ${self}.`, {
      hint: `On ${self}, allow it: Cluster › ${peer} › "May send models here", or \`ollama-desk cluster allow-models ${peer}\`.`,
    })
  }
}

export class UnknownPeerError extends AppError {
  constructor(peer: string) {
    super('E_NOT_FOUND', `No paired or discovered machine is called "${peer.slice(0, 100)}".`, {
      hint: 'Use a peer id or name from `ollama-desk cluster peers`, or an address like tcp://192.168.1.20:47800.',
    })
  }
}

const EMPTY_CAPABILITIES: CapabilitySummary = { rdmaDevices: 0, linkKinds: [], ramGiB: 0, gpu: null, modelCount: 0 }

/** `host:port` or `tcp://host:port` → a transport address, or a ValidationError. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `tcp://${trimmed}`
  const { host, port } = parseTcpAddress(withScheme)
  return formatTcpAddress(host, port)
}

export class ClusterService {
  readonly peersStore: PeersStore
  readonly modelsDir: string
  private readonly gate: PairingCodeGate
  private readonly transport: Transport
  private readonly discovery: Discovery
  private readonly discovered = new Map<string, DiscoveredPeer & { lastSeen: number }>()
  private advertised: AdvertisedPeer | undefined
  private readonly sessions = new Set<Promise<void>>()
  private readonly stopping = new AbortController()
  private listener: TransportListener | undefined
  private acceptLoop: Promise<void> | undefined
  private browsing = false
  private readonly admission: Admission

  constructor(private readonly options: ClusterServiceOptions) {
    this.admission = new Admission({ ...DEFAULT_ADMISSION, deadlineMs: options.handshakeTimeoutMs ?? DEFAULT_ADMISSION.deadlineMs, ...options.admission }, options.timers)
    this.peersStore = new PeersStore({ dataDir: options.dataDir, secrets: options.secrets })
    this.gate = new PairingCodeGate({ store: fileBudgetStore(path.join(options.dataDir, 'pairing-budget.json')), ...(options.now ? { now: options.now } : {}) })
    this.modelsDir = resolveModelsDir(options.env, options.home, options.modelsDir)
    this.transport = options.transport ?? new TcpTransport()
    this.discovery = options.discovery ?? new MdnsDiscovery()
  }

  get selfId(): string {
    return this.peersStore.identity().id
  }

  /** This machine's identity fingerprint, for the other machine's user to compare. */
  get fingerprint(): string {
    return fingerprint(this.peersStore.identity().publicKey)
  }

  /** Where peers reach this instance; undefined before `start`. */
  get address(): string | undefined {
    return this.listener?.address
  }

  /** Listens for pairing and transfers, announces this instance and starts looking for others. */
  async start(options: { host: string; port: number }): Promise<string> {
    if (this.listener) throw new AppError('E_CONFIG', 'The cluster service is already running.')
    const listener = await this.transport.listen(options)
    this.listener = listener
    this.acceptLoop = this.acceptAll(listener)
    const { port } = parseTcpAddress(listener.address)
    await this.browse()
    const described = this.options.describe ? summarizeCapabilities(await this.options.describe()) : undefined
    this.advertised = {
      instanceId: this.selfId,
      name: this.selfName(),
      version: this.options.version ?? '0.0.0',
      port,
      capabilities: described ?? this.options.capabilities ?? EMPTY_CAPABILITIES,
    }
    await this.discovery.advertise(this.advertised)
    this.options.log.info({ address: listener.address }, 'cluster service listening')
    return listener.address
  }

  /** Starts looking for other instances without listening (for `peers` and `sendModel` by name). */
  async browse(): Promise<void> {
    if (this.browsing) return
    this.browsing = true
    await this.discovery.browse(
      (peer) => {
        this.discovered.set(peer.instanceId, { ...peer, lastSeen: this.now() })
        this.options.onDiscovered?.()
      },
      (id) => {
        this.discovered.delete(id)
        this.options.onDiscovered?.()
      },
    )
  }

  /** Connections accepted that have not authenticated yet (bounded by the admission caps). */
  get unauthenticatedConnections(): number {
    return this.admission.unauthenticated
  }

  /** Whether discovery works here; when not, peers are reachable by address only. */
  get discoveryState(): Discovery['state'] {
    return this.discovery.state
  }

  /** A fresh 6-digit code for the other machine's user to type; valid for 2 minutes. */
  showPairingCode(): { code: string; expiresAt: number } {
    return this.gate.showCode()
  }

  /** The initiating side: `code` is what the machine at `address` shows. */
  async pair(address: string, code: string, options: { signal?: AbortSignal } = {}): Promise<PairedPeer> {
    if (!/^\d{6}$/.test(code.trim())) throw new PairingError('wrong-code', 'A pairing code has exactly 6 digits.', { hint: 'Type the 6-digit code the other machine shows.' })
    const channel = await this.open(normalizeAddress(address), 'pair', options.signal)
    const peer = await requestPairing(channel, code.trim(), { peersStore: this.peersStore, selfName: this.selfName(), timeoutMs: this.options.handshakeTimeoutMs, ...(this.options.confirmTimeoutMs ? { confirmTimeoutMs: this.options.confirmTimeoutMs } : {}) })
    this.options.log.info({ peer: peer.id }, 'paired with a machine')
    return peer
  }

  /** Asks who listens at `address` and lists it as a static peer (no pairing needed: it is the public summary). */
  async probe(address: string, options: { signal?: AbortSignal } = {}): Promise<ClusterPeer> {
    const target = normalizeAddress(address)
    const found = await askHello(await this.open(target, 'hello', options.signal), this.options.handshakeTimeoutMs)
    if (found.instanceId === this.selfId) throw new AppError('E_VALIDATION', `${target} is this machine.`)
    const { host } = parseTcpAddress(target)
    this.discovered.set(found.instanceId, { ...found, addresses: [host], via: 'static', lastSeen: this.now() })
    return this.peers().find((peer) => peer.id === found.instanceId) as ClusterPeer
  }

  /** A paired peer's full capabilities (RDMA, links, models with sizes, RAM, GPU). */
  async peerInfo(peer: string, options: { signal?: AbortSignal } = {}): Promise<PeerCapabilities> {
    const target = this.resolvePeer(peer)
    const secure = await this.openSecure(target, 'info', options.signal)
    const capabilities = await askInfo(secure.channel, this.options.handshakeTimeoutMs)
    this.touch(secure.peerId)
    return capabilities
  }

  /** Times a short stream of bytes to a paired peer over TCP. */
  async measure(peer: string, options: { signal?: AbortSignal; bytes?: number } = {}): Promise<Measurement & { address: string; peerId: string }> {
    const target = this.resolvePeer(peer)
    const secure = await this.openSecure(target, 'measure', options.signal)
    const measured = await measureLink(secure.channel, { timeoutMs: this.options.handshakeTimeoutMs, ...(options.bytes ? { bytes: options.bytes } : {}) })
    this.touch(secure.peerId)
    return { ...measured, address: secure.address, peerId: secure.peerId }
  }

  /** Allows (or forbids again) a paired peer, by id or name, to send models to this machine. */
  allowModels(peer: string, allowed: boolean): PairedPeer {
    const known = this.peersStore.list().find((candidate) => candidate.id === peer || candidate.name === peer)
    if (!known) throw new AppError('E_NOT_FOUND', `No paired machine is called "${peer.slice(0, 100)}".`, { hint: 'Use an id or name from `ollama-desk cluster peers`.' })
    return this.peersStore.setMaySendModels(known.id, allowed)
  }

  /** Forgets a paired peer (by id or name) and its key: its connections are refused from now on. */
  unpair(peer: string): { id: string; removed: boolean } {
    const known = this.peersStore.list().find((candidate) => candidate.id === peer || candidate.name === peer)
    if (!known) throw new AppError('E_NOT_FOUND', `No paired machine is called "${peer.slice(0, 100)}".`, { hint: 'Use an id or name from `ollama-desk cluster peers`.' })
    const removed = this.peersStore.remove(known.id)
    this.options.log.info({ peer: known.id }, 'unpaired a machine')
    return { id: known.id, removed }
  }

  /** Copies an installed model to a paired peer (by id, name or address). */
  async sendModel(model: string, peer: string, options: { signal?: AbortSignal; onProgress?: (progress: TransferProgress) => void } = {}): Promise<SendResult> {
    const target = this.resolvePeer(peer)
    const loaded = await loadLocalModel(this.modelsDir, model)
    const secure = await this.openSecure(target, 'transfer', options.signal)
    const result = await sendOver(secure.channel, loaded, { modelsDir: this.modelsDir, model, signal: options.signal, onProgress: options.onProgress, peerId: this.selfId })
    return { ...result, peerId: secure.peerId }
  }

  /** Paired machines first (with their current addresses when seen), then unpaired discovered ones. */
  peers(): ClusterPeer[] {
    const addressesOf = (found: DiscoveredPeer) => found.addresses.map((host) => formatTcpAddress(host, found.port))
    const paired = this.peersStore.list().map((peer): ClusterPeer => {
      const found = this.discovered.get(peer.id)
      const seen = found ? { via: found.via, summary: found.capabilities, lastSeen: found.lastSeen } : {}
      const announced = found ? addressesOf(found) : []
      const good = peer.lastGoodAddress
      // The last verified address always comes first: an announcement alone never moves a paired machine.
      const addresses = good ? [good, ...announced.filter((address) => address !== good)] : announced
      const moved = good !== undefined && announced.length > 0 && !announced.includes(good)
      const warning = moved ? { addressWarning: `Announced at ${announced.join(', ')}, but it last proved its identity at ${good}; that address is used until it proves itself at the new one.` } : {}
      return { id: peer.id, name: peer.name, paired: true, pairedAt: peer.pairedAt, identityKey: peer.identityKey, maySendModels: peer.maySendModels === true, addresses, ...seen, ...warning }
    })
    const others = [...this.discovered.values()]
      .filter((found) => !paired.some((peer) => peer.id === found.instanceId))
      .map((found): ClusterPeer => ({ id: found.instanceId, name: found.name, paired: false, addresses: addressesOf(found), via: found.via, summary: found.capabilities, lastSeen: found.lastSeen }))
    return [...paired, ...others]
  }

  /** Stops listening and announcing; transfers in progress are cancelled. */
  async stop(): Promise<void> {
    this.stopping.abort()
    this.gate.cancel()
    await this.listener?.close()
    await this.discovery.stop()
    await this.acceptLoop
    await Promise.allSettled([...this.sessions])
    this.listener = undefined
  }

  /** The user's answer; no answer within the confirmation time, or stopping, counts as no. */
  private askToConfirm(joining: JoiningMachine): Promise<boolean> {
    const ask = this.options.confirmPairing ?? (() => Promise.resolve(true))
    return answerWithin(() => ask(joining), this.options.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS, this.options.timers ?? realTimers, this.stopping.signal)
  }

  private selfName(): string {
    return this.options.name || os.hostname()
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private touch(peerId: string | undefined): void {
    const found = peerId === undefined ? undefined : this.discovered.get(peerId)
    if (found) found.lastSeen = this.now()
  }

  private authOptions(expectedPeerId?: string): AuthOptions {
    return { peersStore: this.peersStore, selfId: this.selfId, timeoutMs: this.options.handshakeTimeoutMs, ...(expectedPeerId ? { expectedPeerId } : {}) }
  }

  /** Connects, then runs the Noise handshake for `purpose`; everything after is encrypted. */
  private async openSecure(target: { address: string; fallbacks?: string[]; expectedPeerId?: string }, purpose: SecurePurpose, signal?: AbortSignal): Promise<AuthenticatedPeer & { address: string }> {
    const candidates = [target.address, ...(target.fallbacks ?? [])]
    for (const [index, address] of candidates.entries()) {
      let channel: TransportChannel
      try {
        channel = await this.open(address, 'secure', signal)
      } catch (error) {
        // Unreachable there: try where it is announced now. Only a proven key records the new address.
        if (index < candidates.length - 1 && !signal?.aborted) continue
        throw error
      }
      const peer = await openSecure(channel, { ...this.authOptions(target.expectedPeerId), purpose })
      this.peersStore.recordGoodAddress(peer.peerId, address)
      return { ...peer, address }
    }
    throw new AppError('E_NOT_FOUND', 'No address to reach that machine.')
  }

  private resolvePeer(peer: string): { address: string; fallbacks?: string[]; expectedPeerId?: string } {
    const known = this.peers().find((candidate) => candidate.id === peer || candidate.name === peer)
    if (known) {
      const [address, ...fallbacks] = known.addresses
      if (!address) {
        throw new AppError('E_NOT_FOUND', `${known.name} (${known.id}) is not visible on the network right now.`, {
          hint: 'Check that Ollama Desk runs there with `ollama-desk cluster serve`, or pass its address (tcp://host:port).',
        })
      }
      return { address, fallbacks, expectedPeerId: known.id }
    }
    if (/^(tcp:\/\/)?[^\s/]+:\d{1,5}$/.test(peer.trim())) return { address: normalizeAddress(peer) }
    throw new UnknownPeerError(peer)
  }

  /** Connects and says which protocol follows. */
  private async open(address: string, kind: OpenKind, signal?: AbortSignal): Promise<TransportChannel> {
    const channel = await this.transport.connect(address, { signal })
    const io = new HandshakeChannel(channel, this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS)
    try {
      await io.send({ type: 'cluster-open', v: 2, kind })
    } catch (error) {
      channel.destroy()
      throw error
    }
    return io.rest()
  }

  private async acceptAll(listener: TransportListener): Promise<void> {
    for await (const channel of listener.accept()) {
      if (this.stopping.signal.aborted) {
        channel.destroy()
        break
      }
      const place = this.admission.admit(channel)
      if (!place) {
        this.options.log.warn({ remote: channel.remote }, 'cluster connection refused: too many waiting to authenticate')
        continue
      }
      const session = this.serve(channel, place)
      this.sessions.add(session)
      void session.finally(() => this.sessions.delete(session))
    }
  }

  private async serve(accepted: TransportChannel, place: Admitted): Promise<void> {
    const emit = this.options.onEvent ?? (() => undefined)
    let purpose: Purpose | 'unknown' = 'unknown'
    const channel = guardIdle(accepted, this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, this.options.timers ?? realTimers)
    try {
      const io = new HandshakeChannel(channel, this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS)
      purpose = (await io.receive(openSchema)).kind
      const rest = io.rest()
      if (purpose === 'hello') {
        if (this.advertised) await answerHello(rest, this.advertised)
        else rest.destroy()
        return
      }
      if (purpose === 'pair') {
        const peer = await acceptPairing(rest, this.gate, {
          peersStore: this.peersStore,
          selfName: this.selfName(),
          timeoutMs: this.options.handshakeTimeoutMs,
          // A proven code is no anonymous guess: the admission deadline ends, the confirmation has its own.
          onCodeProven: () => place.authenticated(),
          ...(this.options.confirmPairing ? { confirm: (joining: JoiningMachine) => this.askToConfirm(joining) } : {}),
        })
        this.options.log.info({ peer: peer.id }, 'paired with a machine')
        emit({ type: 'paired', peer })
        return
      }
      const peer = await acceptSecure(rest, this.authOptions())
      place.authenticated()
      channel.arm()
      purpose = peer.purpose
      await this.serveSecure(peer, emit)
      this.touch(peer.peerId)
    } catch (error) {
      channel.destroy()
      const failure = channel.idleError ?? (error instanceof AppError ? error : new AppError('E_NETWORK', `A cluster connection from ${channel.remote} failed.`, { cause: error }))
      this.options.log.warn({ remote: channel.remote, purpose, err: failure }, 'cluster connection refused or failed')
      emit({ type: 'failed', purpose, remote: channel.remote, error: failure })
    } finally {
      place.release()
    }
  }

  /** One authenticated, encrypted connection: the purpose is the one the peer proved inside the channel. */
  private async serveSecure(peer: AuthenticatedPeer, emit: (event: ClusterEvent) => void): Promise<void> {
    if (peer.purpose === 'info') {
      const describe = this.options.describe ?? (() => Promise.reject(new AppError('E_UNSUPPORTED', 'This machine does not describe itself.')))
      await answerInfo(peer.channel, describe, this.options.handshakeTimeoutMs)
      return
    }
    if (peer.purpose === 'measure') {
      await answerMeasure(peer.channel, this.options.handshakeTimeoutMs)
      return
    }
    const received = await receiveOne(peer.channel, {
      modelsDir: this.modelsDir,
      signal: this.stopping.signal,
      peerId: this.selfId,
      // The sender's HELLO must name the machine the pairing key proved.
      authenticate: async (_link, context) => {
        if (context.remote.peerId !== peer.peerId) throw new UnauthorizedError(`The transfer's sender named itself ${context.remote.peerId.slice(0, 80)}, not ${peer.peerId}.`)
        const paired = this.peersStore.get(peer.peerId)
        if (!paired?.maySendModels) throw new ModelsNotAllowedError(paired?.name ?? peer.peerId, this.selfName())
      },
      onProgress: (progress) => emit({ type: 'progress', progress }),
    })
    const result = { ...received, peerId: peer.peerId }
    this.options.log.info({ model: result.model, peer: result.peerId, bytes: result.bytesReceived }, 'received a model')
    emit({ type: 'received', result })
  }
}
