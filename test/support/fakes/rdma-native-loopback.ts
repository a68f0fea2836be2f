import type { RdmaBuffer, RdmaConnection, RdmaDevice, RdmaListener, RdmaNative, RdmaRegion } from '../../../src-main/core/rdma/native'

/**
 * A stand-in for the native addon's JS API (native/rdma; typed as RdmaNative) that connects its
 * endpoints in memory, keeping the addon's rules so code that breaks them fails here too:
 *  - one SEND (or WRITE) and one RECV in flight per connection, else EBUSY; ranges checked (RangeError);
 *  - a SEND waits until the peer has a RECV posted (rnr_retry 7 retries for ever) or its timeout;
 *  - bytes are copied out of the sender's buffer when the peer's RECV takes them;
 *  - a SEND larger than the posted RECV fails both: "status 1" (local length) at the receiver,
 *    "status 9" (remote invalid request) at the sender; either side closing flushes the other
 *    ("status 5"); errors carry the addon's { code, errno } shape.
 */

interface Waiting<T> {
  offset: number
  length: number
  resolve: (value: T) => void
  reject: (error: Error) => void
  timer: ReturnType<typeof setTimeout>
}

function addonError(code: string, errno: string | null, message: string): Error {
  return Object.assign(new Error(message), { code, errno })
}
const syscall = (what: string, errno: string) => addonError('E_RDMA_SYSCALL', errno, `${what}: ${errno}`)
const failedCompletion = (status: number) => addonError('E_RDMA_SYSCALL', 'EIO', `work completion failed: status ${status}`)

class LoopbackBuffer implements RdmaBuffer {
  bytes: Uint8Array | null
  pins = 0
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('MmapBuffer(size): size must be a whole number of bytes from 1 to 16 GiB')
    this.bytes = new Uint8Array(size)
  }
  private live(offset: number, length: number): Uint8Array {
    if (!this.bytes) throw new Error('the buffer was freed')
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`range ${offset}+${length} is outside the buffer`)
    return this.bytes
  }
  write(offset: number, bytes: Uint8Array): number {
    this.live(offset, bytes.length).set(bytes, offset)
    return bytes.length
  }
  read(offset: number, length: number): Uint8Array {
    return this.live(offset, length).slice(offset, offset + length)
  }
  free(): void {
    if (this.pins > 0) throw new Error('the buffer is registered with an open connection; close it first')
    this.bytes = null
  }
}

export class LoopbackConnection implements RdmaConnection {
  peer: LoopbackConnection | undefined
  private closed = false
  private failed: number | undefined
  private sending: (Waiting<void> & { remoteOffset?: number }) | undefined
  private receiving: Waiting<number> | undefined

  constructor(
    private readonly fabric: LoopbackRdma,
    private readonly buffer: LoopbackBuffer,
    private readonly key: number,
  ) {
    buffer.pins++
  }

  get localRegion(): RdmaRegion | null {
    return this.closed ? null : { addr: BigInt(this.key) << 32n, rkey: this.key, length: this.buffer.size }
  }

  get remoteRegion(): RdmaRegion | null {
    return this.closed ? null : (this.peer?.localRegion ?? null)
  }

  send(offset: number, length: number, timeoutMs = 10_000): Promise<void> {
    return this.post('sending', offset, length, timeoutMs)
  }

  write(offset: number, length: number, remoteOffset: number, timeoutMs = 10_000): Promise<void> {
    if (!(remoteOffset >= 0 && remoteOffset + length <= (this.peer?.buffer.size ?? 0))) throw new RangeError("remoteOffset is outside the peer's registered region")
    return this.post('sending', offset, length, timeoutMs, remoteOffset)
  }

  recv(offset: number, length: number, timeoutMs = 10_000): Promise<number> {
    return this.post('receiving', offset, length, timeoutMs)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.buffer.pins--
    this.settle('sending', syscall('completion (connection closed)', 'ECONNRESET'))
    this.settle('receiving', syscall('completion (connection closed)', 'ECONNRESET'))
    this.peer?.fail(5)
  }

  private post(slot: 'sending' | 'receiving', offset: number, length: number, timeoutMs: number, remoteOffset?: number): Promise<never> {
    if (this.closed) return Promise.reject(syscall(`${slot} (connection closed)`, 'ECONNRESET'))
    if (!(offset >= 0 && length >= 1 && offset + length <= this.buffer.size)) throw new RangeError('range is outside the registered buffer')
    if (this[slot]) return Promise.reject(syscall(`${slot} (one at a time)`, 'EBUSY'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(slot, syscall('waiting for a completion', 'ETIMEDOUT')), timeoutMs)
      this[slot] = { offset, length, resolve, reject, timer, ...(remoteOffset === undefined ? {} : { remoteOffset }) } as never
      // A queue pair in the error state completes new work at once, flushed.
      if (this.failed !== undefined) return this.settle(slot, failedCompletion(5))
      queueMicrotask(() => this.fabric.deliver(this))
    })
  }

  /** Moves this side's pending SEND/WRITE to the peer when it can land. */
  deliverOutgoing(): void {
    const send = this.sending
    const peer = this.peer
    if (!send || !peer) return
    if (send.remoteOffset !== undefined) {
      peer.buffer.write(send.remoteOffset, this.buffer.read(send.offset, send.length))
      this.fabric.stats.bytes += send.length
      return this.settle('sending')
    }
    const recv = peer.receiving
    if (!recv) return
    if (send.length > recv.length) {
      peer.fail(1, 'receiving')
      return this.fail(9, 'sending')
    }
    peer.buffer.write(recv.offset, this.buffer.read(send.offset, send.length))
    this.fabric.stats.messages++
    this.fabric.stats.bytes += send.length
    this.settle('sending')
    peer.settle('receiving', undefined, send.length)
  }

  /** The queue pair enters the error state: the work on `slot` fails with `status`, the rest is flushed. */
  fail(status: number, slot?: 'sending' | 'receiving'): void {
    if (this.closed || this.failed !== undefined) return
    this.failed = status
    this.settle('sending', failedCompletion(slot === 'sending' ? status : 5))
    this.settle('receiving', failedCompletion(slot === 'receiving' ? status : 5))
  }

  private settle(slot: 'sending' | 'receiving', error?: Error, value?: number): void {
    const waiting = this[slot]
    if (!waiting) return
    this[slot] = undefined
    clearTimeout(waiting.timer)
    if (error) waiting.reject(error)
    else (waiting.resolve as (v: unknown) => void)(value)
  }
}

class LoopbackListener implements RdmaListener {
  private waiting: { buffer: LoopbackBuffer; resolve: (conn: RdmaConnection) => void; reject: (error: Error) => void } | undefined
  readonly backlog: { buffer: LoopbackBuffer; resolve: (conn: RdmaConnection) => void }[] = []
  closed = false

  constructor(
    private readonly fabric: LoopbackRdma,
    private readonly key: string,
  ) {}

  accept(buffer: RdmaBuffer): Promise<RdmaConnection> {
    if (this.closed) return Promise.reject(syscall('accept (listener closed)', 'ECANCELED'))
    if (this.waiting) return Promise.reject(syscall('accept (one at a time)', 'EBUSY'))
    return new Promise((resolve, reject) => {
      this.waiting = { buffer: buffer as LoopbackBuffer, resolve, reject }
      this.match()
    })
  }

  match(): void {
    const waiting = this.waiting
    const request = this.backlog[0]
    if (!waiting || !request) return
    this.backlog.shift()
    this.waiting = undefined
    const [active, passive] = this.fabric.pair(request.buffer, waiting.buffer)
    request.resolve(active)
    waiting.resolve(passive)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.fabric.listeners.delete(this.key)
    this.waiting?.reject(syscall('rdma_get_cm_event (closed)', 'ECANCELED'))
    this.waiting = undefined
  }
}

export class LoopbackRdma implements RdmaNative {
  readonly kind = 'native' as const
  readonly listeners = new Map<string, LoopbackListener>()
  readonly connections: LoopbackConnection[] = []
  readonly stats = { messages: 0, bytes: 0 }
  /** Every buffer made, to check that all were freed. */
  readonly buffers: LoopbackBuffer[] = []
  private nextKey = 1
  readonly MmapBuffer: new (size: number) => RdmaBuffer

  constructor(private readonly devices: RdmaDevice[]) {
    const buffers = this.buffers
    this.MmapBuffer = class extends LoopbackBuffer {
      constructor(size: number) {
        super(size)
        buffers.push(this)
      }
    }
  }

  available() {
    return this.devices.length > 0 ? { ok: true, reason: `${this.devices.length} RDMA device(s)` } : { ok: false, reason: 'no RDMA devices (ibv_get_device_list found none)', errno: 'ENODEV' }
  }

  listDevices(): RdmaDevice[] {
    if (this.devices.length === 0) throw addonError('E_RDMA_NO_DEVICE', 'ENODEV', 'no RDMA devices (ibv_get_device_list found none)')
    return this.devices
  }

  listen(host: string, port: number): Promise<RdmaListener> {
    const key = `${host}:${port}`
    if (this.listeners.has(key)) return Promise.reject(syscall('rdma_bind_addr', 'EADDRINUSE'))
    const listener = new LoopbackListener(this, key)
    this.listeners.set(key, listener)
    return Promise.resolve(listener)
  }

  connect(host: string, port: number, buffer: RdmaBuffer, timeoutMs = 10_000): Promise<RdmaConnection> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        const listener = this.listeners.get(`${host}:${port}`)
        if (!listener) return reject(addonError('E_RDMA_SYSCALL', 'ECONNREFUSED', 'rdma_cm: expected RDMA_CM_EVENT_ESTABLISHED, got RDMA_CM_EVENT_REJECTED: ECONNREFUSED (Connection refused)'))
        const timer = setTimeout(() => reject(syscall('waiting for rdma_cm event', 'ETIMEDOUT')), timeoutMs)
        listener.backlog.push({
          buffer: buffer as LoopbackBuffer,
          resolve: (conn) => {
            clearTimeout(timer)
            resolve(conn)
          },
        })
        listener.match()
      })
    })
  }

  /** @internal */
  pair(activeBuffer: LoopbackBuffer, passiveBuffer: LoopbackBuffer): [LoopbackConnection, LoopbackConnection] {
    const active = new LoopbackConnection(this, activeBuffer, this.nextKey++)
    const passive = new LoopbackConnection(this, passiveBuffer, this.nextKey++)
    active.peer = passive
    passive.peer = active
    this.connections.push(active, passive)
    return [active, passive]
  }

  /** @internal */
  deliver(from: LoopbackConnection | undefined): void {
    from?.deliverOutgoing()
    from?.peer?.deliverOutgoing()
  }
}

export const loopbackDevice = (name = 'mlx5_0', mtu = 4096): RdmaDevice => ({
  name,
  guid: '0002:c903:0042:1a2b',
  transport: 'RoCE',
  ports: [{ num: 1, state: 'PORT_ACTIVE (4)', speed: 100, mtu, linkLayer: 'Ethernet', gids: ['fe80::0202:c9ff:fe42:1a2b'] }],
})
