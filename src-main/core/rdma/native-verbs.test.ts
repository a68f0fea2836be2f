import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { describe, expect, it, vi, type TestContext } from 'vitest'
import { LoopbackRdma, loopbackDevice } from '../../../test/support/fakes/rdma-native-loopback'
import { AppError } from '../errors'
import { loadRdma } from './native'
import { completionStatusOf, createNativeVerbs, decodeFrame, encodeFrame, NativeVerbsFailure, toVerbsFailure } from './native-verbs'
import { RdmaTransport, type Ring } from './rdma-transport'
import type { TransportChannel } from './transport'
import { drain, firstAccepted, sendInPieces, sha256Hex as sha } from './testdata/channels'
import type { MemoryRegion, QueuePair, WorkCompletion } from './verbs'

const hasRdmaHardware = existsSync('/sys/class/infiniband') && readdirSync('/sys/class/infiniband').length > 0

/** Two RdmaTransports, each over the adapter, on one in-memory stand-in of the addon. */
async function pair(ring: Ring = { count: 4, size: 4096 }, port = 7471) {
  const rdma = new LoopbackRdma([loopbackDevice('mlx5_0')])
  const server = new RdmaTransport({ verbs: createNativeVerbs(rdma, { maxMessageBytes: ring.size, localName: 'studio' }), device: 'mlx5_0', ring })
  const client = new RdmaTransport({ verbs: createNativeVerbs(rdma, { maxMessageBytes: ring.size, localName: 'laptop' }), device: 'mlx5_0', ring })
  const listener = await server.listen({ host: '10.0.0.1', port })
  const accepting = firstAccepted(listener)
  const atClient = await client.connect(listener.address)
  const atServer = await accepting
  return { rdma, listener, atClient, atServer, client }
}

const send = (channel: TransportChannel, data: Uint8Array): Promise<void> => sendInPieces(channel, data, 20_000)

describe('native verbs on this machine (addon built, no RDMA device)', () => {
  const skipUnlessNoDevice = (ctx: TestContext, kind: string): void => {
    if (kind !== 'native') ctx.skip('the native addon is not built here')
    if (hasRdmaHardware) ctx.skip('this machine has an RDMA device')
  }

  it('says "no RDMA device" with the kernel’s reason, as a typed failure', async (ctx) => {
    const rdma = loadRdma()
    skipUnlessNoDevice(ctx, rdma.kind)
    const failure = (await createNativeVerbs(rdma).open('mlx5_0').catch((error: unknown) => error)) as NativeVerbsFailure
    expect(failure).toBeInstanceOf(NativeVerbsFailure)
    expect(failure.reason).toBe('no-device')
    expect(failure.code).toBe('E_RDMA_NO_DEVICE')
    expect(['ENOSYS', 'ENODEV']).toContain(failure.errno)
    expect(failure.message).toMatch(/^No RDMA device: no RDMA devices \(ibv_get_device_list: (ENOSYS|ENODEV)/)
  })

  it('RdmaTransport over it answers E_UNSUPPORTED for listen and connect, and the process lives on', async (ctx) => {
    const rdma = loadRdma()
    skipUnlessNoDevice(ctx, rdma.kind)
    const transport = new RdmaTransport({ verbs: createNativeVerbs(rdma), device: 'mlx5_0' })
    for (const attempt of [transport.listen({ host: '127.0.0.1', port: 7471 }), transport.connect('rdma://127.0.0.1:7471')]) {
      const error = (await attempt.catch((e: unknown) => e)) as AppError
      expect(error).toBeInstanceOf(AppError)
      expect(error.code).toBe('E_UNSUPPORTED')
      expect(error.hint).toMatch(/TCP/)
      expect((error.cause as NativeVerbsFailure).errno).toMatch(/ENOSYS|ENODEV/)
    }
  })
})

describe('RdmaTransport over the adapter and an in-memory stand-in of the addon', () => {
  it('moves bytes intact both ways at once through a small ring (credits, FIN, staging copies)', async () => {
    const { rdma, listener, atClient, atServer } = await pair({ count: 4, size: 4096 })
    const up = randomBytes(300_000)
    const down = randomBytes(120_000)
    const [atServerGot, atClientGot] = await Promise.all([drain(atServer), drain(atClient), send(atClient, up), send(atServer, down)])
    expect(atServerGot).toEqual({ bytes: up.length, sha256: sha(up) })
    expect(atClientGot).toEqual({ bytes: down.length, sha256: sha(down) })
    // Every native message is ≤ 4 KiB of payload plus the 4-byte immediate.
    expect(rdma.stats.messages).toBeGreaterThanOrEqual(Math.ceil((up.length + down.length) / 4096))
    expect(atServer.remote).toBe('rdma://laptop')
    await listener.close()
    // Both sides disconnected after the FINs, and every mmap buffer is unmapped.
    await vi.waitFor(() => expect(rdma.buffers.every((buffer) => buffer.bytes === null)).toBe(true))
  })

  it('a slow reader stalls the writer instead of overrunning the ring', async () => {
    const { atClient, atServer, listener } = await pair({ count: 2, size: 1024 })
    let written = 0
    const writing = (async () => {
      for (let i = 0; i < 64; i++) {
        await atClient.write(new Uint8Array(1024).fill(i))
        written++
      }
      await atClient.end()
    })()
    // Two credits, then nothing until the reader takes something.
    await vi.waitFor(() => expect(written).toBe(2))
    // Still two a moment later: only a check that nothing more happens, which a slow machine cannot fail.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(written).toBe(2)
    const got = await drain(atServer)
    await writing
    expect(got.bytes).toBe(64 * 1024)
    await listener.close()
  })

  it('a peer that goes away mid-transfer fails the reader with a network error', async () => {
    const { atClient, atServer, listener } = await pair()
    await atClient.write(new Uint8Array(5000).fill(7))
    let got = 0
    const reading = (async () => {
      for await (const chunk of atServer) got += chunk.byteLength
    })().then(
      () => undefined,
      (error: unknown) => error as AppError,
    )
    // Mid-transfer: the reader has what was sent, and the channel is still open.
    await vi.waitFor(() => expect(got).toBe(5000))
    atClient.destroy()
    const error = await reading
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('E_NETWORK')
    await listener.close()
  })

  it('connecting where nothing listens is a refusal, not a crash', async () => {
    const rdma = new LoopbackRdma([loopbackDevice()])
    const transport = new RdmaTransport({ verbs: createNativeVerbs(rdma), device: 'mlx5_0' })
    await expect(transport.connect('rdma://10.0.0.9:7471')).rejects.toMatchObject({ code: 'E_NETWORK', message: expect.stringContaining('refused') })
    expect(rdma.buffers.every((buffer) => buffer.bytes === null)).toBe(true)
  })

  it('a device name this machine does not have is reported with the names it has', async () => {
    const rdma = new LoopbackRdma([loopbackDevice('rxe0')])
    await expect(createNativeVerbs(rdma).open('mlx5_0')).rejects.toMatchObject({ reason: 'no-device', message: expect.stringContaining('rxe0') })
  })

  it('listening on port 0 is refused with a clear error (the addon cannot report the port it got)', async () => {
    const device = await createNativeVerbs(new LoopbackRdma([loopbackDevice()])).open('mlx5_0')
    await expect(device.listen('10.0.0.1', 0)).rejects.toMatchObject({ code: 'E_VALIDATION' })
  })

  it('an aborted connect is cancelled', async () => {
    const { client, listener } = await pair(undefined, 7480)
    const controller = new AbortController()
    const connecting = client.connect(listener.address, { signal: controller.signal })
    controller.abort()
    await expect(connecting).rejects.toMatchObject({ code: 'E_CANCELLED' })
    await listener.close()
  })
})

describe('native queue pairs as verbs', () => {
  async function queuePairs(recvLength: number) {
    const rdma = new LoopbackRdma([loopbackDevice('mlx5_0', 1024)])
    const device = await createNativeVerbs(rdma, { maxMessageBytes: 2048 }).open('mlx5_0')
    const listener = await device.listen('10.0.0.1', 7471)
    const regions = new Map<QueuePair, MemoryRegion>()
    const setup = (qp: QueuePair): void => {
      const region = qp.registerMemory(4096)
      regions.set(qp, region)
      qp.postRecv(1, region, 0, recvLength)
    }
    const accepted = new Promise<QueuePair>((resolve) => listener.onRequest((request) => resolve(request.accept(new TextEncoder().encode('server data'), setup))))
    const active = await device.connect('10.0.0.1', 7471, { privateData: new TextEncoder().encode('client data'), setup })
    const passive = await accepted
    const completions = (qp: QueuePair, count: number): Promise<WorkCompletion[]> => {
      const seen: WorkCompletion[] = []
      return new Promise((resolve) =>
        qp.onEvent(() => {
          seen.push(...qp.pollCompletions(64))
          if (seen.length >= count) resolve(seen)
        }),
      )
    }
    return { active, passive, region: (qp: QueuePair) => regions.get(qp)!, completions, listener }
  }

  it('exchanges the private data in the handshake and reports the port MTU', async () => {
    const { active, passive, listener } = await queuePairs(64)
    expect(new TextDecoder().decode(active.remotePrivateData)).toBe('server data')
    expect(new TextDecoder().decode(passive.remotePrivateData)).toBe('client data')
    expect(active.pathMtu).toBe(1024)
    listener.close()
  })

  it('delivers a zero-length message with its immediate, and a payload into the posted offset', async () => {
    const { active, passive, region, completions, listener } = await queuePairs(64)
    const atPassive = completions(passive, 1)
    active.postSend(9, null, 0, 0, 0xdeadbeef)
    expect((await atPassive)[0]).toEqual({ wrId: 1, opcode: 'recv', status: 'success', byteLength: 0, immediate: 0xdeadbeef })
    const next = completions(passive, 1)
    passive.postRecv(2, region(passive), 100, 64)
    region(active).bytes.set([1, 2, 3, 4, 5], 10)
    active.postSend(10, region(active), 10, 5, 7)
    expect((await next)[0]).toEqual({ wrId: 2, opcode: 'recv', status: 'success', byteLength: 5, immediate: 7 })
    expect([...region(passive).bytes.subarray(100, 105)]).toEqual([1, 2, 3, 4, 5])
    listener.close()
  })

  it('a message larger than the posted receive fails the receiver (local-length), which tears the connection down', async () => {
    const { active, passive, region, completions, listener } = await queuePairs(16)
    const events: string[] = []
    const disconnected = new Promise<void>((resolve) =>
      active.onEvent((event) => {
        events.push(event)
        if (event === 'disconnected') resolve()
      }),
    )
    const atPassive = completions(passive, 1)
    active.postSend(3, region(active), 0, 100, 0)
    expect((await atPassive)[0]).toMatchObject({ wrId: 1, opcode: 'recv', status: 'local-length', byteLength: 0 })
    // The bytes left the sender (the staging receive took them), so its side learns through the disconnect.
    await disconnected
    expect(events).toContain('disconnected')
    const after = completions(active, 1)
    active.postSend(5, null, 0, 0, 0)
    expect((await after).find((c) => c.wrId === 5)).toMatchObject({ status: 'flush' })
    listener.close()
  })

  it('a send from memory that is not registered fails with local-protection and no bytes move', async () => {
    const { active, completions, listener } = await queuePairs(16)
    const seen = completions(active, 2)
    active.postSend(4, { bytes: new Uint8Array(8), lkey: 999 }, 0, 8, 0)
    expect((await seen).slice(0, 2)).toEqual([
      { wrId: 4, opcode: 'send', status: 'local-protection', byteLength: 0, immediate: 0 },
      { wrId: 1, opcode: 'recv', status: 'flush', byteLength: 0, immediate: 0 },
    ])
    listener.close()
  })
})

describe('adapter helpers', () => {
  it('maps addon errors to verbs failures with their errno', () => {
    expect(toVerbsFailure(Object.assign(new Error('no RDMA devices'), { code: 'E_RDMA_NO_DEVICE', errno: 'ENOSYS' }))).toMatchObject({ reason: 'no-device', code: 'E_RDMA_NO_DEVICE', errno: 'ENOSYS' })
    expect(toVerbsFailure(Object.assign(new Error('RDMA is unavailable'), { code: 'E_RDMA_UNAVAILABLE', errno: null }))).toMatchObject({ reason: 'no-device', errno: null })
    expect(toVerbsFailure(Object.assign(new Error('rdma_cm: expected X, got RDMA_CM_EVENT_REJECTED'), { code: 'E_RDMA_SYSCALL', errno: 'EUNKNOWN' })).reason).toBe('rejected')
    expect(toVerbsFailure(Object.assign(new Error('rdma_resolve_addr: EHOSTUNREACH'), { code: 'E_RDMA_SYSCALL', errno: 'EHOSTUNREACH' })).reason).toBe('unreachable')
  })

  it('reads the work completion status out of a failed send or receive', () => {
    const failed = (status: number) => Object.assign(new Error(`work completion failed: status ${status}`), { code: 'E_RDMA_SYSCALL', errno: 'EIO' })
    expect([1, 4, 5, 9, 12, 13, 10].map((s) => completionStatusOf(failed(s)))).toEqual(['local-length', 'local-protection', 'flush', 'remote-invalid-request', 'retry-exceeded', 'rnr-retry-exceeded', 'flush'])
    expect(completionStatusOf(Object.assign(new Error('waiting for a completion: ETIMEDOUT'), { code: 'E_RDMA_SYSCALL', errno: 'ETIMEDOUT' }))).toBe('retry-exceeded')
  })

  it('round-trips handshake frames and rejects foreign ones', () => {
    expect(decodeFrame(encodeFrame(1, new Uint8Array([9, 8]), 'laptop'))).toEqual({ kind: 1, name: 'laptop', privateData: new Uint8Array([9, 8]) })
    expect(decodeFrame(new Uint8Array([0, 0, 0, 0, 1, 0]))).toBeUndefined()
    expect(decodeFrame(new Uint8Array(3))).toBeUndefined()
  })
})
