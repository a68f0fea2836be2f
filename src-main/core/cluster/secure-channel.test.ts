import { describe, expect, it } from 'vitest'
import type { TransportChannel } from '../rdma/transport'
import { ChannelIntegrityError, MAX_RECORD_PLAINTEXT, purposeKeys, SecureChannel } from './secure-channel'

const split = { initiatorToResponder: Buffer.alloc(32, 1), responderToInitiator: Buffer.alloc(32, 2), handshakeHash: Buffer.alloc(32, 3) }

/** What the client end wrote, as records, and a server end that reads `records` instead. */
async function recorded(messages: Buffer[]): Promise<Buffer[]> {
  const sent: Buffer[] = []
  const inner: TransportChannel = {
    remote: 'memory:server',
    write: async (chunk) => void sent.push(Buffer.from(chunk)),
    end: () => Promise.resolve(),
    destroy: () => undefined,
    [Symbol.asyncIterator]: async function* () {},
  }
  const client = new SecureChannel(inner, purposeKeys(split, 'transfer', 'client'))
  for (const message of messages) await client.write(message)
  await client.end()
  const wire = Buffer.concat(sent)
  const records: Buffer[] = []
  for (let at = 0; at < wire.length; ) {
    const length = wire.readUInt32BE(at)
    records.push(wire.subarray(at, at + 4 + length))
    at += 4 + length
  }
  return records
}

function serverReading(bytes: Buffer[], purpose = 'transfer'): { channel: SecureChannel; destroyed: () => Error | undefined } {
  let destroyedWith: Error | undefined
  const inner: TransportChannel = {
    remote: 'memory:client',
    write: () => Promise.resolve(),
    end: () => Promise.resolve(),
    destroy: (error) => {
      destroyedWith = error ?? new Error('destroyed')
    },
    [Symbol.asyncIterator]: async function* () {
      yield* bytes
    },
  }
  return { channel: new SecureChannel(inner, purposeKeys(split, purpose, 'server')), destroyed: () => destroyedWith }
}

async function readAll(channel: SecureChannel): Promise<string> {
  const out: Buffer[] = []
  for await (const chunk of channel) out.push(Buffer.from(chunk))
  return Buffer.concat(out).toString()
}

describe('SecureChannel records', () => {
  it('carries data both ways, in order, and ends cleanly', async () => {
    const records = await recorded([Buffer.from('one'), Buffer.from('two')])
    await expect(readAll(serverReading(records).channel)).resolves.toBe('onetwo')
  })

  it('splits a write larger than a record and reassembles it', async () => {
    const big = Buffer.alloc(MAX_RECORD_PLAINTEXT * 2 + 5, 0x61)
    const records = await recorded([big])
    expect(records.length).toBe(4)
    expect((await readAll(serverReading(records).channel)).length).toBe(big.length)
  })

  const faults: Array<[string, (records: Buffer[]) => Buffer[], string]> = [
    ['a flipped bit', (r) => [r[0] as Buffer, Buffer.from((r[1] as Buffer).map((byte, i) => (i === 9 ? byte ^ 1 : byte))), ...r.slice(2)], 'tampered'],
    ['a replayed record', (r) => [r[0] as Buffer, r[0] as Buffer, ...r.slice(1)], 'tampered'],
    ['reordered records', (r) => [r[1] as Buffer, r[0] as Buffer, ...r.slice(2)], 'tampered'],
    ['a dropped record', (r) => r.slice(1), 'tampered'],
    ['a stream cut before the end record', (r) => r.slice(0, -1), 'truncated'],
    ['a stream cut inside a record', (r) => [r[0] as Buffer, (r[1] as Buffer).subarray(0, 10)], 'truncated'],
    ['an oversized length', (r) => [Buffer.from([0xff, 0xff, 0xff, 0xff]), ...r], 'oversized'],
  ]
  for (const [name, change, fault] of faults) {
    it(`closes the connection with a typed error on ${name}`, async () => {
      const records = await recorded([Buffer.from('first'), Buffer.from('second'), Buffer.from('third')])
      const { channel, destroyed } = serverReading(change(records))
      const failure = await readAll(channel).then(() => undefined, (error: unknown) => error)
      expect(failure).toBeInstanceOf(ChannelIntegrityError)
      expect(failure).toMatchObject({ fault, code: 'E_BAD_RESPONSE' })
      expect(destroyed()).toBe(failure)
    })
  }

  it('sub-keys differ per purpose and direction: a transfer record does not open as info, nor as the reply direction', async () => {
    const records = await recorded([Buffer.from('offer')])
    await expect(readAll(serverReading(records, 'info').channel)).rejects.toMatchObject({ fault: 'tampered' })
    const client = purposeKeys(split, 'transfer', 'client')
    const server = purposeKeys(split, 'transfer', 'server')
    expect(client.send.equals(server.receive)).toBe(true)
    expect(client.send.equals(client.receive)).toBe(false)
    expect(client.send.equals(purposeKeys(split, 'info', 'client').send)).toBe(false)
  })
})
