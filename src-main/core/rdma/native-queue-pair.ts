import { BaseQueuePair } from './base-queue-pair'
import { toRdmaError, type RdmaBuffer, type RdmaConnection, type RdmaErrorCode } from './native'
import { VerbsFailure, type CompletionStatus, type MemoryRegion, type QueuePair, type VerbsFailureReason } from './verbs'

/**
 * One connection of the native addon as a verbs queue pair (see ./native-verbs.ts for why and how):
 * posted receives and sends wait in JS queues, one native RECV and one native SEND move them in
 * order through the connection's buffer, and each message is [immediate: u32][payload].
 */

export const HEADER = 4
/** ibv_wc_status values the addon reports as "work completion failed: status N". */
const WC_STATUS: Record<number, CompletionStatus> = { 1: 'local-length', 4: 'local-protection', 5: 'flush', 9: 'remote-invalid-request', 12: 'retry-exceeded', 13: 'rnr-retry-exceeded' }

/** A VerbsFailure that keeps what the addon said: its code and the errno behind it (e.g. ENOSYS). */
export class NativeVerbsFailure extends VerbsFailure {
  constructor(
    reason: VerbsFailureReason,
    message: string,
    readonly code: RdmaErrorCode,
    readonly errno: string | null,
  ) {
    super(reason, message)
  }
}

export function toVerbsFailure(error: unknown): NativeVerbsFailure {
  const rdma = toRdmaError(error)
  const errno = rdma.errno
  if (rdma.code !== 'E_RDMA_SYSCALL') return new NativeVerbsFailure('no-device', `No RDMA device: ${rdma.message}`, rdma.code, errno)
  const rejected = errno === 'ECONNREFUSED' || /REJECTED/.test(rdma.message)
  return new NativeVerbsFailure(rejected ? 'rejected' : 'unreachable', rdma.message, rdma.code, errno)
}

/** What a failed native SEND/RECV means for the work request it carried. */
export function completionStatusOf(error: unknown): CompletionStatus {
  const rdma = toRdmaError(error)
  const status = /work completion failed: status (\d+)/.exec(rdma.message)
  if (status) return WC_STATUS[Number(status[1])] ?? 'flush'
  if (rdma.errno === 'ETIMEDOUT') return 'retry-exceeded'
  return 'flush'
}

export interface Settings {
  slot: number
  maxMessage: number
  connectTimeoutMs: number
  sendTimeoutMs: number
  idleRecvMs: number
  localName: string
}

interface Outgoing {
  wrId?: number
  frame: () => Uint8Array
  /** Runs once the device took the message (or failed to). */
  after?: () => void
}

/** One addon connection as a verbs queue pair. */
export class NativeQueuePair extends BaseQueuePair implements QueuePair {
  remotePrivateData: Uint8Array = new Uint8Array(0)
  private readonly recvs: { wrId: number; region: MemoryRegion; offset: number; length: number }[] = []
  private readonly outgoing: Outgoing[] = []
  private recvBusy = false
  private sendBusy = false
  private nextKey = 1
  /** Set while the first message must be the peer's handshake answer. */
  private handshake: { resolve: (frame: Uint8Array) => void; reject: (error: Error) => void } | undefined

  constructor(
    private readonly conn: RdmaConnection,
    private readonly buffer: RdmaBuffer,
    private readonly settings: Settings,
    public remote: string,
    readonly pathMtu: number,
  ) {
    super()
  }

  /** The first message from the peer, taken before any posted receive. */
  answer(): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.handshake = { resolve, reject }
      this.pumpRecv()
    })
  }

  /** A message of the adapter's own (handshake), sent ahead of what is posted after it. */
  sendFrame(frame: Uint8Array, after?: () => void): void {
    this.outgoing.push({ frame: () => frame, ...(after ? { after } : {}) })
    this.pumpSend()
  }

  registerMemory(size: number): MemoryRegion {
    const region = { bytes: new Uint8Array(size), lkey: this.nextKey++ }
    this.regions.add(region)
    return region
  }

  postRecv(wrId: number, region: MemoryRegion, offset: number, length: number): void {
    if (!this.checkPost(wrId, 'recv', region, offset, length)) return
    this.recvs.push({ wrId, region, offset, length })
    this.pumpRecv()
  }

  postSend(wrId: number, region: MemoryRegion | null, offset: number, length: number, immediate: number): void {
    if (!this.checkPost(wrId, 'send', region, offset, length)) return
    if (length > this.settings.maxMessage) {
      this.complete({ wrId, opcode: 'send', status: 'local-length', byteLength: 0, immediate: 0 })
      return this.enterError('error')
    }
    const frame = (): Uint8Array => {
      const bytes = new Uint8Array(HEADER + length)
      new DataView(bytes.buffer).setUint32(0, immediate >>> 0)
      if (region && length > 0) bytes.set(region.bytes.subarray(offset, offset + length), HEADER)
      return bytes
    }
    this.outgoing.push({ wrId, frame })
    this.pumpSend()
  }

  disconnect(): void {
    if (this.state !== 'closed') this.enterError('closed')
  }

  // Receive half of the buffer: [0, slot). A native RECV is posted only when a message can go somewhere.
  private pumpRecv(): void {
    if (this.recvBusy || this.state !== 'ready' || (!this.handshake && this.recvs.length === 0)) return
    this.recvBusy = true
    this.conn.recv(0, this.settings.slot, this.settings.idleRecvMs).then(
      (length) => {
        this.recvBusy = false
        if (this.state !== 'ready') return this.release()
        this.arrived(this.buffer.read(0, length))
        this.pumpRecv()
      },
      (error: unknown) => {
        this.recvBusy = false
        if (this.state !== 'ready') return this.release()
        if (toRdmaError(error).errno === 'ETIMEDOUT') return this.pumpRecv()
        const status = completionStatusOf(error)
        // A flushed receive while we are open means the peer tore the connection down.
        if (status === 'flush') return this.peerDisconnected()
        const recv = this.recvs.shift()
        if (recv) this.complete({ wrId: recv.wrId, opcode: 'recv', status, byteLength: 0, immediate: 0 })
        this.enterError('error')
      },
    )
  }

  private arrived(message: Uint8Array): void {
    if (this.handshake) {
      const { resolve } = this.handshake
      this.handshake = undefined
      return resolve(message)
    }
    const recv = this.recvs.shift()
    if (!recv || message.length < HEADER) return this.enterError('error')
    const payload = message.subarray(HEADER)
    if (payload.length > recv.length) {
      this.complete({ wrId: recv.wrId, opcode: 'recv', status: 'local-length', byteLength: 0, immediate: 0 })
      return this.enterError('error')
    }
    recv.region.bytes.set(payload, recv.offset)
    const immediate = new DataView(message.buffer, message.byteOffset, message.byteLength).getUint32(0)
    this.complete({ wrId: recv.wrId, opcode: 'recv', status: 'success', byteLength: payload.length, immediate })
  }

  // Send half of the buffer: [slot, 2 × slot).
  private pumpSend(): void {
    if (this.sendBusy || this.state !== 'ready') return
    const next = this.outgoing.shift()
    if (!next) return
    this.sendBusy = true
    const frame = next.frame()
    let posted: Promise<void>
    try {
      this.buffer.write(this.settings.slot, frame)
      posted = this.conn.send(this.settings.slot, frame.length, this.settings.sendTimeoutMs)
    } catch (error) {
      posted = Promise.reject(error as Error)
    }
    posted.then(
      () => {
        this.sendBusy = false
        next.after?.()
        if (next.wrId !== undefined) this.complete({ wrId: next.wrId, opcode: 'send', status: 'success', byteLength: frame.length - HEADER, immediate: 0 })
        if (this.state !== 'ready') return this.release()
        this.pumpSend()
      },
      (error: unknown) => {
        this.sendBusy = false
        next.after?.()
        if (this.state !== 'ready') return this.release()
        if (next.wrId !== undefined) this.complete({ wrId: next.wrId, opcode: 'send', status: completionStatusOf(error), byteLength: 0, immediate: 0 })
        this.enterError('error')
      },
    )
  }

  private peerDisconnected(): void {
    this.enterError('closed')
    this.handler?.('disconnected')
  }

  protected enterError(state: 'error' | 'closed'): void {
    if (this.state === 'ready') {
      for (const send of this.outgoing.splice(0)) if (send.wrId !== undefined) this.complete({ wrId: send.wrId, opcode: 'send', status: 'flush', byteLength: 0, immediate: 0 })
      for (const recv of this.recvs.splice(0)) this.complete({ wrId: recv.wrId, opcode: 'recv', status: 'flush', byteLength: 0, immediate: 0 })
      // Closing tells the peer (its queue pair flushes); the addon's workers notice within a poll.
      this.conn.close()
      this.handshake?.reject(new NativeVerbsFailure('unreachable', `The RDMA connection to ${this.remote} closed during the handshake.`, 'E_RDMA_SYSCALL', 'ECONNRESET'))
      this.handshake = undefined
    }
    this.state = state
    this.release()
  }

  /** Unmaps the buffer once no native SEND or RECV can still touch it. */
  private release(): void {
    if (this.state === 'ready' || this.recvBusy || this.sendBusy) return
    try {
      this.buffer.free()
    } catch {
      // Already freed, or still pinned by a connection that closes asynchronously: the GC unmaps it.
    }
  }
}

