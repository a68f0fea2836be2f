import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { transcript } from './transcript'

/*
 * The long-term Ed25519 identity each instance keeps in its secret store. It is pinned: pairing
 * proves each side holds the private half of the key it announces (a signature over the pairing
 * transcript), and every later channel proves it again (a signature over the Noise handshake hash)
 * against the key stored at pairing. A stolen pairing key alone therefore does not impersonate a
 * machine. Its fingerprint is what users compare on both screens when pairing.
 */

/** sha256 of the SPKI DER, first 8 bytes as `3F2A-91C0-7B1E-44D2`. */
export function fingerprint(identityKey: string): string {
  const hex = createHash('sha256').update(Buffer.from(identityKey, 'base64')).digest('hex').slice(0, 16).toUpperCase()
  return hex.match(/.{4}/g)!.join('-')
}

/** An Ed25519 signature (base64) over `label`, `role` and `data`, length-prefixed. */
export function proveIdentity(privateKey: KeyObject, label: string, role: string, data: Uint8Array): string {
  return sign(null, transcript([label, role, data]), privateKey).toString('base64')
}

/** Whether `signature` is `identityKey`'s over the same fields; false for anything malformed. */
export function checkIdentity(identityKey: string, label: string, role: string, data: Uint8Array, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(identityKey, 'base64'), format: 'der', type: 'spki' })
    if (key.asymmetricKeyType !== 'ed25519') return false
    const bytes = Buffer.from(signature, 'base64')
    return bytes.length === 64 && verify(null, transcript([label, role, data]), key, bytes)
  } catch {
    return false
  }
}
