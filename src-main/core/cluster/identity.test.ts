import { generateKeyPairSync } from 'node:crypto'
import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTempDirs } from '../../../test/support/tmp'
import { PairingCodeGate, PairingError, acceptPairing, requestPairing } from './pairing'
import { acceptSecure, openSecure, type AuthOptions } from './peer-auth'
import { channelPair, instance } from './testdata/memory-peers'
import { fingerprint } from './identity'

/* The Ed25519 identity key is pinned: pairing proves each side holds the private half of the key it
 * announces, and every later channel proves it again against the key stored at pairing. */

const PATIENT_MS = 60_000
afterEach(removeTempDirs)

type Instance = ReturnType<typeof instance> & { id: string }
const withId = (base: ReturnType<typeof instance>): Instance => ({ ...base, id: base.store.identity().id })

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

const options = (self: Instance): AuthOptions => ({ peersStore: self.store, selfId: self.id, timeoutMs: PATIENT_MS })

async function connect(server: Instance, client: Instance) {
  const link = channelPair()
  const [serverSide, clientSide] = await Promise.allSettled([acceptSecure(link.a, options(server)), openSecure(link.b, { ...options(client), purpose: 'info' })])
  return { serverSide, clientSide }
}

const otherPublicKey = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64')

/** Stores `peer` again with the same pairing key but another identity key, as if the key had been stolen without the identity. */
function repin(self: Instance, peer: Instance): void {
  const known = self.store.get(peer.id)!
  self.store.save({ id: known.id, name: known.name, identityKey: otherPublicKey() }, self.store.pairingKey(peer.id)!, { replaceIdentity: true })
}

describe('the identity key is pinned (issue 26)', () => {
  it('a client holding the pairing key but not the pinned identity key is refused', async () => {
    const [server, client] = await pairedInstances()
    repin(server, client)
    const { serverSide } = await connect(server, client)
    expect(serverSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/identity key/) } })
  })

  it('a server holding the pairing key but not the pinned identity key is refused by the client', async () => {
    const [server, client] = await pairedInstances()
    repin(client, server)
    const { clientSide } = await connect(server, client)
    expect(clientSide).toMatchObject({ status: 'rejected', reason: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/identity key/) } })
  })

  it('pairing under a known machine id with its public identity key but without its private key is refused', async () => {
    const [server, client] = await pairedInstances()
    const keyBefore = server.store.pairingKey(client.id)
    // The impostor copies the paired machine's public id and identity key into its own peers.json.
    const impostor = instance('laptop')
    impostor.store.identity()
    const file = JSON.parse(fs.readFileSync(impostor.store.file, 'utf8'))
    file.self = { id: client.id, publicKey: client.store.identity().publicKey }
    fs.writeFileSync(impostor.store.file, JSON.stringify(file))
    const gate = new PairingCodeGate()
    const { code } = gate.showCode()
    const link = channelPair()
    const [accepted, requested] = await Promise.allSettled([
      acceptPairing(link.a, gate, { peersStore: server.store, selfName: server.name, timeoutMs: PATIENT_MS }),
      requestPairing(link.b, code, { peersStore: impostor.store, selfName: 'laptop', timeoutMs: PATIENT_MS }),
    ])
    expect(accepted).toMatchObject({ status: 'rejected', reason: { reason: 'identity' } })
    expect(requested.status).toBe('rejected')
    expect((requested as PromiseRejectedResult).reason).toBeInstanceOf(PairingError)
    expect(server.store.pairingKey(client.id)?.equals(keyBefore!)).toBe(true)
  })

  it('a short fingerprint: 16 hex digits in groups of four, the same on both sides, different per key', async () => {
    const [server, client] = await pairedInstances()
    const own = fingerprint(client.store.identity().publicKey)
    expect(own).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/)
    expect(fingerprint(server.store.get(client.id)!.identityKey)).toBe(own)
    expect(fingerprint(client.store.get(server.id)!.identityKey)).not.toBe(own)
  })
})
