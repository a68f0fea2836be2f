import { AppError, CancelledError, NetworkError, ValidationError } from '../errors'
import type { Transport, TransportChannel, TransportListener } from './transport'
import { VerbsFailure, type CompletionStatus, type QueuePair, type Verbs, type VerbsDevice, type VerbsListener } from './verbs'

/**
 * A byte stream over RDMA SEND/RECV on a reliable queue pair.
 *
 * Each side posts a ring of `ringSize` receive buffers of `bufferSize` bytes (plus a few reserved
 * for control messages) and tells the peer both numbers in the connect handshake. A sender holds
 * one credit per free receive buffer on the other side and spends one per message, so it can never
 * send into a missing buffer (which hardware answers with an RNR error). The reader reposts a
 * buffer only after its bytes were taken, and returns credits piggybacked on its own data or, when
 * it has nothing to send, in a credit-only message once half the ring is owed: a slow reader
 * therefore stalls the writer instead of growing memory.
 */

const DATA = 0
const CREDIT = 1
const FIN = 2
/** Receive buffers beyond the credited ring, for credit-only and FIN messages (≤ 2 + 1 in flight). */
const CONTROL_SLOTS = 4
const CONTROL_WR = 0x7fff_ffff
const HANDSHAKE_MAGIC = 0x4f44_5231 // "ODR1"

export const RDMA_DEFAULT_RING = { count: 16, size: 256 * 1024 }

export interface Ring {
  count: number
  size: number
}

export interface RdmaTransportOptions {
  verbs: Verbs
  /** ibverbs device name, e.g. `mlx5_0` or `rxe0`. */
  device: string
  ring?: Ring
}

/** A work completion failed: the link or the peer broke mid-transfer. */
export class RdmaCompletionError extends NetworkError {
  constructor(
    readonly status: CompletionStatus,
    remote: string,
  ) {
    super(`The RDMA link to ${remote} failed (${status}).`, { hint: 'Check the cable and that the other machine is up; transfers can fall back to TCP.' })
  }
}

export function encodeImmediate(type: number, credits: number): number {
  return ((type << 30) | (credits & 0x3fff_ffff)) >>> 0
}

export function decodeImmediate(immediate: number): { type: number; credits: number } {
  return { type: immediate >>> 30, credits: immediate & 0x3fff_ffff }
}

export function encodeHandshake(ring: Ring): Uint8Array {
  const bytes = new Uint8Array(12)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, HANDSHAKE_MAGIC)
  view.setUint32(4, ring.count)
  view.setUint32(8, ring.size)
  return bytes
}

/** The peer's ring, or undefined when the private data is not ours or is out of range. */
export function decodeHandshake(bytes: Uint8Array): Ring | undefined {
  if (bytes.byteLength < 12) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const ring = { count: view.getUint32(4), size: view.getUint32(8) }
  const valid = view.getUint32(0) === HANDSHAKE_MAGIC && ring.count >= 1 && ring.count <= 4096 && ring.size >= 64 && ring.size <= 64 * 1024 * 1024
  return valid ? ring : undefined
}

export function parseRdmaAddress(address: string): { host: string; port: number } {
  const match = /^rdma:\/\/(\[[^\]]+\]|[^:/[\]]+):(\d{1,5})$/.exec(address)
  const port = Number(match?.[2])
  if (!match?.[1] || port < 1 || port > 65535) throw new ValidationError(`"${address.slice(0, 200)}" is not an RDMA address.`, [], 'Use rdma://host:port.')
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port }
}

function formatRdmaAddress(host: string, port?: number): string {
  const shown = host.includes(':') ? `[${host}]` : host
  return port === undefined ? `rdma://${shown}` : `rdma://${shown}:${port}`
}

export class RdmaChannel implements TransportChannel {
  private readonly recvRegion
  private readonly sendRegion
  private readonly freeSendSlots: number[]
  private readonly arrived: { slot: number; length: number }[] = []
  private credits = 0
  private pieceSize = 0
  private pendingReturn = 0
  private outstandingSends = 0
  private finSent = false
  private finReceived = false
  private closed = false
  private failure: AppError | undefined
  private writeChain: Promise<void> = Promise.resolve()
  private wakeWriter: (() => void) | undefined
  private wakeReader: (() => void) | undefined
  private iterated = false

  constructor(
    private readonly qp: QueuePair,
    private readonly ring: Ring,
    readonly remote: string,
  ) {
    this.recvRegion = qp.registerMemory((ring.count + CONTROL_SLOTS) * ring.size)
    this.sendRegion = qp.registerMemory(ring.count * ring.size)
    this.freeSendSlots = Array.from({ length: ring.count }, (_, slot) => ring.count - 1 - slot)
    for (let slot = 0; slot < ring.count + CONTROL_SLOTS; slot++) qp.postRecv(slot, this.recvRegion, slot * ring.size, ring.size)
    qp.onEvent((event) => (event === 'completion' ? this.poll() : this.peerDisconnected()))
  }

  /** The connection is up and the peer's ring is known: its buffers are our credits. */
  established(peer: Ring): void {
    this.credits = peer.count
    this.pieceSize = Math.min(peer.size, this.ring.size)
    this.wake()
  }

  write(chunk: Uint8Array): Promise<void> {
    const run = this.writeChain.then(() => this.send(chunk))
    this.writeChain = run.catch(() => undefined)
    return run
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.iterated) throw new ValidationError('A channel can be read only once.')
    this.iterated = true
    while (true) {
      if (this.failure && !this.finReceived) throw this.failure
      const next = this.arrived.shift()
      if (next) {
        const start = next.slot * this.ring.size
        const bytes = this.recvRegion.bytes.slice(start, start + next.length)
        this.release(next.slot)
        yield bytes
        continue
      }
      if (this.finReceived) return
      await new Promise<void>((resolve) => (this.wakeReader = resolve))
    }
  }

  async end(): Promise<void> {
    await this.writeChain
    this.throwIfNotWritable()
    this.finSent = true
    this.postControl(FIN)
  }

  destroy(error?: Error): void {
    const reason = error instanceof AppError ? error : new NetworkError(`The RDMA connection to ${this.remote} was closed.`, { retryable: false, ...(error ? { cause: error } : {}) })
    this.fail(reason)
  }

  private async send(chunk: Uint8Array): Promise<void> {
    let offset = 0
    while (offset < chunk.byteLength) {
      this.throwIfNotWritable()
      const slot = this.credits > 0 ? this.freeSendSlots.pop() : undefined
      if (slot === undefined) {
        await new Promise<void>((resolve) => (this.wakeWriter = resolve))
        continue
      }
      const length = Math.min(chunk.byteLength - offset, this.pieceSize)
      this.sendRegion.bytes.set(chunk.subarray(offset, offset + length), slot * this.ring.size)
      this.credits--
      this.outstandingSends++
      this.qp.postSend(slot, this.sendRegion, slot * this.ring.size, length, encodeImmediate(DATA, this.takeReturn()))
      offset += length
    }
  }

  private throwIfNotWritable(): void {
    if (this.failure) throw this.failure
    if (this.finSent || this.closed) throw new NetworkError(`The RDMA connection to ${this.remote} is closed for writing.`, { retryable: false })
  }

  private release(slot: number): void {
    if (this.closed || this.failure) return
    this.qp.postRecv(slot, this.recvRegion, slot * this.ring.size, this.ring.size)
    this.pendingReturn++
    // After the peer's FIN no more data comes, so returning credits would only cost a message.
    if (!this.finReceived && this.pendingReturn >= Math.ceil(this.ring.count / 2)) this.postControl(CREDIT)
  }

  private takeReturn(): number {
    const credits = this.pendingReturn
    this.pendingReturn = 0
    return credits
  }

  private postControl(type: number): void {
    this.outstandingSends++
    this.qp.postSend(CONTROL_WR, null, 0, 0, encodeImmediate(type, this.takeReturn()))
  }

  private poll(): void {
    for (let batch = this.qp.pollCompletions(64); batch.length > 0; batch = this.qp.pollCompletions(64)) {
      for (const completion of batch) {
        if (completion.status !== 'success') {
          // Flushes after we closed or failed are the queue pair emptying itself, not news.
          if (!(completion.status === 'flush' && (this.closed || this.failure))) this.fail(new RdmaCompletionError(completion.status, this.remote))
          continue
        }
        if (completion.opcode === 'send') {
          this.outstandingSends--
          if (completion.wrId !== CONTROL_WR) this.freeSendSlots.push(completion.wrId)
          continue
        }
        const { type, credits } = decodeImmediate(completion.immediate)
        this.credits += credits
        if (type === DATA) this.arrived.push({ slot: completion.wrId, length: completion.byteLength })
        else this.qp.postRecv(completion.wrId, this.recvRegion, completion.wrId * this.ring.size, this.ring.size)
        if (type === FIN) this.finReceived = true
      }
    }
    this.wake()
    if (this.finSent && this.finReceived && this.outstandingSends === 0 && !this.closed && !this.failure) {
      this.closed = true
      this.qp.disconnect()
    }
  }

  private peerDisconnected(): void {
    if (this.finSent && this.finReceived) this.closed = true
    else this.fail(new NetworkError(`${this.remote} closed the RDMA connection before finishing.`))
  }

  private fail(error: AppError): void {
    if (this.failure || this.closed) return
    this.failure = error
    this.qp.disconnect()
    this.wake()
  }

  private wake(): void {
    const writer = this.wakeWriter
    const reader = this.wakeReader
    this.wakeWriter = undefined
    this.wakeReader = undefined
    writer?.()
    reader?.()
  }
}

class RdmaListener implements TransportListener {
  private readonly pending: TransportChannel[] = []
  private waiter: ((channel: TransportChannel | null) => void) | undefined
  private closed = false

  constructor(
    private readonly listener: VerbsListener,
    ring: Ring,
    readonly address: string,
  ) {
    listener.onRequest((request) => {
      const peer = decodeHandshake(request.privateData)
      if (this.closed || !peer) return request.reject()
      let channel: RdmaChannel | undefined
      request.accept(encodeHandshake(ring), (qp) => (channel = new RdmaChannel(qp, ring, formatRdmaAddress(request.remote))))
      if (!channel) return
      channel.established(peer)
      if (this.waiter) {
        const wake = this.waiter
        this.waiter = undefined
        wake(channel)
      } else this.pending.push(channel)
    })
  }

  async *accept(): AsyncIterable<TransportChannel> {
    while (true) {
      const channel = this.pending.shift() ?? (this.closed ? null : await new Promise<TransportChannel | null>((resolve) => (this.waiter = resolve)))
      if (!channel) return
      yield channel
    }
  }

  close(): Promise<void> {
    this.closed = true
    this.listener.close()
    for (const channel of this.pending.splice(0)) channel.destroy()
    this.waiter?.(null)
    this.waiter = undefined
    return Promise.resolve()
  }
}

export class RdmaTransport implements Transport {
  readonly kind = 'rdma' as const
  private readonly ring: Ring
  private device: Promise<VerbsDevice> | undefined

  constructor(private readonly options: RdmaTransportOptions) {
    this.ring = options.ring ?? RDMA_DEFAULT_RING
    if (decodeHandshake(encodeHandshake(this.ring)) === undefined) throw new ValidationError(`RDMA ring of ${this.ring.count} × ${this.ring.size} bytes is out of range.`, [], 'Use 1–4096 buffers of 64 B to 64 MiB.')
  }

  async listen(options: { host: string; port: number }): Promise<TransportListener> {
    const device = await this.open()
    const listener = await device.listen(options.host, options.port).catch((error: unknown) => {
      throw this.toAppError(error, formatRdmaAddress(options.host, options.port))
    })
    return new RdmaListener(listener, this.ring, formatRdmaAddress(listener.host, listener.port))
  }

  async connect(address: string, options: { signal?: AbortSignal } = {}): Promise<TransportChannel> {
    const { host, port } = parseRdmaAddress(address)
    if (options.signal?.aborted) throw new CancelledError(`Connecting to ${address} was cancelled.`)
    const device = await this.open()
    let channel: RdmaChannel | undefined
    const qp = await device
      .connect(host, port, { privateData: encodeHandshake(this.ring), signal: options.signal, setup: (created) => (channel = new RdmaChannel(created, this.ring, address)) })
      .catch((error: unknown) => {
        throw options.signal?.aborted ? new CancelledError(`Connecting to ${address} was cancelled.`) : this.toAppError(error, address)
      })
    const peer = decodeHandshake(qp.remotePrivateData)
    if (!channel || !peer) {
      qp.disconnect()
      throw new NetworkError(`${address} answered with an unknown RDMA handshake.`, { retryable: false, hint: 'Both machines need the same Ollama Desk version.' })
    }
    channel.established(peer)
    return channel
  }

  private open(): Promise<VerbsDevice> {
    this.device ??= this.options.verbs.open(this.options.device).catch((error: unknown) => {
      this.device = undefined
      throw this.toAppError(error, this.options.device)
    })
    return this.device
  }

  private toAppError(error: unknown, where: string): AppError {
    if (error instanceof AppError) return error
    if (error instanceof VerbsFailure) {
      if (error.reason === 'no-device') return new AppError('E_UNSUPPORTED', `RDMA device ${where} is not available.`, { cause: error, hint: 'Transfers use TCP instead.' })
      if (error.reason === 'rejected') return new NetworkError(`${where} refused the RDMA connection.`, { cause: error, hint: 'Check that Ollama Desk is running on the other machine and listening for RDMA.' })
    }
    return new NetworkError(`${where} cannot be reached over RDMA.`, { cause: error })
  }
}
