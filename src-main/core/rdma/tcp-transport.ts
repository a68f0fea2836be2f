import net from 'node:net'
import { AppError, CancelledError, NetworkError, TimeoutError, ValidationError } from '../errors'
import type { Transport, TransportChannel, TransportListener } from './transport'

/** Big stream buffers: model files move in MiB-sized chunks, and small buffers cost a syscall per 64 KiB. */
export const TCP_HIGH_WATER_MARK = 4 * 1024 * 1024
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

/** Socket options including the Duplex buffer sizes `net.Socket` forwards to its stream. */
export type TcpSocketOptions = net.SocketConstructorOpts & { readableHighWaterMark?: number; writableHighWaterMark?: number }

export interface TcpTransportOptions {
  /** Node stream buffer per direction; `write` waits once this much is queued. */
  highWaterMark?: number
  connectTimeoutMs?: number
  /** Makes the (unconnected) socket; tests pass one that never completes the handshake. */
  createSocket?: (options: TcpSocketOptions) => net.Socket
}

/** `tcp://host:port` (IPv6 as `tcp://[::1]:port`) → host and port, or a ValidationError. */
export function parseTcpAddress(address: string): { host: string; port: number } {
  // WHATWG URLs reject IPv6 zone ids, which link-local peers (fe80::…%en5) need.
  const zoned = /^tcp:\/\/\[([0-9a-fA-F:.]+%[\w.-]+)\]:(\d{1,5})$/.exec(address)
  if (zoned?.[1] && Number(zoned[2]) >= 1 && Number(zoned[2]) <= 65535) return { host: zoned[1], port: Number(zoned[2]) }
  let url: URL
  try {
    url = new URL(address)
  } catch {
    throw new ValidationError(`"${address.slice(0, 200)}" is not a transport address.`, [], 'Use tcp://host:port.')
  }
  const port = Number(url.port)
  if (url.protocol !== 'tcp:' || !url.hostname || !Number.isInteger(port) || port < 1 || port > 65535 || url.pathname.replace(/^\/$/, '') !== '') {
    throw new ValidationError(`"${address.slice(0, 200)}" is not a TCP address.`, [], 'Use tcp://host:port with a port from 1 to 65535.')
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port }
}

export function formatTcpAddress(host: string, port: number): string {
  return `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** Socket failures as the user would read them; everything stays retryable except bad input. */
export function toNetworkError(error: unknown, remote: string): AppError {
  if (error instanceof AppError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError(`${remote} refused the connection.`, { cause: error, hint: 'Check that Ollama Desk is running on the other machine and listening.' })
    case 'ECONNRESET':
    case 'EPIPE':
      return new NetworkError(`${remote} dropped the connection.`, { cause: error, hint: 'The other machine closed or restarted; try again.' })
    case 'ETIMEDOUT':
      return new TimeoutError(`${remote} stopped answering.`, { cause: error })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError(`${remote} could not be found.`, { cause: error, hint: 'Check the host name or address.' })
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetworkError(`${remote} cannot be reached from this machine.`, { cause: error })
    default:
      return new NetworkError(`The connection to ${remote} failed.`, { cause: error })
  }
}

/** One TCP connection as a TransportChannel. */
export class TcpChannel implements TransportChannel {
  readonly remote: string
  private failure: AppError | undefined
  private iterated = false

  constructor(private readonly socket: net.Socket) {
    this.remote = formatTcpAddress(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0)
    socket.setNoDelay(true)
    // Errors surface through write/iteration; this listener only keeps them from crashing the process.
    socket.on('error', (error) => {
      this.failure ??= toNetworkError(error, this.remote)
    })
  }

  /** Bytes accepted by `write` but not yet handed to the kernel. */
  get bufferedBytes(): number {
    return this.socket.writableLength
  }

  write(chunk: Uint8Array): Promise<void> {
    const closed = this.closedError()
    if (closed) return Promise.reject(closed)
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        this.socket.off('drain', onDrain)
        this.socket.off('close', onClose)
      }
      const onDrain = (): void => {
        cleanup()
        resolve()
      }
      const onClose = (): void => {
        cleanup()
        reject(this.closedError() ?? new NetworkError(`The connection to ${this.remote} closed.`))
      }
      let flushed: boolean
      try {
        flushed = this.socket.write(chunk, (error) => {
          if (error) onClose()
        })
      } catch (error) {
        reject(toNetworkError(error, this.remote))
        return
      }
      if (flushed) resolve()
      else {
        this.socket.on('drain', onDrain)
        this.socket.on('close', onClose)
      }
    })
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.iterated) throw new ValidationError('A channel can be read only once.')
    this.iterated = true
    // Our own queue over 'data' rather than the stream iterator: that one concatenates (copies)
    // whatever is buffered on each read, and on Node 22 destroys the socket when reading ends,
    // which would close the writing half that half-close (read to the end, then answer) needs.
    const socket = this.socket
    const limit = socket.readableHighWaterMark
    const queue: Uint8Array[] = []
    let queued = 0
    let ended = false
    let wake: (() => void) | undefined
    const notify = (): void => {
      const resume = wake
      wake = undefined
      resume?.()
    }
    const onData = (chunk: Buffer): void => {
      queue.push(chunk)
      queued += chunk.byteLength
      if (queued >= limit) socket.pause() // back-pressure: the kernel window fills, the peer waits
      notify()
    }
    const onEnd = (): void => {
      ended = true
      notify()
    }
    socket.on('data', onData)
    socket.on('end', onEnd)
    socket.on('close', onEnd)
    try {
      while (true) {
        const chunk = queue.shift()
        if (chunk) {
          queued -= chunk.byteLength
          if (socket.isPaused() && queued < limit) socket.resume()
          yield chunk
          continue
        }
        if (this.failure) throw this.failure
        if (ended) break
        await new Promise<void>((resolve) => (wake = resolve))
      }
    } finally {
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.pause()
    }
    // A socket destroyed without an error also ends the loop; only a real FIN is a clean end.
    if (this.failure) throw this.failure
    if (!socket.readableEnded) throw new NetworkError(`The connection to ${this.remote} closed before the peer finished sending.`)
  }

  end(): Promise<void> {
    const closed = this.closedError()
    if (closed) return Promise.reject(closed)
    return new Promise((resolve, reject) => {
      this.socket.end(() => {
        const failed = this.failure
        if (failed) reject(failed)
        else resolve()
      })
    })
  }

  destroy(error?: Error): void {
    if (error) this.failure ??= error instanceof AppError ? error : toNetworkError(error, this.remote)
    // A reset, not a FIN: the peer must not mistake an abandoned transfer for a complete one.
    if (this.socket.destroyed) return
    if (this.socket.connecting || this.socket.readyState === 'closed') this.socket.destroy()
    else this.socket.resetAndDestroy()
  }

  private closedError(): AppError | undefined {
    if (this.failure) return this.failure
    if (this.socket.destroyed || this.socket.writableEnded) return new NetworkError(`The connection to ${this.remote} is closed for writing.`, { retryable: false })
    return undefined
  }
}

class TcpListener implements TransportListener {
  private readonly pending: net.Socket[] = []
  private waiter: ((socket: net.Socket | null) => void) | undefined
  private closed = false

  constructor(
    private readonly server: net.Server,
    readonly address: string,
  ) {
    server.on('connection', (socket) => {
      if (this.waiter) {
        const wake = this.waiter
        this.waiter = undefined
        wake(socket)
      } else this.pending.push(socket)
    })
  }

  async *accept(): AsyncIterable<TransportChannel> {
    while (true) {
      const socket = this.pending.shift() ?? (this.closed ? null : await new Promise<net.Socket | null>((resolve) => (this.waiter = resolve)))
      if (!socket) return
      yield new TcpChannel(socket)
    }
  }

  /** Stops accepting; channels already handed out stay open and belong to their holders. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    for (const socket of this.pending.splice(0)) socket.destroy()
    this.waiter?.(null)
    this.waiter = undefined
    return new Promise((resolve) => {
      this.server.close()
      this.server.unref()
      resolve()
    })
  }
}

export class TcpTransport implements Transport {
  readonly kind = 'tcp' as const
  private readonly highWaterMark: number
  private readonly connectTimeoutMs: number
  private readonly createSocket: (options: TcpSocketOptions) => net.Socket

  constructor(options: TcpTransportOptions = {}) {
    this.highWaterMark = options.highWaterMark ?? TCP_HIGH_WATER_MARK
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    this.createSocket = options.createSocket ?? ((socketOptions) => new net.Socket(socketOptions))
  }

  async listen(options: { host: string; port: number }): Promise<TransportListener> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true, highWaterMark: this.highWaterMark })
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(toNetworkError(error, formatTcpAddress(options.host, options.port))))
      server.listen(options.port, options.host, () => resolve())
    })
    const bound = server.address() as net.AddressInfo
    return new TcpListener(server, formatTcpAddress(bound.address, bound.port))
  }

  async connect(address: string, options: { signal?: AbortSignal } = {}): Promise<TransportChannel> {
    const { host, port } = parseTcpAddress(address)
    const { signal } = options
    if (signal?.aborted) throw new CancelledError(`Connecting to ${address} was cancelled.`)
    const socket = this.createSocket({ allowHalfOpen: true, readableHighWaterMark: this.highWaterMark, writableHighWaterMark: this.highWaterMark })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new TimeoutError(`${address} did not answer within ${Math.round(this.connectTimeoutMs / 1000)} s.`)), this.connectTimeoutMs)
      const settle = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        socket.off('error', fail)
        socket.off('connect', onConnect)
      }
      const fail = (error: unknown): void => {
        settle()
        socket.destroy()
        reject(toNetworkError(error, address))
      }
      const onAbort = (): void => fail(new CancelledError(`Connecting to ${address} was cancelled.`))
      const onConnect = (): void => {
        settle()
        resolve()
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      socket.once('error', fail)
      socket.once('connect', onConnect)
      socket.connect({ host, port })
    })
    return new TcpChannel(socket)
  }
}
