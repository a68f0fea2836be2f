import { ValidationError } from '../errors'
import { toRdmaError, type RdmaBuffer, type RdmaConnection, type RdmaDevice, type RdmaListener, type RdmaNative } from './native'
import { HEADER, NativeQueuePair, NativeVerbsFailure, toVerbsFailure, type Settings } from './native-queue-pair'
import { RDMA_DEFAULT_RING } from './rdma-transport'
import type { ConnectRequest, QueuePair, Verbs, VerbsDevice, VerbsListener } from './verbs'

export { NativeVerbsFailure, completionStatusOf, toVerbsFailure } from './native-queue-pair'

/**
 * The `Verbs` that RdmaTransport needs, on top of the native addon (native/rdma, typed in ./native.ts).
 *
 * The addon is narrower than verbs: one mmap-backed buffer per connection, one SEND and one RECV in
 * flight at a time, no immediate data, and its connect private data carries only its memory region.
 * So this adapter emulates the rest in JS:
 *  - a queue pair's posted receives and sends wait in JS queues; one native RECV and one native SEND
 *    move them, in order, through a staging area of the connection's buffer (receive half, send half);
 *  - every message on the wire is [immediate: u32][payload], so zero-length messages still carry their
 *    immediate (RdmaTransport's credit and FIN messages);
 *  - the handshake private data travels in-band: the connecting side's first message is HELLO, the
 *    listening side answers ACCEPT or REJECT before any data;
 *  - memory regions are JS memory; bytes are copied into the staging area when the SEND is posted to
 *    the device (not when RdmaTransport posted it), as hardware reads a buffer only at send time.
 * Addon errors become VerbsFailure (with the addon's code and errno) or failed work completions.
 */

export interface NativeVerbsOptions {
  /** Largest payload one message carries: RdmaTransport's ring buffer size. */
  maxMessageBytes?: number
  connectTimeoutMs?: number
  /** How long a SEND may wait for the peer to take it before the link counts as failed. */
  sendTimeoutMs?: number
  /** How long one native RECV waits; an idle connection reposts it. */
  idleRecvMs?: number
  /** How this machine introduces itself to a listener (the addon does not report peer addresses). */
  localName?: string
}

const FRAME_MAGIC = 0x4f445631 // "ODV1"
const HELLO = 1
const ACCEPT = 2
const REJECT = 3
const INT_MAX = 2 ** 31 - 1

export function encodeFrame(kind: number, privateData: Uint8Array, name = ''): Uint8Array {
  const label = new TextEncoder().encode(name).subarray(0, 255)
  const bytes = new Uint8Array(6 + label.length + privateData.length)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, FRAME_MAGIC)
  bytes[4] = kind
  bytes[5] = label.length
  bytes.set(label, 6)
  bytes.set(privateData, 6 + label.length)
  return bytes
}

export function decodeFrame(bytes: Uint8Array): { kind: number; name: string; privateData: Uint8Array } | undefined {
  if (bytes.length < 6 || new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0) !== FRAME_MAGIC) return undefined
  const length = bytes[5] ?? 0
  if (bytes.length < 6 + length) return undefined
  return { kind: bytes[4] ?? 0, name: new TextDecoder().decode(bytes.subarray(6, 6 + length)), privateData: bytes.slice(6 + length) }
}

/** Resolves with `promise` or rejects after `ms`; `onLate` gets the value if it arrives too late. */
function within<T>(promise: Promise<T>, ms: number, what: string, onLate: (value: T) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false
    const timer = setTimeout(() => {
      done = true
      reject(new NativeVerbsFailure('unreachable', `${what} timed out after ${ms} ms.`, 'E_RDMA_SYSCALL', 'ETIMEDOUT'))
    }, ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        if (done) onLate(value)
        else resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        if (!done) reject(error)
      },
    )
  })
}

class NativeListener implements VerbsListener {
  private handler: ((request: ConnectRequest) => void) | undefined
  private closed = false

  constructor(
    private readonly native: RdmaNative,
    private readonly listener: RdmaListener,
    private readonly settings: Settings,
    private readonly pathMtu: number,
    readonly host: string,
    readonly port: number,
  ) {
    void this.acceptLoop()
  }

  onRequest(handler: (request: ConnectRequest) => void): void {
    this.handler = handler
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.listener.close()
  }

  private async acceptLoop(): Promise<void> {
    while (!this.closed) {
      let buffer: RdmaBuffer | undefined
      let conn: RdmaConnection
      try {
        buffer = new this.native.MmapBuffer(this.settings.slot * 2)
        conn = await this.listener.accept(buffer)
      } catch (error) {
        buffer?.free()
        // ECANCELED: closed. Anything else (e.g. a peer that vanished mid-accept) only costs that peer.
        if (this.closed || toRdmaError(error).errno === 'ECANCELED') return
        continue
      }
      if (this.closed) {
        conn.close()
        buffer.free()
        return
      }
      void this.greet(conn, buffer)
    }
  }

  private async greet(conn: RdmaConnection, buffer: RdmaBuffer): Promise<void> {
    const where = `${this.host}:${this.port}`
    const qp = new NativeQueuePair(conn, buffer, this.settings, where, this.pathMtu)
    const hello = await within(qp.answer(), this.settings.connectTimeoutMs, 'Waiting for the RDMA handshake', () => {})
      .then(decodeFrame)
      .catch(() => undefined)
    if (!hello || hello.kind !== HELLO || !this.handler || this.closed) return qp.disconnect()
    qp.remote = hello.name || `peer of ${where}`
    let answered = false
    this.handler({
      remote: qp.remote,
      privateData: hello.privateData,
      accept: (data, setup) => {
        if (answered) throw new Error('connect request already answered')
        answered = true
        setup(qp)
        qp.remotePrivateData = hello.privateData
        qp.sendFrame(encodeFrame(ACCEPT, data))
        return qp
      },
      reject: () => {
        answered = true
        qp.sendFrame(encodeFrame(REJECT, new Uint8Array(0)), () => qp.disconnect())
      },
    })
  }
}

class NativeDevice implements VerbsDevice {
  constructor(
    private readonly native: RdmaNative,
    private readonly device: RdmaDevice,
    private readonly settings: Settings,
  ) {}

  get name(): string {
    return this.device.name
  }

  private get pathMtu(): number {
    return this.device.ports.find((port) => port.state.startsWith('PORT_ACTIVE') && port.mtu > 0)?.mtu ?? 4096
  }

  async listen(host: string, port: number): Promise<VerbsListener> {
    // The addon does not say which port rdma_cm picked, and peers need to know it.
    if (port === 0) throw new ValidationError('An RDMA listener needs a fixed port.', [], 'Set the cluster port in Settings → Cluster.')
    const listener = await this.native.listen(host, port).catch((error: unknown) => {
      throw toVerbsFailure(error)
    })
    return new NativeListener(this.native, listener, this.settings, this.pathMtu, host, port)
  }

  async connect(host: string, port: number, options: { privateData: Uint8Array; setup: (qp: QueuePair) => void; signal?: AbortSignal }): Promise<QueuePair> {
    let buffer: RdmaBuffer
    try {
      buffer = new this.native.MmapBuffer(this.settings.slot * 2)
    } catch (error) {
      throw toVerbsFailure(error)
    }
    const dropLate = (conn: RdmaConnection): void => {
      conn.close()
      buffer.free()
    }
    let conn: RdmaConnection
    try {
      const pending = this.native.connect(host, port, buffer, this.settings.connectTimeoutMs)
      conn = await new Promise<RdmaConnection>((resolve, reject) => {
        const onAbort = (): void => {
          // The addon cannot cancel a connect in progress: close the connection if it still arrives.
          pending.then(dropLate, () => buffer.free())
          reject(options.signal?.reason as Error)
        }
        if (options.signal?.aborted) return onAbort()
        options.signal?.addEventListener('abort', onAbort, { once: true })
        pending.then(resolve, (error: unknown) => reject(toVerbsFailure(error))).finally(() => options.signal?.removeEventListener('abort', onAbort))
      })
    } catch (error) {
      if (!options.signal?.aborted) buffer.free()
      throw error
    }
    const qp = new NativeQueuePair(conn, buffer, this.settings, `${host}:${port}`, this.pathMtu)
    options.setup(qp)
    const answering = qp.answer()
    qp.sendFrame(encodeFrame(HELLO, options.privateData, this.settings.localName))
    const answer = decodeFrame(await within(answering, this.settings.connectTimeoutMs, `The RDMA handshake with ${host}:${port}`, () => {}).catch((error: unknown) => {
      qp.disconnect()
      throw error
    }))
    if (answer?.kind !== ACCEPT) {
      qp.disconnect()
      throw new NativeVerbsFailure('rejected', `${host}:${port} rejected the connection.`, 'E_RDMA_SYSCALL', 'ECONNREFUSED')
    }
    qp.remotePrivateData = answer.privateData
    return qp
  }

  close(): void {}
}

/** Verbs over the addon. `open()` rejects with a NativeVerbsFailure ('no-device', with the errno) where there is no device. */
export function createNativeVerbs(native: RdmaNative, options: NativeVerbsOptions = {}): Verbs {
  const maxMessage = options.maxMessageBytes ?? RDMA_DEFAULT_RING.size
  const settings: Settings = {
    maxMessage,
    slot: HEADER + Math.max(maxMessage, 512),
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    sendTimeoutMs: options.sendTimeoutMs ?? 30_000,
    idleRecvMs: options.idleRecvMs ?? INT_MAX,
    localName: options.localName ?? '',
  }
  return {
    open: (deviceName) => {
      let devices: RdmaDevice[]
      try {
        devices = native.listDevices()
      } catch (error) {
        return Promise.reject(toVerbsFailure(error))
      }
      const device = devices.find((candidate) => candidate.name === deviceName)
      if (!device) return Promise.reject(new NativeVerbsFailure('no-device', `No RDMA device named ${deviceName} (this machine has ${devices.map((d) => d.name).join(', ')}).`, 'E_RDMA_NO_DEVICE', 'ENODEV'))
      return Promise.resolve(new NativeDevice(native, device, settings))
    },
  }
}
