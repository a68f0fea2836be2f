import { BaseQueuePair } from '../base-queue-pair'
import { VerbsFailure, type CompletionStatus, type ConnectRequest, type MemoryRegion, type QueuePair, type Verbs, type VerbsDevice, type VerbsListener } from '../verbs'

/**
 * FakeVerbs for tests: two (or more) endpoints on one in-process fabric, behaving as the verbs
 * contract (../verbs.ts) says an RC queue pair does, with faults to inject. No RDMA device needed.
 */

export interface FakeFabricOptions {
  /** Path MTU reported by every queue pair (default 4096, the usual RoCE/IB value). */
  mtu?: number
}

interface PostedRecv {
  wrId: number
  region: MemoryRegion
  offset: number
  length: number
}

interface PostedSend {
  wrId: number
  region: MemoryRegion | null
  offset: number
  length: number
  immediate: number
}

/** The shared wire: listeners by `host:port`, fault injection, counters. */
export class FakeFabric {
  readonly mtu: number
  readonly listeners = new Map<string, FakeListener>()
  readonly stats = { messages: 0, packets: 0, bytes: 0 }
  private fault: { afterMessages: number; status: CompletionStatus } | undefined
  private nextKey = 1
  private nextPort = 40_000

  constructor(options: FakeFabricOptions = {}) {
    this.mtu = options.mtu ?? 4096
  }

  /** A `Verbs` for one host on this fabric, with the named devices. */
  verbs(host: string, devices: string[] = ['fake_0']): Verbs {
    return {
      open: (name) => {
        if (!devices.includes(name)) return Promise.reject(new VerbsFailure('no-device', `No RDMA device named ${name} on ${host}.`))
        return Promise.resolve(new FakeDevice(this, host, name))
      },
    }
  }

  /** The next message to be delivered after `afterMessages` more fails with `status` on the sender. */
  injectFault(status: CompletionStatus, afterMessages = 0): void {
    this.fault = { afterMessages, status }
  }

  /** @internal */
  takeFault(): CompletionStatus | undefined {
    if (!this.fault) return undefined
    if (this.fault.afterMessages-- > 0) return undefined
    const { status } = this.fault
    this.fault = undefined
    return status
  }

  /** @internal */
  key(): number {
    return this.nextKey++
  }

  /** @internal */
  ephemeralPort(): number {
    return this.nextPort++
  }
}

class FakeDevice implements VerbsDevice {
  constructor(
    private readonly fabric: FakeFabric,
    private readonly host: string,
    readonly name: string,
  ) {}

  listen(host: string, port: number): Promise<VerbsListener> {
    const bound = port === 0 ? this.fabric.ephemeralPort() : port
    const key = `${host}:${bound}`
    if (this.fabric.listeners.has(key)) return Promise.reject(new VerbsFailure('unreachable', `${key} is already in use.`))
    const listener = new FakeListener(this.fabric, host, bound)
    this.fabric.listeners.set(key, listener)
    return Promise.resolve(listener)
  }

  connect(host: string, port: number, options: { privateData: Uint8Array; setup: (qp: QueuePair) => void; signal?: AbortSignal }): Promise<QueuePair> {
    return new Promise((resolve, reject) => {
      // Address and route resolution take a round trip; an abort in that window wins.
      setImmediate(() => {
        if (options.signal?.aborted) return reject(options.signal.reason as Error)
        const listener = this.fabric.listeners.get(`${host}:${port}`)
        if (!listener) return reject(new VerbsFailure('rejected', `Nothing listens on ${host}:${port} (connection refused).`))
        const local = new FakeQueuePair(this.fabric, `${host}:${port}`, new Uint8Array(0))
        options.setup(local)
        listener.request(this.host, options.privateData, local, (remoteData) => {
          local.remotePrivateData = remoteData
          resolve(local)
        }, () => reject(new VerbsFailure('rejected', `${host}:${port} rejected the connection.`)))
      })
    })
  }

  close(): void {}
}

class FakeListener implements VerbsListener {
  private handler: ((request: ConnectRequest) => void) | undefined
  /** Set to make the listener refuse every request (rdma_reject). */
  refuse = false

  constructor(
    private readonly fabric: FakeFabric,
    readonly host: string,
    readonly port: number,
  ) {}

  onRequest(handler: (request: ConnectRequest) => void): void {
    this.handler = handler
  }

  request(from: string, privateData: Uint8Array, active: FakeQueuePair, accepted: (data: Uint8Array) => void, rejected: () => void): void {
    if (this.refuse || !this.handler) return rejected()
    let answered = false
    this.handler({
      remote: from,
      privateData,
      accept: (data, setup) => {
        if (answered) throw new Error('connect request already answered')
        answered = true
        const passive = new FakeQueuePair(this.fabric, from, privateData)
        setup(passive)
        passive.peer = active
        active.peer = passive
        accepted(data)
        return passive
      },
      reject: () => {
        answered = true
        rejected()
      },
    })
  }

  close(): void {
    this.fabric.listeners.delete(`${this.host}:${this.port}`)
  }
}

/** An RC queue pair: in-order delivery, receive buffers consumed FIFO, errors flush the queue. */
export class FakeQueuePair extends BaseQueuePair implements QueuePair {
  peer: FakeQueuePair | undefined
  readonly pathMtu: number
  private readonly recvs: PostedRecv[] = []
  private readonly sends: PostedSend[] = []
  private deliveryScheduled = false

  constructor(
    private readonly fabric: FakeFabric,
    readonly remote: string,
    public remotePrivateData: Uint8Array,
  ) {
    super()
    this.pathMtu = fabric.mtu
  }

  registerMemory(size: number): MemoryRegion {
    const region = { bytes: new Uint8Array(size), lkey: this.fabric.key() }
    this.regions.add(region)
    return region
  }

  postRecv(wrId: number, region: MemoryRegion, offset: number, length: number): void {
    if (!this.checkPost(wrId, 'recv', region, offset, length)) return
    this.recvs.push({ wrId, region, offset, length })
  }

  postSend(wrId: number, region: MemoryRegion | null, offset: number, length: number, immediate: number): void {
    if (!this.checkPost(wrId, 'send', region, offset, length)) return
    this.sends.push({ wrId, region, offset, length, immediate: immediate >>> 0 })
    this.scheduleDelivery()
  }

  disconnect(): void {
    if (this.state === 'closed') return
    this.enterError('closed')
    const peer = this.peer
    if (peer && peer.state !== 'closed') setImmediate(() => peer.remoteDisconnected())
  }

  private remoteDisconnected(): void {
    if (this.state === 'closed') return
    this.enterError('closed')
    this.handler?.('disconnected')
  }

  // The wire runs on a later turn: bytes are read from the sender's buffer at delivery, not at
  // post time, so a sender that reuses a buffer before its completion corrupts data, as on hardware.
  private scheduleDelivery(): void {
    if (this.deliveryScheduled) return
    this.deliveryScheduled = true
    setImmediate(() => {
      this.deliveryScheduled = false
      while (this.state === 'ready' && this.sends.length > 0) this.deliver(this.sends.shift() as PostedSend)
    })
  }

  private deliver(send: PostedSend): void {
    const peer = this.peer
    const fault = this.fabric.takeFault()
    if (!peer || peer.state !== 'ready' || fault) {
      this.complete({ wrId: send.wrId, opcode: 'send', status: fault ?? 'retry-exceeded', byteLength: 0, immediate: 0 })
      this.enterError('error')
      return
    }
    const recv = peer.recvs.shift()
    if (!recv) {
      this.complete({ wrId: send.wrId, opcode: 'send', status: 'rnr-retry-exceeded', byteLength: 0, immediate: 0 })
      this.enterError('error')
      return
    }
    if (send.length > recv.length) {
      peer.complete({ wrId: recv.wrId, opcode: 'recv', status: 'local-length', byteLength: 0, immediate: 0 })
      peer.enterError('error')
      this.complete({ wrId: send.wrId, opcode: 'send', status: 'remote-invalid-request', byteLength: 0, immediate: 0 })
      this.enterError('error')
      return
    }
    if (send.region && send.length > 0) recv.region.bytes.set(send.region.bytes.subarray(send.offset, send.offset + send.length), recv.offset)
    this.fabric.stats.messages++
    this.fabric.stats.packets += Math.max(1, Math.ceil(send.length / this.pathMtu))
    this.fabric.stats.bytes += send.length
    peer.complete({ wrId: recv.wrId, opcode: 'recv', status: 'success', byteLength: send.length, immediate: send.immediate })
    this.complete({ wrId: send.wrId, opcode: 'send', status: 'success', byteLength: send.length, immediate: 0 })
  }

  protected enterError(state: 'error' | 'closed'): void {
    if (this.state === 'ready') {
      for (const send of this.sends.splice(0)) this.complete({ wrId: send.wrId, opcode: 'send', status: 'flush', byteLength: 0, immediate: 0 })
      for (const recv of this.recvs.splice(0)) this.complete({ wrId: recv.wrId, opcode: 'recv', status: 'flush', byteLength: 0, immediate: 0 })
    }
    this.state = state
  }
}

/** Test hook: the listener on `host:port` refuses (rdma_reject) every further request. */
export function refuseConnections(fabric: FakeFabric, host: string, port: number): void {
  const listener = fabric.listeners.get(`${host}:${port}`)
  if (listener) listener.refuse = true
}
