import type { ApiClient, ClusterCapabilities, ClusterPeerView, ClusterSendProgress, ClusterStatus, ErrorShape, EventName, Result, Settings, StreamResult } from '../../src-shared/contract'

/*
 * The cluster.* routes over an in-memory world: this machine, peers that can be paired with their
 * shown code, links that measure, and sends that report progress. It wraps a fake API in place so
 * fake-api.ts needs one line; tests steer it through the returned `cluster`.
 */

export const capabilities = (extra: Partial<ClusterCapabilities> = {}): ClusterCapabilities => ({
  rdma: { available: false, reason: 'The RDMA module is not part of this build.', devices: [] },
  linkKinds: ['loopback', 'ethernet'],
  models: [],
  ramBytes: 32 * 2 ** 30,
  gpu: null,
  appVersion: '9.9.9',
  ...extra,
})

export const clusterPeer = (extra: Partial<ClusterPeerView> = {}): ClusterPeerView => ({
  id: 'b0b0b0b0-0000-4000-8000-000000000002',
  name: 'studio',
  paired: false,
  pairedAt: null,
  addresses: ['tcp://192.168.1.20:47811'],
  via: 'mdns',
  lastSeen: Date.now(),
  summary: { rdmaDevices: 0, linkKinds: ['ethernet'], ramGiB: 64, gpu: 'Apple M2 Ultra', modelCount: 1 },
  capabilities: null,
  link: null,
  error: null,
  usedForChat: false,
  fingerprint: null,
  maySendModels: false,
  addressWarning: null,
  ...extra,
})

export interface FakeClusterWorld {
  self: { id: string; name: string; capabilities: ClusterCapabilities }
  peers: ClusterPeerView[]
  /** Each peer's full capabilities, told once paired. */
  peerCapabilities: Record<string, ClusterCapabilities>
  /** The code each peer currently shows (what pairing must be given). */
  codes: Record<string, string>
  /** The code this machine shows next. */
  nextCode: string
  bytesPerSecond: number
  /** Progress steps a send reports before it finishes; the stream waits for `finishSend()` when `holdSends`. */
  sendSteps: number
  holdSends: boolean
  failing: Partial<Record<string, ErrorShape>>
  /** The local Ollama provider's hosts, as cluster.useForChat leaves them. */
  chatHosts: string[]
}

interface Deps {
  api: ApiClient
  emit: (name: EventName, payload: unknown) => void
  calls: Array<{ route: string; input: unknown }>
  settings: () => Settings
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value })
const fail = (code: ErrorShape['code'], message: string, hint?: string): Result<never> => ({ ok: false, error: { code, message, retryable: false, ...(hint ? { hint } : {}) } })

export function withFakeCluster({ api, emit, calls, settings }: Deps) {
  const world: FakeClusterWorld = {
    self: { id: 'a1a1a1a1-0000-4000-8000-000000000001', name: 'laptop', capabilities: capabilities({ models: [{ name: 'llama3.2:3b', sizeBytes: 2_019_393_189 }, { name: 'qwen3:8b', sizeBytes: 5_225_387_923 }], gpu: null }) },
    peers: [clusterPeer()],
    peerCapabilities: { 'b0b0b0b0-0000-4000-8000-000000000002': capabilities({ models: [{ name: 'qwen3:32b', sizeBytes: 20_201_253_588 }], ramBytes: 64 * 2 ** 30, gpu: 'Apple M2 Ultra', ollama: { port: 11434, reachable: true, listensOnLan: true, version: '0.12.6' } }) },
    codes: { 'b0b0b0b0-0000-4000-8000-000000000002': '482913' },
    nextCode: '305117',
    bytesPerSecond: 117_000_000,
    sendSteps: 3,
    holdSends: false,
    failing: {},
    chatHosts: [],
  }
  let release: (() => void) | undefined
  const changed = (reason: string) => emit('cluster.changed', { reason })
  const find = (ref: string) => world.peers.find((peer) => peer.id === ref || peer.name === ref || peer.addresses.some((a) => a.endsWith(ref)))
  const ollamaUrl = (peer: ClusterPeerView) => `http://${(peer.addresses[0] ?? '').replace(/^tcp:\/\//, '').replace(/:\d+$/, '')}:${peer.capabilities?.ollama?.port ?? 11434}`
  const listening = () => (settings().cluster.enabled ? `tcp://${settings().cluster.bind === 'en0' ? '192.168.1.10' : '0.0.0.0'}:${settings().cluster.port}` : null)

  const status = (): ClusterStatus => ({
    enabled: settings().cluster.enabled,
    listening: listening(),
    port: settings().cluster.port,
    discovery: { mode: settings().cluster.discovery, state: listening() ? 'active' : 'idle', error: null },
    self: { id: listening() ? world.self.id : null, name: settings().cluster.name || world.self.name, capabilities: world.self.capabilities, fingerprint: listening() ? '1A2B-3C4D-5E6F-7081' : null },
    error: null,
    canListen: true,
    bind: settings().cluster.bind,
    interfaces: [
      { name: 'lo', address: '127.0.0.1' },
      { name: 'en0', address: '192.168.1.10' },
    ],
  })

  const answer = (route: string, input: Record<string, string>): Result<unknown> => {
    const failure = world.failing[route]
    if (failure) return { ok: false, error: failure }
    if (route === 'cluster.status') return ok(status())
    if (!listening()) return fail('E_CONFIG', 'Clustering is off.', 'Turn clustering on in the Cluster screen.')
    switch (route) {
      case 'cluster.peers':
        return ok({ peers: world.peers })
      case 'cluster.pairing.code':
        return ok({ code: world.nextCode, expiresAt: Date.now() + 120_000 })
      case 'cluster.pair': {
        const peer = find(input.peer ?? '')
        if (!peer) return fail('E_NOT_FOUND', `No machine at "${input.peer}".`)
        if (world.codes[peer.id] !== input.code) return fail('E_UNAUTHORIZED', 'The code did not match.', 'Check the code the other machine shows; it changes after each try.')
        Object.assign(peer, { paired: true, pairedAt: new Date().toISOString(), fingerprint: '9F8E-7D6C-5B4A-3928', capabilities: world.peerCapabilities[peer.id] ?? capabilities(), link: { kind: 'ethernet', address: peer.addresses[0] ?? '', bytesPerSecond: world.bytesPerSecond, bytesMeasured: 16 * 2 ** 20, measuredAt: Date.now() } })
        changed('paired')
        return ok({ peer })
      }
      case 'cluster.allowModels': {
        const peer = find(input.peer ?? '')
        if (!peer?.paired) return fail('E_NOT_FOUND', `No paired machine is called "${input.peer}".`)
        peer.maySendModels = (input as unknown as { allowed: boolean }).allowed
        changed('peers')
        return ok({ peer })
      }
      case 'cluster.unpair': {
        const peer = find(input.peer ?? '')
        if (!peer?.paired) return fail('E_NOT_FOUND', `No paired machine is called "${input.peer}".`)
        Object.assign(peer, { paired: false, pairedAt: null, capabilities: null, link: null, usedForChat: false })
        world.chatHosts = world.chatHosts.filter((host) => host !== ollamaUrl(peer))
        changed('unpaired')
        return ok({ removed: true })
      }
      case 'cluster.useForChat': {
        const peer = find(input.peer ?? '')
        const enabled = (input as unknown as { enabled: boolean }).enabled
        if (!peer) return fail('E_NOT_FOUND', `No paired machine is called "${input.peer}".`)
        if (enabled && !peer.paired) return fail('E_FORBIDDEN', `${peer.name} is not paired with this machine.`, 'Pair with it first: chats go only to machines you paired with.')
        const ollama = peer.capabilities?.ollama
        if (enabled && ollama && !ollama.reachable) return fail('E_NETWORK', `Ollama is not running on ${peer.name}.`, `Start Ollama on ${peer.name}, then turn this on again.`)
        if (enabled && ollama && !ollama.listensOnLan) return fail('E_NETWORK', `Ollama on ${peer.name} does not answer from here at ${ollamaUrl(peer)}: connection refused (nothing is listening there).`, ollama.hint)
        world.chatHosts = world.chatHosts.filter((host) => host !== ollamaUrl(peer)).concat(enabled ? [ollamaUrl(peer)] : [])
        peer.usedForChat = enabled
        changed('chat')
        return ok({ peer, hosts: world.chatHosts })
      }
      case 'cluster.measure': {
        const peer = find(input.peer ?? '')
        if (!peer?.paired) return fail('E_UNAUTHORIZED', 'The other machine is not paired with this one.')
        peer.link = { kind: 'ethernet', address: peer.addresses[0] ?? '', bytesPerSecond: world.bytesPerSecond, bytesMeasured: 16 * 2 ** 20, measuredAt: Date.now() }
        changed('measured')
        return ok({ link: peer.link })
      }
      default:
        return fail('E_UNKNOWN_ROUTE', `no ${route}`)
    }
  }

  const call = api.call.bind(api)
  const stream = api.stream.bind(api)
  api.call = ((route: string, input: unknown) => {
    // Like the core: a change to the cluster section restarts the service, which says so.
    if (route === 'settings.update' && (input as { cluster?: unknown }).cluster) return call(route as never, input as never).then((result) => (changed('started'), result))
    if (!route.startsWith('cluster.')) return call(route as never, input as never)
    calls.push({ route, input })
    return Promise.resolve(answer(route, input as Record<string, string>))
  }) as ApiClient['call']
  api.stream = ((route: string, input: unknown, onEvent: (event: unknown) => void) => {
    if (route !== 'cluster.sendModel') return stream(route as never, input as never, onEvent as never)
    calls.push({ route, input })
    const { model, peer } = input as { model: string; peer: string }
    let cancelled: (() => void) | undefined
    const done = (async (): Promise<Result<StreamResult<'cluster.sendModel'>>> => {
      const target = find(peer)
      const size = world.self.capabilities.models.find((entry) => entry.name === model)?.sizeBytes
      if (!target?.paired) return fail('E_UNAUTHORIZED', 'The other machine is not paired with this one.')
      if (size === undefined) return fail('E_NOT_FOUND', `"${model}" is not installed.`)
      for (let step = 1; step <= world.sendSteps; step++) {
        const progress: ClusterSendProgress = { model, digest: 'sha256:' + 'ab'.repeat(32), blobDone: 0, blobSize: size, bytesDone: Math.round((size * step) / (world.sendSteps + 1)), bytesTotal: size, bytesTransferred: Math.round((size * step) / (world.sendSteps + 1)), bytesPerSecond: world.bytesPerSecond, resumed: false }
        onEvent(progress)
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
      if (world.holdSends) {
        const outcome = await new Promise<'finish' | 'cancel'>((resolve) => {
          release = () => resolve('finish')
          cancelled = () => resolve('cancel')
        })
        if (outcome === 'cancel') return fail('E_CANCELLED', 'The model transfer was cancelled; send again to resume.')
      }
      target.capabilities = { ...(target.capabilities ?? capabilities()), models: [...(target.capabilities?.models ?? []), { name: model, sizeBytes: size }] }
      changed('peers')
      return ok({ model, peerId: target.id, bytesTotal: size, bytesSent: size, blobsSent: 4, blobsSkipped: 0 })
    })()
    return { id: 99, cancel: () => cancelled?.(), done }
  }) as ApiClient['stream']

  return { cluster: { world, finishSend: () => release?.(), changed } }
}
