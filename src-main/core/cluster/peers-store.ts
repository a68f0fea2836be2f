import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { AppError, IoError } from '../errors'
import type { SecretStore } from '../secrets'
import { INSTANCE_ID_PATTERN, sanitizeName } from './discovery'

/** A paired machine as kept on disk; the pairing key lives in the secret store, never here. */
export interface PairedPeer {
  id: string
  name: string
  /** The peer's long-term Ed25519 public key (SPKI DER, base64), bound into the pairing transcript. */
  identityKey: string
  pairedAt: string
  /** Whether this machine accepts models it sends (off until the user allows it). */
  maySendModels?: boolean
  /** The address (tcp://host:port) where it last proved its keys: announcements do not move it. */
  lastGoodAddress?: string
}

/** This instance's long-term identity; the private half stays in the secret store. */
export interface LocalIdentity {
  id: string
  /** SPKI DER, base64. */
  publicKey: string
  privateKey: KeyObject
}

const PAIRING_KEY_BYTES = 32
const IDENTITY_SECRET = 'cluster.identity'

const peerSchema = z.object({
  id: z.string().regex(INSTANCE_ID_PATTERN),
  name: z.string().max(200),
  identityKey: z.string().max(200),
  pairedAt: z.string(),
  maySendModels: z.boolean().optional(),
  lastGoodAddress: z.string().max(300).optional(),
})
const fileSchema = z.object({
  version: z.literal(1),
  self: z.object({ id: z.string().regex(INSTANCE_ID_PATTERN), publicKey: z.string() }).optional(),
  peers: z.array(peerSchema),
})
type PeersFile = z.infer<typeof fileSchema>

/** Someone paired under a known machine's id with another identity key: refused rather than silently trusted. */
export class IdentityChangedError extends AppError {
  constructor(known: PairedPeer) {
    super('E_UNAUTHORIZED', `A machine paired as ${known.name} (${known.id}) but with a different identity key; the pairing was refused.`, {
      hint: 'If that machine was reinstalled, unpair it here first (`ollama-desk cluster unpair`), then pair again.',
    })
  }
}

export function peerSecretName(peerId: string): string {
  return `cluster.peer.${peerId}`
}

export function assertInstanceId(id: string): void {
  if (!INSTANCE_ID_PATTERN.test(id)) {
    throw new AppError('E_VALIDATION', `"${id.slice(0, 80)}" is not a valid instance id.`, {
      hint: 'Instance ids use letters, digits, ".", "_" and "-" (at most 64).',
    })
  }
}

/** Paired peers in `<dataDir>/peers.json`; their pairing keys under `cluster.peer.<id>` in the SecretStore. */
export class PeersStore {
  readonly file: string

  constructor(private readonly options: { dataDir: string; secrets: SecretStore; now?: () => Date }) {
    this.file = path.join(options.dataDir, 'peers.json')
  }

  /** The local identity, created on first use (a random id and an Ed25519 key pair). */
  identity(): LocalIdentity {
    const data = this.read()
    const stored = this.options.secrets.get(IDENTITY_SECRET)
    if (data.self && stored !== undefined) {
      const privateKey = createPrivateKey({ key: Buffer.from(stored, 'base64'), format: 'der', type: 'pkcs8' })
      return { id: data.self.id, publicKey: data.self.publicKey, privateKey }
    }
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const self = { id: data.self?.id ?? randomUUID(), publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }
    this.options.secrets.set(IDENTITY_SECRET, privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'))
    this.write({ ...data, self })
    return { ...self, privateKey }
  }

  list(): PairedPeer[] {
    return this.read().peers.map((peer) => ({ ...peer, name: sanitizeName(peer.name) }))
  }

  get(id: string): PairedPeer | undefined {
    return this.read().peers.find((peer) => peer.id === id)
  }

  /** The 32-byte key shared with a paired peer, or undefined when it is not (or no longer) paired. */
  pairingKey(id: string): Buffer | undefined {
    if (!INSTANCE_ID_PATTERN.test(id) || !this.get(id)) return undefined
    const stored = this.options.secrets.get(peerSecretName(id))
    if (stored === undefined) return undefined
    const key = Buffer.from(stored, 'base64')
    return key.length === PAIRING_KEY_BYTES ? key : undefined
  }

  /**
   * Records a pairing; pairing again with the same id and identity key replaces the old key. The
   * same id with a different identity key is refused unless `replaceIdentity` (the user confirmed).
   */
  save(peer: Omit<PairedPeer, 'pairedAt'>, pairingKey: Uint8Array, options: { replaceIdentity?: boolean } = {}): PairedPeer {
    assertInstanceId(peer.id)
    const known = this.get(peer.id)
    if (known && known.identityKey !== peer.identityKey && !options.replaceIdentity) throw new IdentityChangedError(known)
    if (pairingKey.length !== PAIRING_KEY_BYTES) {
      throw new AppError('E_VALIDATION', `A pairing key has ${PAIRING_KEY_BYTES} bytes, not ${pairingKey.length}.`)
    }
    try {
      createPublicKey({ key: Buffer.from(peer.identityKey, 'base64'), format: 'der', type: 'spki' })
    } catch (cause) {
      throw new AppError('E_VALIDATION', `The identity key of "${peer.id}" is not a public key.`, { cause })
    }
    const saved: PairedPeer = { id: peer.id, name: sanitizeName(peer.name), identityKey: peer.identityKey, pairedAt: (this.options.now?.() ?? new Date()).toISOString() }
    // Key first: a peer listed without its key is harmless (it cannot authenticate), the reverse would leak.
    this.options.secrets.set(peerSecretName(peer.id), Buffer.from(pairingKey).toString('base64'))
    const data = this.read()
    this.write({ ...data, peers: [...data.peers.filter((existing) => existing.id !== peer.id), saved] })
    return saved
  }

  /** Allows or forbids a paired peer to send models here; returns the updated peer. */
  setMaySendModels(id: string, allowed: boolean): PairedPeer {
    const data = this.read()
    const known = data.peers.find((peer) => peer.id === id)
    if (!known) throw new AppError('E_NOT_FOUND', `No paired machine has the id "${id.slice(0, 80)}".`)
    const updated = { ...known, maySendModels: allowed }
    this.write({ ...data, peers: data.peers.map((peer) => (peer.id === id ? updated : peer)) })
    return updated
  }

  /** Remembers where a paired peer just authenticated (written only when it changed). */
  recordGoodAddress(id: string, address: string): void {
    const data = this.read()
    const known = data.peers.find((peer) => peer.id === id)
    if (!known || known.lastGoodAddress === address) return
    this.write({ ...data, peers: data.peers.map((peer) => (peer.id === id ? { ...peer, lastGoodAddress: address } : peer)) })
  }

  /** Unpairs: forgets the peer and deletes its key. Returns whether it was paired. */
  remove(id: string): boolean {
    const data = this.read()
    const known = data.peers.some((peer) => peer.id === id)
    if (known) this.write({ ...data, peers: data.peers.filter((peer) => peer.id !== id) })
    if (INSTANCE_ID_PATTERN.test(id)) this.options.secrets.delete(peerSecretName(id))
    return known
  }

  private read(): PeersFile {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, peers: [] }
      throw this.unreadable(error)
    }
    try {
      return fileSchema.parse(JSON.parse(text))
    } catch (error) {
      throw this.unreadable(error)
    }
  }

  private unreadable(cause: unknown): IoError {
    return new IoError(`The list of paired machines at ${this.file} cannot be read.`, {
      cause,
      hint: 'Remove the file to start over; machines will have to be paired again.',
    })
  }

  private write(data: PeersFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 })
    fs.renameSync(temp, this.file)
  }
}
