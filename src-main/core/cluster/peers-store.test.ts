import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { IoError } from '../errors'
import { FileSecretStore } from '../secrets'
import { IdentityChangedError, PeersStore, peerSecretName } from './peers-store'

afterEach(removeTempDirs)

function setup() {
  const dataDir = makeTempDir()
  const secrets = new FileSecretStore(path.join(dataDir, 'secrets.json'))
  return { dataDir, secrets, store: new PeersStore({ dataDir, secrets, now: () => new Date('2026-01-02T03:04:05Z') }) }
}

function publicKeyOf(store: PeersStore): string {
  return store.identity().publicKey
}

describe('PeersStore', () => {
  it('keeps one identity across restarts, private key only in the secret store', () => {
    const { dataDir, secrets, store } = setup()
    const first = store.identity()
    const again = new PeersStore({ dataDir, secrets }).identity()
    expect(again.id).toBe(first.id)
    expect(again.publicKey).toBe(first.publicKey)
    expect(again.privateKey.asymmetricKeyType).toBe('ed25519')
    const onDisk = fs.readFileSync(path.join(dataDir, 'peers.json'), 'utf8')
    expect(onDisk).toContain(first.id)
    expect(onDisk).not.toContain(secrets.get('cluster.identity'))
  })

  it('saves, lists, finds and removes peers; keys live under cluster.peer.<id>, never in peers.json', () => {
    const { dataDir, secrets, store } = setup()
    const other = setup().store
    const key = Buffer.alloc(32, 0xab)
    const saved = store.save({ id: 'peer-1', name: 'studio', identityKey: publicKeyOf(other) }, key)
    expect(saved).toEqual({ id: 'peer-1', name: 'studio', identityKey: publicKeyOf(other), pairedAt: '2026-01-02T03:04:05.000Z' })
    expect(store.list()).toEqual([saved])
    expect(store.get('peer-1')).toEqual(saved)
    expect(store.pairingKey('peer-1')?.equals(key)).toBe(true)
    expect(secrets.get(peerSecretName('peer-1'))).toBe(key.toString('base64'))
    const onDisk = fs.readFileSync(path.join(dataDir, 'peers.json'), 'utf8')
    expect(onDisk).not.toContain(key.toString('base64'))
    expect(onDisk).not.toContain(key.toString('hex'))

    const replacement = Buffer.alloc(32, 1)
    store.save({ id: 'peer-1', name: 'studio 2', identityKey: publicKeyOf(other) }, replacement)
    expect(store.list()).toHaveLength(1)
    expect(store.pairingKey('peer-1')?.equals(replacement)).toBe(true)

    expect(store.remove('peer-1')).toBe(true)
    expect(store.list()).toEqual([])
    expect(store.pairingKey('peer-1')).toBeUndefined()
    expect(secrets.get(peerSecretName('peer-1'))).toBeUndefined()
    expect(store.remove('peer-1')).toBe(false)
  })

  it('has no key for an unlisted peer even when a stray secret exists', () => {
    const { secrets, store } = setup()
    secrets.set(peerSecretName('ghost'), Buffer.alloc(32).toString('base64'))
    expect(store.pairingKey('ghost')).toBeUndefined()
    expect(store.pairingKey('../etc')).toBeUndefined()
  })

  it('rejects bad ids, bad key lengths and identity keys that are not public keys', () => {
    const { store } = setup()
    const identityKey = publicKeyOf(setup().store)
    expect(() => store.save({ id: 'a/b', name: 'x', identityKey }, Buffer.alloc(32))).toThrow(/not a valid instance id/)
    expect(() => store.save({ id: 'ok', name: 'x', identityKey }, Buffer.alloc(16))).toThrow(/32 bytes, not 16/)
    expect(() => store.save({ id: 'ok', name: 'x', identityKey: 'bm90IGEga2V5' }, Buffer.alloc(32))).toThrow(/not a public key/)
    expect(store.list()).toEqual([])
  })

  it('reports a corrupt peers.json with IoError and leaves it alone', () => {
    const { dataDir, store } = setup()
    fs.writeFileSync(path.join(dataDir, 'peers.json'), '{"version":1,"peers":[{"id":"../x"}]}')
    expect(() => store.list()).toThrow(IoError)
    expect(() => store.save({ id: 'p', name: 'n', identityKey: publicKeyOf(setup().store) }, Buffer.alloc(32))).toThrow(/cannot be read/)
    expect(fs.readFileSync(path.join(dataDir, 'peers.json'), 'utf8')).toContain('../x')
  })

  it('re-pairing an id with a different identity key is refused unless confirmed; the same identity may re-pair', () => {
    const { store } = setup()
    const first = setup().store
    const impostor = setup().store
    store.save({ id: 'peer-1', name: 'studio', identityKey: publicKeyOf(first) }, Buffer.alloc(32, 1))
    expect(() => store.save({ id: 'peer-1', name: 'studio', identityKey: publicKeyOf(impostor) }, Buffer.alloc(32, 2))).toThrow(IdentityChangedError)
    expect(store.pairingKey('peer-1')).toEqual(Buffer.alloc(32, 1))
    store.save({ id: 'peer-1', name: 'studio', identityKey: publicKeyOf(first) }, Buffer.alloc(32, 3))
    expect(store.pairingKey('peer-1')).toEqual(Buffer.alloc(32, 3))
    store.save({ id: 'peer-1', name: 'studio', identityKey: publicKeyOf(impostor) }, Buffer.alloc(32, 4), { replaceIdentity: true })
    expect(store.get('peer-1')?.identityKey).toBe(publicKeyOf(impostor))
  })

  it('names are stored and listed without control or bidi characters, at most 63 characters', () => {
    const { store } = setup()
    const hostile = `evil\x1b[2J\u202Egnp.exe\r\nrm -rf ${'x'.repeat(100)}`
    store.save({ id: 'peer-1', name: hostile, identityKey: publicKeyOf(setup().store) }, Buffer.alloc(32, 1))
    const [listed] = store.list()
    expect([...(listed?.name ?? '')].some((char) => /\p{Cc}|[\u202a-\u202e\u2066-\u2069]/u.test(char))).toBe(false)
    expect([...(listed?.name ?? '')].length).toBeLessThanOrEqual(63)
    expect(listed?.name.startsWith('evil [2J gnp.exe rm -rf xxx')).toBe(true)
  })
})

