import { describe, expect, it } from 'vitest'
import { FakeFabric } from './testdata/fake-fabric'
import { VerbsFailure, type QueuePair, type WorkCompletion } from './verbs'

/** Two connected fake queue pairs, with `setup` run on each before the connection is up. */
async function connected(fabric: FakeFabric, setup: (qp: QueuePair) => void = () => undefined): Promise<{ a: QueuePair; b: QueuePair }> {
  const server = await fabric.verbs('10.0.0.1').open('fake_0')
  const listener = await server.listen('10.0.0.1', 0)
  let b: QueuePair | undefined
  listener.onRequest((request) => {
    b = request.accept(new Uint8Array([9]), setup)
  })
  const a = await (await fabric.verbs('10.0.0.2').open('fake_0')).connect('10.0.0.1', listener.port, { privateData: new Uint8Array([1]), setup })
  if (!b) throw new Error('not accepted')
  expect(a.remotePrivateData).toEqual(new Uint8Array([9]))
  expect(b.remotePrivateData).toEqual(new Uint8Array([1]))
  return { a, b }
}

async function completions(qp: QueuePair, count: number): Promise<WorkCompletion[]> {
  const seen: WorkCompletion[] = []
  for (let turn = 0; turn < 100 && seen.length < count; turn++) {
    await new Promise((resolve) => setImmediate(resolve))
    seen.push(...qp.pollCompletions(16))
  }
  return seen
}

describe('FakeVerbs', () => {
  it('delivers a send into the next posted receive, with its immediate, reading the buffer at delivery', async () => {
    const { a, b } = await connected(new FakeFabric())
    const into = b.registerMemory(16)
    b.postRecv(7, into, 0, 16)
    const from = a.registerMemory(16)
    from.bytes.set([1, 2, 3])
    a.postSend(1, from, 0, 3, 42)
    from.bytes.set([4, 5, 6]) // changed before the wire ran: the peer sees these bytes
    expect(await completions(b, 1)).toEqual([{ wrId: 7, opcode: 'recv', status: 'success', byteLength: 3, immediate: 42 }])
    expect([...into.bytes.subarray(0, 3)]).toEqual([4, 5, 6])
    expect((await completions(a, 1))[0]).toMatchObject({ wrId: 1, status: 'success' })
  })

  it('a send with no receive posted fails with rnr-retry-exceeded and flushes the rest', async () => {
    const { a } = await connected(new FakeFabric())
    a.postSend(1, null, 0, 0, 0)
    a.postSend(2, null, 0, 0, 0)
    expect((await completions(a, 2)).map((c) => c.status)).toEqual(['rnr-retry-exceeded', 'flush'])
  })

  it('a message larger than the receive buffer fails on both sides', async () => {
    const { a, b } = await connected(new FakeFabric())
    b.postRecv(1, b.registerMemory(8), 0, 8)
    a.postSend(2, a.registerMemory(16), 0, 16, 0)
    expect((await completions(b, 1))[0]?.status).toBe('local-length')
    expect((await completions(a, 1))[0]?.status).toBe('remote-invalid-request')
  })

  it('unregistered buffers are a protection error', async () => {
    const { a, b } = await connected(new FakeFabric())
    a.postSend(1, b.registerMemory(8), 0, 8, 0)
    expect((await completions(a, 1))[0]?.status).toBe('local-protection')
  })

  it('disconnect flushes the peer’s posted receives and tells it', async () => {
    const { a, b } = await connected(new FakeFabric())
    const events: string[] = []
    b.onEvent((event) => events.push(event))
    b.postRecv(3, b.registerMemory(8), 0, 8)
    a.disconnect()
    expect((await completions(b, 1))[0]).toMatchObject({ wrId: 3, status: 'flush' })
    expect(events).toContain('disconnected')
  })

  it('counts packets by path MTU', async () => {
    const fabric = new FakeFabric({ mtu: 256 })
    const { a, b } = await connected(fabric, (qp) => qp.postRecv(0, qp.registerMemory(4096), 0, 4096))
    expect(a.pathMtu).toBe(256)
    a.postSend(1, a.registerMemory(1000), 0, 1000, 0)
    await completions(b, 1)
    expect(fabric.stats).toEqual({ messages: 1, packets: 4, bytes: 1000 })
  })

  it('refuses connections nobody listens for, and unknown devices', async () => {
    const device = await new FakeFabric().verbs('h').open('fake_0')
    const error = await device.connect('10.9.9.9', 1, { privateData: new Uint8Array(), setup: () => undefined }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(VerbsFailure)
    expect((error as VerbsFailure).reason).toBe('rejected')
    await expect(new FakeFabric().verbs('h', []).open('mlx5_0')).rejects.toMatchObject({ reason: 'no-device' })
  })
})
