import { createHash, randomBytes } from 'node:crypto'
import net from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { scaled } from '../../../test/support/reliability'
import { CancelledError, NetworkError, TimeoutError, ValidationError } from '../errors'
import { TcpChannel, TcpTransport, formatTcpAddress, parseTcpAddress, type TcpSocketOptions, type TcpTransportOptions } from './tcp-transport'
import { drain, firstAccepted as accepted } from './testdata/channels'
import type { TransportChannel, TransportListener } from './transport'

/** Loopback connections always complete: a busy machine may make them slow, never too slow. */
const patientTcp = (options: TcpTransportOptions = {}): TcpTransport => new TcpTransport({ connectTimeoutMs: 60_000, ...options })

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function listen(transport: TcpTransport): Promise<TransportListener> {
  const listener = await transport.listen({ host: '127.0.0.1', port: 0 })
  cleanups.push(() => listener.close())
  return listener
}

async function firstAccepted(listener: TransportListener): Promise<TransportChannel> {
  const channel = await accepted(listener)
  cleanups.push(() => channel.destroy())
  return channel
}

async function pair(transport = patientTcp()): Promise<{ client: TransportChannel; server: TransportChannel; listener: TransportListener }> {
  const listener = await listen(transport)
  const [server, client] = await Promise.all([firstAccepted(listener), transport.connect(listener.address)])
  cleanups.push(() => client.destroy())
  return { client, server, listener }
}

describe('tcp addresses', () => {
  it('parses and formats IPv4 and bracketed IPv6', () => {
    expect(parseTcpAddress('tcp://127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 })
    expect(parseTcpAddress('tcp://[::1]:9')).toEqual({ host: '::1', port: 9 })
    expect(parseTcpAddress('tcp://[fe80::1%en5]:9')).toEqual({ host: 'fe80::1%en5', port: 9 })
    expect(formatTcpAddress('::1', 9)).toBe('tcp://[::1]:9')
    expect(formatTcpAddress('10.0.0.2', 1)).toBe('tcp://10.0.0.2:1')
  })

  it.each(['nonsense', 'http://127.0.0.1:80', 'tcp://127.0.0.1', 'tcp://127.0.0.1:0', 'tcp://127.0.0.1:70000', 'tcp://127.0.0.1:80/path', 'tcp://[fe80::1%en5]:0'])('rejects %s', (address) => {
    expect(() => parseTcpAddress(address)).toThrow(ValidationError)
  })
})

describe('TcpTransport', () => {
  it('listens on an ephemeral port and names it as tcp://host:port', async () => {
    const listener = await listen(patientTcp())
    expect(listener.address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/)
    expect(listener.address).not.toBe('tcp://127.0.0.1:0')
  })

  it(`moves ${scaled(64)} MiB in random chunk sizes intact (sha256 on both sides)`, async () => {
    const { client, server } = await pair()
    const sent = createHash('sha256')
    const total = scaled(64) * 1024 * 1024
    const block = randomBytes(4 * 1024 * 1024)
    const receiving = drain(server)
    let written = 0
    while (written < total) {
      const size = Math.min(total - written, 1 + Math.floor(Math.random() * 2 * 1024 * 1024))
      const start = written % block.length
      const chunk = Buffer.concat([block.subarray(start), block]).subarray(0, size)
      sent.update(chunk)
      await client.write(chunk)
      written += size
    }
    await client.end()
    const received = await receiving
    expect(received.bytes).toBe(total)
    expect(received.sha256).toBe(sent.digest('hex'))
  }, 60_000)

  it('keeps the writer’s buffer bounded while the reader is slow, then delivers everything', async () => {
    const highWaterMark = 1024 * 1024
    const { client, server } = await pair(patientTcp({ highWaterMark }))
    const chunk = Buffer.alloc(256 * 1024, 7)
    // Kernel buffers on loopback hold a few MiB at most; 64 MiB would mean no back-pressure at all.
    const unbounded = 64 * 1024 * 1024
    let written = 0
    let maxBuffered = 0
    let stop = false
    const writer = (async () => {
      while (!stop && written < unbounded) {
        await client.write(chunk)
        written += chunk.length
        maxBuffered = Math.max(maxBuffered, (client as TcpChannel).bufferedBytes)
      }
      await client.end()
    })()
    // Nobody reads: the writer must stall instead of queueing without limit. It fills the kernel's
    // buffers and its own first (however long a busy machine takes), then stands still for 200 ms.
    let before = -1
    await vi.waitFor(
      () => {
        const stalled = written === before
        before = written
        expect(stalled).toBe(true)
      },
      { interval: 200 },
    )
    expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + chunk.length)
    expect(written).toBeLessThan(unbounded)
    stop = true
    const received = await drain(server)
    await writer
    expect(received.bytes).toBe(written)
  })

  it('half-closes: the peer reads to the end and can still answer', async () => {
    const { client, server } = await pair()
    await client.write(new TextEncoder().encode('ping'))
    await client.end()
    const request = await drain(server)
    expect(request.bytes).toBe(4)
    await server.write(new TextEncoder().encode('pong!'))
    await server.end()
    expect((await drain(client)).bytes).toBe(5)
    await expect(client.write(new Uint8Array(1))).rejects.toBeInstanceOf(NetworkError)
  })

  it('destroy rejects later writes and ends the peer’s stream with an error', async () => {
    const { client, server } = await pair()
    const reading = drain(server)
    client.destroy(new Error('gave up'))
    await expect(client.write(new Uint8Array(1))).rejects.toBeInstanceOf(NetworkError)
    await expect(reading).rejects.toBeInstanceOf(NetworkError)
  })

  it('reports a peer reset as NetworkError on read and write', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    const port = (server.address() as net.AddressInfo).port
    const channel = await patientTcp().connect(`tcp://127.0.0.1:${port}`)
    await channel.write(new TextEncoder().encode('hello'))
    const reading = drain(channel)
    const error = await reading.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).message).toMatch(/dropped the connection|closed/)
    await expect(channel.write(new Uint8Array(1024))).rejects.toBeInstanceOf(NetworkError)
  })

  it('refused connections are a retryable NetworkError with a hint', async () => {
    const listener = await patientTcp().listen({ host: '127.0.0.1', port: 0 })
    const address = listener.address
    await listener.close()
    const error = await patientTcp().connect(address).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).retryable).toBe(true)
    expect((error as NetworkError).message).toContain('refused')
  })

  it('abort during connect cancels the attempt; an already aborted signal never dials', async () => {
    const listener = await listen(patientTcp())
    const controller = new AbortController()
    const connecting = patientTcp().connect(listener.address, { signal: controller.signal })
    controller.abort()
    await expect(connecting).rejects.toBeInstanceOf(CancelledError)
    await expect(patientTcp().connect(listener.address, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError)
  })

  it('times out when the handshake never completes', async () => {
    // A socket whose SYN is never answered (a black-holed route) — simulated by never dialling.
    const silent = (options: TcpSocketOptions): net.Socket => {
      const socket = new net.Socket(options)
      socket.connect = (() => socket) as typeof socket.connect
      return socket
    }
    const transport = new TcpTransport({ connectTimeoutMs: 50, createSocket: silent })
    await expect(transport.connect('tcp://127.0.0.1:9')).rejects.toBeInstanceOf(TimeoutError)
  })

  it('bad addresses fail before dialling', async () => {
    await expect(patientTcp().connect('rdma://127.0.0.1:1')).rejects.toBeInstanceOf(ValidationError)
  })

  it('closing the listener ends accept()', async () => {
    const listener = await patientTcp().listen({ host: '127.0.0.1', port: 0 })
    const accepted: TransportChannel[] = []
    const loop = (async () => {
      for await (const channel of listener.accept()) accepted.push(channel)
    })()
    await listener.close()
    await loop
    expect(accepted).toEqual([])
  })
})
