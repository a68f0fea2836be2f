import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { AppError } from '../errors'

/*
 * Noise_NNpsk0_25519_AESGCM_SHA256 (Noise revision 34), built only on node:crypto primitives that
 * BoringSSL also has (X25519 through diffieHellman, SHA-256, HMAC, AES-256-GCM through
 * createCipheriv), so it runs unchanged in Electron's main process. Checked against the
 * cacophony test vector in testdata/noise-nnpsk0-vector.json.
 *
 *   -> psk, e      (the pairing key mixed in first: only a holder of the key can write or read)
 *   <- e, ee
 */

export const NOISE_PROTOCOL = 'Noise_NNpsk0_25519_AESGCM_SHA256'
const DH_LEN = 32
export const TAG_LEN = 16
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')

/** A handshake message that does not decrypt, or a key that does not fit: the peer lacks the pairing key or is an attacker. */
export class NoiseError extends AppError {
  constructor(message: string) {
    super('E_UNAUTHORIZED', message, { hint: 'Pair the two machines again from the Cluster settings.' })
  }
}

export interface X25519Pair {
  privateKey: KeyObject
  publicKey: Buffer
}

export function x25519FromSecret(secret: Buffer): X25519Pair {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secret]), format: 'der', type: 'pkcs8' })
  return { privateKey, publicKey: rawPublic(privateKey) }
}

export function generateX25519(): X25519Pair {
  const { privateKey } = generateKeyPairSync('x25519')
  return { privateKey, publicKey: rawPublic(privateKey) }
}

function rawPublic(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-DH_LEN)
}

function dh(own: KeyObject, remote: Buffer): Buffer {
  let shared: Buffer
  try {
    shared = diffieHellman({ privateKey: own, publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, remote]), format: 'der', type: 'spki' }) })
  } catch {
    throw new NoiseError('The other machine sent an unusable key.')
  }
  if (shared.every((byte) => byte === 0)) throw new NoiseError('The other machine sent a low-order key.')
  return shared
}

const sha256 = (...parts: Buffer[]): Buffer => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest()
const hmac = (key: Buffer, ...parts: Buffer[]): Buffer => parts.reduce((mac, part) => mac.update(part), createHmac('sha256', key)).digest()

/** Noise's HKDF: HMAC-SHA256 with the chaining key as salt and an empty info, 2 or 3 outputs. */
function hkdf(chainingKey: Buffer, input: Buffer, outputs: 2 | 3): Buffer[] {
  const temp = hmac(chainingKey, input)
  const out: Buffer[] = []
  let previous: Buffer = Buffer.alloc(0)
  for (let i = 1; i <= outputs; i++) {
    previous = hmac(temp, previous, Buffer.from([i]))
    out.push(previous)
  }
  return out
}

/** The AESGCM nonce: 32 zero bits, then the 64-bit counter big-endian. */
export function gcmNonce(counter: bigint): Buffer {
  const nonce = Buffer.alloc(12)
  nonce.writeBigUInt64BE(counter, 4)
  return nonce
}

export function seal(key: Buffer, counter: bigint, ad: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, gcmNonce(counter))
  cipher.setAAD(ad)
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
}

/** The plaintext, or null when the ciphertext or its tag was altered (or the key/counter differ). */
export function unseal(key: Buffer, counter: bigint, ad: Buffer, ciphertext: Buffer): Buffer | null {
  if (ciphertext.length < TAG_LEN) return null
  const decipher = createDecipheriv('aes-256-gcm', key, gcmNonce(counter))
  decipher.setAAD(ad)
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_LEN))
  try {
    return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_LEN)), decipher.final()])
  } catch {
    return null
  }
}

class SymmetricState {
  private chainingKey: Buffer
  hash: Buffer
  private key: Buffer | undefined
  private counter = 0n
  /** The hash the last payload read was bound to (its AEAD associated data), before it was mixed in. */
  payloadHash: Buffer = Buffer.alloc(0)

  constructor(protocol: string) {
    const name = Buffer.from(protocol, 'ascii')
    this.hash = name.length <= 32 ? Buffer.concat([name, Buffer.alloc(32 - name.length)]) : sha256(name)
    this.chainingKey = this.hash
  }

  mixHash(data: Buffer): void {
    this.hash = sha256(this.hash, data)
  }

  mixKey(input: Buffer): void {
    const [chainingKey, key] = hkdf(this.chainingKey, input, 2) as [Buffer, Buffer]
    this.chainingKey = chainingKey
    this.key = key
    this.counter = 0n
  }

  mixKeyAndHash(input: Buffer): void {
    const [chainingKey, hashInput, key] = hkdf(this.chainingKey, input, 3) as [Buffer, Buffer, Buffer]
    this.chainingKey = chainingKey
    this.mixHash(hashInput)
    this.key = key
    this.counter = 0n
  }

  encryptAndHash(plaintext: Buffer | ((hash: Buffer) => Buffer)): Buffer {
    if (typeof plaintext === 'function') plaintext = plaintext(this.hash)
    const out = this.key ? seal(this.key, this.counter++, this.hash, plaintext) : plaintext
    this.mixHash(out)
    return out
  }

  decryptAndHash(ciphertext: Buffer): Buffer {
    this.payloadHash = this.hash
    const out = this.key ? unseal(this.key, this.counter++, this.hash, ciphertext) : ciphertext
    if (!out) throw new NoiseError('The other machine could not prove it holds the pairing key.')
    this.mixHash(ciphertext)
    return out
  }

  split(): [Buffer, Buffer] {
    return hkdf(this.chainingKey, Buffer.alloc(0), 2) as [Buffer, Buffer]
  }
}

/** Keys after the handshake: initiator→responder and responder→initiator, plus the handshake hash. */
export interface NoiseKeys {
  initiatorToResponder: Buffer
  responderToInitiator: Buffer
  handshakeHash: Buffer
}

/** A payload, or one built from the handshake hash it will be bound to (to sign it). */
export type Payload = Buffer | ((hash: Buffer) => Buffer)

/** One side of an NNpsk0 handshake. Message A goes initiator→responder, message B back. */
export class NNpsk0Handshake {
  private readonly state = new SymmetricState(NOISE_PROTOCOL)
  private readonly ephemeral: X25519Pair
  private remoteEphemeral: Buffer | undefined

  constructor(psk: Buffer, prologue: Buffer, ephemeral: X25519Pair = generateX25519()) {
    if (psk.length !== 32) throw new NoiseError('The pairing key has the wrong length.')
    this.ephemeral = ephemeral
    this.state.mixHash(prologue)
    this.state.mixKeyAndHash(psk)
  }

  /** Initiator: `psk, e` and the encrypted payload. */
  writeA(payload: Payload): Buffer {
    this.mixEphemeral(this.ephemeral.publicKey)
    return Buffer.concat([this.ephemeral.publicKey, this.state.encryptAndHash(payload)])
  }

  /** Responder: reads message A, returns its payload; throws NoiseError when it does not decrypt. */
  readA(message: Buffer): Buffer {
    this.remoteEphemeral = this.takeEphemeral(message)
    this.mixEphemeral(this.remoteEphemeral)
    return this.state.decryptAndHash(message.subarray(DH_LEN))
  }

  /** Responder: `e, ee` and the encrypted payload. */
  writeB(payload: Payload): Buffer {
    this.mixEphemeral(this.ephemeral.publicKey)
    this.state.mixKey(dh(this.ephemeral.privateKey, this.remoteEphemeral as Buffer))
    return Buffer.concat([this.ephemeral.publicKey, this.state.encryptAndHash(payload)])
  }

  /** Initiator: reads message B, returns its payload. */
  readB(message: Buffer): Buffer {
    const remote = this.takeEphemeral(message)
    this.mixEphemeral(remote)
    this.state.mixKey(dh(this.ephemeral.privateKey, remote))
    return this.state.decryptAndHash(message.subarray(DH_LEN))
  }

  /** The handshake hash the payload just read was bound to: what the writer could sign. */
  get payloadHash(): Buffer {
    return this.state.payloadHash
  }

  split(): NoiseKeys {
    const [initiatorToResponder, responderToInitiator] = this.state.split()
    return { initiatorToResponder, responderToInitiator, handshakeHash: this.state.hash }
  }

  private takeEphemeral(message: Buffer): Buffer {
    if (message.length < DH_LEN + TAG_LEN) throw new NoiseError('The other machine sent a short handshake message.')
    return Buffer.from(message.subarray(0, DH_LEN))
  }

  /** `e` in a PSK handshake: MixHash, then MixKey (Noise §9.2). */
  private mixEphemeral(publicKey: Buffer): void {
    this.state.mixHash(publicKey)
    this.state.mixKey(publicKey)
  }
}
