import { Bonjour, type Browser, type Service } from 'bonjour-service'
import { AppError } from '../errors'
import { decodeCapabilitySummary, encodeCapabilitySummary, type CapabilitySummary } from './capabilities'

export const SERVICE_TYPE = 'ollama-desk'
/** Control characters, bidi overrides/isolates/marks and line separators: they could rewrite what a terminal or a list shows. */
const UNSAFE_NAME_CHARS = /[\p{Cc}\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/gu
export const MAX_NAME_CHARS = 63

/** A machine name from the network, safe to show anywhere (the terminal included): no control or bidi characters, ≤ 63 characters. */
export function sanitizeName(name: string): string {
  const cleaned = name.replace(UNSAFE_NAME_CHARS, ' ').replace(/\s+/g, ' ').trim()
  const chars = [...cleaned].slice(0, MAX_NAME_CHARS).join('').trim()
  return chars || 'unnamed machine'
}

/** Instance ids end up in file and secret names, so they stay to a safe alphabet. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/** What an instance announces about itself. */
export interface AdvertisedPeer {
  instanceId: string
  name: string
  version: string
  /** Where its cluster listener accepts connections. */
  port: number
  capabilities: CapabilitySummary
}

export interface DiscoveredPeer extends AdvertisedPeer {
  /** Addresses to try, best first. */
  addresses: string[]
  via: 'mdns' | 'loopback' | 'static'
}

export class DiscoveryUnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('E_UNSUPPORTED', message, {
      cause,
      hint: 'Other machines can still be added by address. Multicast DNS needs UDP port 5353 and a network that passes multicast.',
    })
  }
}

export type DiscoveryState =
  | { status: 'idle' }
  | { status: 'active' }
  | { status: 'unavailable'; error: DiscoveryUnavailableError }

export interface Discovery {
  readonly state: DiscoveryState
  /** Announces this instance; failures show in `state`, they never throw. */
  advertise(info: AdvertisedPeer): Promise<void>
  /** Reports peers as they appear and disappear (by instance id); this instance is never reported. */
  browse(onPeer: (peer: DiscoveredPeer) => void, onLost: (instanceId: string) => void): Promise<void>
  stop(): Promise<void>
}

export function peerToTxt(peer: AdvertisedPeer): Record<string, string> {
  return {
    id: peer.instanceId,
    name: peer.name.slice(0, 63),
    ver: peer.version,
    port: String(peer.port),
    caps: encodeCapabilitySummary(peer.capabilities),
  }
}

/** Undefined for a malformed record: anyone on the network can announce one. */
export function peerFromTxt(txt: unknown): AdvertisedPeer | undefined {
  if (typeof txt !== 'object' || txt === null) return undefined
  const fields = Object.fromEntries(
    Object.entries(txt).map(([key, value]) => [key, Buffer.isBuffer(value) ? value.toString('utf8') : value]),
  ) as Record<string, unknown>
  const { id, name, ver, port, caps } = fields
  if (typeof id !== 'string' || !INSTANCE_ID_PATTERN.test(id)) return undefined
  if (typeof name !== 'string' || typeof ver !== 'string' || typeof caps !== 'string') return undefined
  const portNumber = Number(port)
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return undefined
  const capabilities = decodeCapabilitySummary(caps)
  if (!capabilities) return undefined
  return { instanceId: id, name: sanitizeName(name), version: ver, port: portNumber, capabilities }
}

/** The slice of bonjour-service this class uses; tests may pass options such as `interface`. */
export interface MdnsOptions {
  interface?: string
  port?: number
  /** How long to wait for the multicast socket before declaring discovery unavailable. */
  readyTimeoutMs?: number
}

interface MdnsSocket {
  on(event: 'ready' | 'error', listener: (error?: Error) => void): unknown
  once(event: 'ready' | 'error', listener: (error?: Error) => void): unknown
  removeListener(event: string, listener: (...args: never[]) => void): unknown
}

/** DNS-SD over multicast DNS (`_ollama-desk._tcp`). */
export class MdnsDiscovery implements Discovery {
  private currentState: DiscoveryState = { status: 'idle' }
  private bonjour: Bonjour | undefined
  private ready: Promise<boolean> | undefined
  private service: Service | undefined
  private browser: Browser | undefined
  private selfId: string | undefined

  constructor(private readonly options: MdnsOptions = {}) {}

  get state(): DiscoveryState {
    return this.currentState
  }

  async advertise(info: AdvertisedPeer): Promise<void> {
    this.selfId = info.instanceId
    if (!(await this.start())) return
    this.service?.stop?.()
    try {
      this.service = this.bonjour?.publish({
        name: `${info.name.slice(0, 40)} (${info.instanceId.slice(0, 8)})`,
        type: SERVICE_TYPE,
        protocol: 'tcp',
        port: info.port,
        txt: peerToTxt(info),
      })
    } catch (error) {
      this.fail('This machine cannot announce itself on the local network.', error)
    }
  }

  async browse(onPeer: (peer: DiscoveredPeer) => void, onLost: (instanceId: string) => void): Promise<void> {
    if (!(await this.start())) return
    const idsByFqdn = new Map<string, string>()
    try {
      this.browser?.stop()
      this.browser = this.bonjour?.find({ type: SERVICE_TYPE, protocol: 'tcp' })
      this.browser?.on('up', (service) => {
        const peer = peerFromTxt(service.txt)
        if (!peer || peer.instanceId === this.selfId) return
        idsByFqdn.set(service.fqdn, peer.instanceId)
        const addresses = [...(service.addresses ?? [])].sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')))
        if (service.referer?.address && !addresses.includes(service.referer.address)) addresses.push(service.referer.address)
        onPeer({ ...peer, addresses, via: 'mdns' })
      })
      this.browser?.on('down', (service) => {
        const id = idsByFqdn.get(service.fqdn)
        if (id === undefined) return
        idsByFqdn.delete(service.fqdn)
        onLost(id)
      })
    } catch (error) {
      this.fail('This machine cannot look for others on the local network.', error)
    }
  }

  async stop(): Promise<void> {
    const bonjour = this.bonjour
    this.browser?.stop()
    this.browser = undefined
    this.service = undefined
    this.bonjour = undefined
    this.ready = undefined
    if (this.currentState.status === 'active') this.currentState = { status: 'idle' }
    if (!bonjour) return
    await new Promise<void>((resolve) => {
      try {
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()))
      } catch {
        resolve()
      }
    })
  }

  /** Opens the multicast socket once; resolves false (and sets the state) when it cannot. */
  private start(): Promise<boolean> {
    if (this.currentState.status === 'unavailable') return Promise.resolve(false)
    this.ready ??= new Promise<boolean>((resolve) => {
      let bonjour: Bonjour
      try {
        // Respond errors (a send on a dead interface) land here instead of being thrown.
        bonjour = new Bonjour({ ...this.optionsForBonjour() }, (error: Error) => this.fail('Multicast DNS stopped working.', error))
      } catch (error) {
        this.fail('Multicast DNS cannot start on this machine.', error)
        resolve(false)
        return
      }
      this.bonjour = bonjour
      // bonjour-service leaves the socket's 'error' event unhandled, which would crash the process.
      const socket = (bonjour as unknown as { server: { mdns: MdnsSocket } }).server.mdns
      const timer = setTimeout(() => settle(new Error('The multicast socket did not become ready.')), this.options.readyTimeoutMs ?? 3000)
      timer.unref()
      const settle = (error?: Error): void => {
        clearTimeout(timer)
        socket.removeListener('ready', onReady)
        if (error) {
          this.fail('Multicast DNS is not available on this network.', error)
          resolve(false)
          return
        }
        this.currentState = { status: 'active' }
        resolve(true)
      }
      const onReady = (): void => settle()
      socket.once('ready', onReady)
      socket.once('error', (error) => settle(error))
      socket.on('error', (error) => this.fail('Multicast DNS stopped working.', error))
    })
    return this.ready
  }

  private optionsForBonjour(): Record<string, unknown> {
    const options: Record<string, unknown> = {}
    if (this.options.interface !== undefined) options.interface = this.options.interface
    if (this.options.port !== undefined) options.port = this.options.port
    return options
  }

  private fail(message: string, cause: unknown): void {
    if (this.currentState.status === 'unavailable') return
    this.currentState = { status: 'unavailable', error: new DiscoveryUnavailableError(message, cause) }
    const bonjour = this.bonjour
    this.bonjour = undefined
    this.browser = undefined
    this.service = undefined
    try {
      bonjour?.destroy()
    } catch {
      // The socket is already unusable; nothing more to release.
    }
  }
}

/** Instances in one process find each other through a shared registry (tests, single-machine demos). */
export class LoopbackRegistry {
  readonly advertised = new Map<string, AdvertisedPeer>()
  readonly browsers = new Set<{ selfId: () => string | undefined; onPeer: (peer: DiscoveredPeer) => void; onLost: (id: string) => void }>()

  announce(peer: AdvertisedPeer): void {
    this.advertised.set(peer.instanceId, peer)
    for (const browser of this.browsers) {
      if (browser.selfId() !== peer.instanceId) browser.onPeer(toLoopbackPeer(peer))
    }
  }

  withdraw(instanceId: string): void {
    if (!this.advertised.delete(instanceId)) return
    for (const browser of this.browsers) {
      if (browser.selfId() !== instanceId) browser.onLost(instanceId)
    }
  }
}

function toLoopbackPeer(peer: AdvertisedPeer): DiscoveredPeer {
  return { ...peer, addresses: ['127.0.0.1'], via: 'loopback' }
}

export class LoopbackDiscovery implements Discovery {
  readonly state: DiscoveryState = { status: 'active' }
  private selfId: string | undefined
  private browser: (LoopbackRegistry['browsers'] extends Set<infer B> ? B : never) | undefined

  constructor(private readonly registry: LoopbackRegistry) {}

  advertise(info: AdvertisedPeer): Promise<void> {
    if (this.selfId !== undefined && this.selfId !== info.instanceId) this.registry.withdraw(this.selfId)
    this.selfId = info.instanceId
    this.registry.announce(info)
    return Promise.resolve()
  }

  browse(onPeer: (peer: DiscoveredPeer) => void, onLost: (instanceId: string) => void): Promise<void> {
    if (this.browser) this.registry.browsers.delete(this.browser)
    this.browser = { selfId: () => this.selfId, onPeer, onLost }
    this.registry.browsers.add(this.browser)
    for (const peer of this.registry.advertised.values()) {
      if (peer.instanceId !== this.selfId) onPeer(toLoopbackPeer(peer))
    }
    return Promise.resolve()
  }

  stop(): Promise<void> {
    if (this.browser) this.registry.browsers.delete(this.browser)
    this.browser = undefined
    if (this.selfId !== undefined) this.registry.withdraw(this.selfId)
    this.selfId = undefined
    return Promise.resolve()
  }
}

/** Peers the user typed in by address: nothing is announced, the list is reported as found. */
export class StaticDiscovery implements Discovery {
  readonly state: DiscoveryState = { status: 'active' }

  constructor(private readonly peers: DiscoveredPeer[]) {
    for (const peer of peers) {
      if (!INSTANCE_ID_PATTERN.test(peer.instanceId)) {
        throw new AppError('E_VALIDATION', `"${peer.instanceId.slice(0, 80)}" is not a valid instance id.`, {
          hint: 'Instance ids use letters, digits, ".", "_" and "-" (at most 64).',
        })
      }
    }
  }

  advertise(): Promise<void> {
    return Promise.resolve()
  }

  browse(onPeer: (peer: DiscoveredPeer) => void): Promise<void> {
    for (const peer of this.peers) onPeer({ ...peer, via: 'static' })
    return Promise.resolve()
  }

  stop(): Promise<void> {
    return Promise.resolve()
  }
}
