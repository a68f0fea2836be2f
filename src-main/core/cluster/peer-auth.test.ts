import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { removeTempDirs } from '../../../test/support/tmp'
import type { TransportChannel } from '../rdma/transport'
import { PairingCodeGate, acceptPairing, requestPairing } from './pairing'
import { HandshakeChannel, acceptSecure, openSecure, type AuthOptions, type SecurePurpose } from './peer-auth'
import { ChannelIntegrityError } from './secure-channel'
import { peerSecretName } from './peers-store'

import { channelPair, instance } from './testdata/memory-peers'

/** Handshakes that must complete get far more time than a busy machine could need. */
const PATIENT_MS = 60_000

afterEach(removeTempDirs)

type Instance = ReturnType<typeof instance> & { id: string }

function withId(base: ReturnType<typeof instance>): Instance {
  return { ...base, id: base.store.identity().id }
}

async function pairedInstances(): Promise<[Instance, Instance]> {
  const server = withId(instance('studio'))
  const client = withId(instance('laptop'))
  const gate = new PairingCodeGate()
  const { code } = gate.showCode()
  const link = channelPair()
  await Promise.all([
    acceptPairing(link.a, gate, { peersStore: server.store, selfName: server.name, timeoutMs: PATIENT_MS }),
    requestPairing(link.b, code, { peersStore: client.store, selfName: client.name, timeoutMs: PATIENT_MS }),
  ])
  return [server, client]
}

/** Handshakes over memory that must succeed never give up because the machine is busy; a test that wants a timeout sets its own. */
function options(self: Instance, extra: Partial<AuthOptions> = {}): AuthOptions {
  return { peersStore: self.store, selfId: self.id, timeoutMs: PATIENT_MS, ...extra }
}

const authenticateAsServer = acceptSecure
const authenticate = (channel: TransportChannel, auth: AuthOptions, purpose: SecurePurpose = 'info') => openSecure(channel, { ...auth, purpose })

async function connect(server: Instance, client: Instance, clientExtra: Partial<AuthOptions> = {}, purpose: SecurePurpose = 'info') {
  const link = channelPair()
  const [serverSide, clientSide] = await Promise.allSettled([
    authenticateAsServer(link.a, options(server)),
    authenticate(link.b, options(client, clientExtra), purpose),
  ])
  return { serverSide, clientSide, link }
}

function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message))
  const header = Buffer.alloc(4)
  header.writeUInt32BE(body.length)
  return Buffer.concat([header, body])
}

describe('peer authentication', () => {
  it('paired peers authenticate each other, agree on the purpose and keep using the encrypted channel', async () => {
    const [server, client] = await pairedInstances()
    const { serverSide, clientSide } = await connect(server, client, { expectedPeerId: server.id })
    if (serverSide.status !== 'fulfilled' || clientSide.status !== 'fulfilled') throw new Error('authentication failed')
    expect(serverSide.value.peerId).toBe(client.id)
    expect(clientSide.value.peerId).toBe(server.id)
    expect(serverSide.value.purpose).toBe('info')

    await clientSide.value.channel.write(Buffer.from('model-request'))
    const received = await serverSide.value.channel[Symbol.asyncIterator]().next()
    expect(Buffer.from(received.value as Uint8Array).toString()).toBe('model-request')
  })

  it('nothing after the handshake travels in the clear, and the purpose is read inside the channel', async () => {
    const [server, client] = await pairedInstances()
    const { serverSide, clientSide, link } = await connect(server, client, {}, 'transfer')
    if (serverSide.status !== 'fulfilled' || clientSide.status !== 'fulfilled') throw new Error('authentication failed')
    expect(serverSide.value.purpose).toBe('transfer')
    await clientSide.value.channel.write(Buffer.from('{"t":"offer","model":"secret-model"}'))
    await serverSide.value.channel[Symbol.asyncIterator]().next()
    const wire = Buffer.concat(link.sentByB).toString('latin1')
    expect(wire).not.toContain('transfer')
    expect(wire).not.toContain('secret-model')
  })

  it('cross-purpose reuse: bytes recorded on an info connection do not open as a transfer', async () => {
    const [server, client] = await pairedInstances()
    const fixed = (byte: number) => () => Buffer.alloc(32, byte)
    const info = channelPair()
    const [served, asked] = await Promise.all([
      authenticateAsServer(info.a, options(server, { randomBytes: fixed(1) })),
      authenticate(info.b, options(client, { randomBytes: fixed(2) }), 'info'),
    ])
    await asked.channel.write(Buffer.from('{"t":"hello"}'))
    await served.channel[Symbol.asyncIterator]().next()
    // The attacker replays every client byte of the info connection to a server that answers with
    // the same nonce: the handshake replays (same hellos), but the purpose inside stays "info".
    const replay = channelPair()
    const again = authenticateAsServer(replay.a, options(server, { randomBytes: fixed(1) }))
    await replay.b.write(Buffer.concat(info.sentByB))
    const reopened = await again
    expect(reopened.purpose).toBe('info')
    // And a record sealed for info does not open under any other connection's keys.
    await expect(reopened.channel[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(ChannelIntegrityError)
  })

  it('refuses a peer that was never paired (E_UNAUTHORIZED on both sides)', async () => {
    const [server] = await pairedInstances()
    const stranger = withId(instance('stranger'))
    const { serverSide, clientSide } = await connect(server, stranger)
    expect(serverSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/not paired/) } })
    expect(clientSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/not paired/) } })
  })

  it('refuses a client that claims a paired id but holds a different key', async () => {
    const [server, client] = await pairedInstances()
    client.secrets.set(peerSecretName(server.id), Buffer.alloc(32, 7).toString('base64'))
    const { serverSide, clientSide } = await connect(server, client)
    // The pairing key is mixed in first (psk0): the server is the first to see the wrong key.
    expect(serverSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/could not prove/) } })
    expect(clientSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/did not accept/) } })
  })

  it('refuses after unpairing', async () => {
    const [server, client] = await pairedInstances()
    expect(server.store.remove(client.id)).toBe(true)
    const { serverSide, clientSide } = await connect(server, client)
    expect(serverSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED' } })
    expect(clientSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/not paired/) } })
  })

  it('the client refuses a different machine than the one it meant to reach', async () => {
    const [server, client] = await pairedInstances()
    const { clientSide } = await connect(server, client, { expectedPeerId: 'someone-else' })
    expect(clientSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/Expected machine someone-else/) } })
  })

  it('a replayed client handshake fails against a fresh server nonce', async () => {
    const [server, client] = await pairedInstances()
    const recorded = await connect(server, client)
    expect(recorded.serverSide.status).toBe('fulfilled')

    const replay = channelPair()
    const serving = authenticateAsServer(replay.a, options(server))
    await replay.b.write(Buffer.concat(recorded.link.sentByB))
    await expect(serving).rejects.toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/could not prove/) })
  })

  it('a replayed server handshake fails against a fresh client nonce', async () => {
    const [server, client] = await pairedInstances()
    const recorded = await connect(server, client)
    expect(recorded.clientSide.status).toBe('fulfilled')

    const replay = channelPair()
    const connecting = authenticate(replay.b, options(client))
    await replay.a.write(Buffer.concat(recorded.link.sentByA))
    await expect(connecting).rejects.toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/could not prove/) })
  })

  it('the same nonces reproduce the handshake (so the replay tests above fail only because of fresh nonces)', async () => {
    const [server, client] = await pairedInstances()
    const fixed = (byte: number) => () => Buffer.alloc(32, byte)
    const first = channelPair()
    await Promise.all([authenticateAsServer(first.a, options(server, { randomBytes: fixed(1) })), authenticate(first.b, options(client, { randomBytes: fixed(2) }))])
    const replay = channelPair()
    const serving = authenticateAsServer(replay.a, options(server, { randomBytes: fixed(1) }))
    await replay.b.write(Buffer.concat(first.sentByB))
    await expect(serving).resolves.toMatchObject({ peerId: client.id })
  })

  it('fails clearly on a connection closed mid-handshake, garbage, an oversized frame and silence', async () => {
    const [server] = await pairedInstances()
    const closed = channelPair()
    const closing = authenticateAsServer(closed.a, options(server))
    await closed.b.end()
    await expect(closing).rejects.toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/closed the connection/) })

    const garbage = channelPair()
    const parsing = authenticateAsServer(garbage.a, options(server))
    await garbage.b.write(Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{{{')]))
    await expect(parsing).rejects.toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/malformed/) })

    const huge = channelPair()
    const sizing = authenticateAsServer(huge.a, options(server))
    await huge.b.write(Buffer.from([0, 1, 0, 0]))
    await expect(sizing).rejects.toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/oversized/) })

    const silent = channelPair()
    await expect(authenticateAsServer(silent.a, options(server, { timeoutMs: 50 }))).rejects.toMatchObject({ code: 'E_TIMEOUT' })
  })

  it('hands bytes that arrived with the last handshake frame to the channel that follows', async () => {
    const chunks = [Buffer.concat([frame({ type: 'auth-ok' }), Buffer.from('payload')]), Buffer.from('-more')]
    const channel: TransportChannel = {
      remote: 'test',
      write: () => Promise.resolve(),
      end: () => Promise.resolve(),
      destroy: () => undefined,
      [Symbol.asyncIterator]: async function* () {
        yield* chunks
      },
    }
    const io = new HandshakeChannel(channel)
    await expect(io.receive(z.object({ type: z.literal('auth-ok') }))).resolves.toEqual({ type: 'auth-ok' })
    const rest: string[] = []
    for await (const chunk of io.rest()) rest.push(Buffer.from(chunk).toString())
    expect(rest.join('')).toBe('payload-more')
  })
})
