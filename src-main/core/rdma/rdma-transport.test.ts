import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AppError, CancelledError, NetworkError, ValidationError } from '../errors'
import { RdmaCompletionError, RdmaTransport, decodeHandshake, decodeImmediate, encodeHandshake, encodeImmediate, parseRdmaAddress, type Ring } from './rdma-transport'
import { drain, firstAccepted, sendInPieces, sha256Hex } from './testdata/channels'
import { FakeFabric, refuseConnections } from './testdata/fake-fabric'
import type { TransportChannel } from './transport'

async function pair(fabric = new FakeFabric(), ring: Ring = { count: 8, size: 64 * 1024 }): Promise<{ client: TransportChannel; server: TransportChannel; fabric: FakeFabric }> {
  const serverSide = new RdmaTransport({ verbs: fabric.verbs('10.0.0.1', ['mlx5_0']), device: 'mlx5_0', ring })
  const clientSide = new RdmaTransport({ verbs: fabric.verbs('10.0.0.2', ['mlx5_0']), device: 'mlx5_0', ring })
  const listener = await serverSide.listen({ host: '10.0.0.1', port: 0 })
  const accepting = firstAccepted(listener)
  const client = await clientSide.connect(listener.address)
  const server = await accepting
  await listener.close()
  return { client, server, fabric }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('RDMA wire helpers', () => {
  it('packs message type and returned credits into the 32-bit immediate', () => {
    expect(decodeImmediate(encodeImmediate(2, 12345))).toEqual({ type: 2, credits: 12345 })
    expect(decodeImmediate(encodeImmediate(0, 0))).toEqual({ type: 0, credits: 0 })
  })

  it('round-trips the handshake and rejects foreign or out-of-range private data', () => {
    expect(decodeHandshake(encodeHandshake({ count: 16, size: 1 << 20 }))).toEqual({ count: 16, size: 1 << 20 })
    expect(decodeHandshake(new Uint8Array(12))).toBeUndefined()
    expect(decodeHandshake(new Uint8Array(3))).toBeUndefined()
    expect(decodeHandshake(encodeHandshake({ count: 0, size: 4096 }))).toBeUndefined()
    expect(() => new RdmaTransport({ verbs: new FakeFabric().verbs('h'), device: 'fake_0', ring: { count: 0, size: 4096 } })).toThrow(ValidationError)
  })

  it('parses rdma://host:port and rejects anything else', () => {
    expect(parseRdmaAddress('rdma://10.0.0.1:7000')).toEqual({ host: '10.0.0.1', port: 7000 })
    expect(parseRdmaAddress('rdma://[fe80::1]:7000')).toEqual({ host: 'fe80::1', port: 7000 })
    for (const bad of ['tcp://10.0.0.1:7000', 'rdma://10.0.0.1', 'rdma://10.0.0.1:0', 'rdma://h:99999']) expect(() => parseRdmaAddress(bad)).toThrow(ValidationError)
  })
})

describe('RdmaTransport over FakeVerbs', () => {
  it('moves 8 MiB in random chunk sizes intact, in both directions at once', async () => {
    const { client, server, fabric } = await pair(new FakeFabric({ mtu: 1024 }))
    const total = 8 * 1024 * 1024
    const source = randomBytes(total)
    const reply = randomBytes(total / 4)
    const send = (channel: TransportChannel, data: Buffer): Promise<void> => sendInPieces(channel, data, 300 * 1024)
    const [atServer, atClient] = await Promise.all([drain(server), drain(client), send(client, source), send(server, reply)])
    expect(atServer).toEqual({ bytes: total, sha256: sha256Hex(source) })
    expect(atClient).toEqual({ bytes: reply.length, sha256: sha256Hex(reply) })
    // 64 KiB messages on a 1 KiB MTU travel as many packets: the fabric really segmented them.
    expect(fabric.stats.packets).toBeGreaterThan(fabric.stats.messages * 10)
    expect(fabric.stats.bytes).toBe(total + reply.length)
  })

  it('a slow reader stalls the writer at the receive ring instead of overrunning it', async () => {
    const ring = { count: 4, size: 16 * 1024 }
    const { client, server } = await pair(new FakeFabric(), ring)
    let written = 0
    const writer = (async () => {
      for (let i = 0; i < 64; i++) {
        await client.write(new Uint8Array(8 * 1024).fill(i))
        written += 8 * 1024
      }
      await client.end()
    })()
    for (let i = 0; i < 50; i++) await tick()
    // The peer's ring (4 × 16 KiB) plus our own send ring is all that can be in flight.
    expect(written).toBeLessThanOrEqual(2 * ring.count * ring.size)
    expect(written).toBeGreaterThan(0)
    const stalledAt = written
    for (let i = 0; i < 20; i++) await tick()
    expect(written).toBe(stalledAt)
    const received = await drain(server)
    await writer
    expect(received.bytes).toBe(64 * 8 * 1024)
  })

  it('a failed completion surfaces as RdmaCompletionError on both write and read', async () => {
    const { client, server, fabric } = await pair()
    fabric.injectFault('retry-exceeded', 3)
    const reading = drain(server)
    const error = await (async () => {
      for (let i = 0; i < 100; i++) await client.write(new Uint8Array(64 * 1024))
    })().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RdmaCompletionError)
    expect((error as RdmaCompletionError).status).toBe('retry-exceeded')
    expect((error as RdmaCompletionError).code).toBe('E_NETWORK')
    // The sender tore the connection down; the reader learns it ended early.
    await expect(reading).rejects.toBeInstanceOf(NetworkError)
  })

  it('refused and unreachable connections are NetworkErrors; a missing device is E_UNSUPPORTED', async () => {
    const fabric = new FakeFabric()
    const client = new RdmaTransport({ verbs: fabric.verbs('10.0.0.2', ['mlx5_0']), device: 'mlx5_0' })
    const nobody = await client.connect('rdma://10.0.0.1:7000').catch((caught: unknown) => caught)
    expect(nobody).toBeInstanceOf(NetworkError)
    expect((nobody as NetworkError).message).toContain('refused')

    const server = new RdmaTransport({ verbs: fabric.verbs('10.0.0.1', ['mlx5_0']), device: 'mlx5_0' })
    const listener = await server.listen({ host: '10.0.0.1', port: 7001 })
    refuseConnections(fabric, '10.0.0.1', 7001)
    await expect(client.connect(listener.address)).rejects.toThrow(/refused the RDMA connection/)
    await listener.close()

    const noDevice = await new RdmaTransport({ verbs: fabric.verbs('10.0.0.3', []), device: 'mlx5_0' }).connect('rdma://10.0.0.1:7001').catch((caught: unknown) => caught)
    expect(noDevice).toBeInstanceOf(AppError)
    expect((noDevice as AppError).code).toBe('E_UNSUPPORTED')
  })

  it('abort during connect is CancelledError; an aborted signal never dials', async () => {
    const fabric = new FakeFabric()
    const server = new RdmaTransport({ verbs: fabric.verbs('10.0.0.1'), device: 'fake_0' })
    const listener = await server.listen({ host: '10.0.0.1', port: 0 })
    const client = new RdmaTransport({ verbs: fabric.verbs('10.0.0.2'), device: 'fake_0' })
    const controller = new AbortController()
    const connecting = client.connect(listener.address, { signal: controller.signal })
    controller.abort()
    await expect(connecting).rejects.toBeInstanceOf(CancelledError)
    await expect(client.connect(listener.address, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError)
    await listener.close()
  })

  it('half-close ends the peer’s stream after the data; later writes are refused', async () => {
    const { client, server } = await pair()
    await client.write(new TextEncoder().encode('request'))
    await client.end()
    expect((await drain(server)).bytes).toBe(7)
    await expect(client.write(new Uint8Array(1))).rejects.toBeInstanceOf(NetworkError)
    await server.write(new TextEncoder().encode('answer!!'))
    await server.end()
    expect((await drain(client)).bytes).toBe(8)
  })

  it('destroy rejects pending writes and the peer’s reader fails', async () => {
    const { client, server } = await pair(new FakeFabric(), { count: 2, size: 4096 })
    const reading = drain(server).catch((caught: unknown) => caught)
    // Without a reader draining fast enough the third-plus writes wait for credits.
    const writing = (async () => {
      for (let i = 0; i < 1000; i++) await client.write(new Uint8Array(4096))
    })()
    await tick()
    client.destroy()
    await expect(writing).rejects.toBeInstanceOf(NetworkError)
    expect(await reading).toBeInstanceOf(NetworkError)
  })
})
