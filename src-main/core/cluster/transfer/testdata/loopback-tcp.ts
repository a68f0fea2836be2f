import net from 'node:net'
import type { Transport, TransportChannel, TransportListener } from '../../../rdma/transport'

/**
 * A minimal `Transport` over Node `net` for the transfer tests (the app's TcpTransport lives in
 * rdma/). It counts the bytes each side writes, so tests can see what crossed the wire.
 */
export class LoopbackTcpTransport implements Transport {
  readonly kind = 'tcp' as const
  /** Bytes written by channels this transport connected (the sending side). */
  bytesWritten = 0

  async listen(options: { host: string; port: number }): Promise<TransportListener> {
    const server = net.createServer()
    const waiting: TransportChannel[] = []
    let wake: (() => void) | null = null
    let closed = false
    server.on('connection', (socket) => {
      waiting.push(new SocketChannel(socket))
      wake?.()
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port, options.host, () => resolve())
    })
    const { port } = server.address() as net.AddressInfo
    return {
      address: `tcp://${options.host}:${port}`,
      async *accept() {
        while (!closed) {
          const next = waiting.shift()
          if (next) yield next
          else await new Promise<void>((resolve) => (wake = resolve))
        }
      },
      close: async () => {
        closed = true
        wake?.()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      },
    }
  }

  async connect(address: string, options: { signal?: AbortSignal } = {}): Promise<TransportChannel> {
    const url = new URL(address)
    const socket = net.connect({ host: url.hostname, port: Number(url.port), signal: options.signal })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new SocketChannel(socket, (n) => (this.bytesWritten += n))
  }
}

class SocketChannel implements TransportChannel {
  readonly remote: string
  private readonly reader: AsyncIterator<Uint8Array>

  constructor(
    private readonly socket: net.Socket,
    private readonly onWrite: (bytes: number) => void = () => undefined,
  ) {
    this.remote = `tcp://${socket.remoteAddress}:${socket.remotePort}`
    this.reader = socket[Symbol.asyncIterator]()
    socket.on('error', () => undefined)
  }

  write(chunk: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error('socket closed'))
      this.socket.write(chunk, (error) => (error ? reject(error) : resolve()))
      this.onWrite(chunk.byteLength)
    })
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.reader
  }

  end(): Promise<void> {
    return new Promise((resolve) => this.socket.end(() => resolve()))
  }

  destroy(error?: Error): void {
    this.socket.destroy(error)
  }
}
