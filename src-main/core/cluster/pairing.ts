import { createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, randomInt, type KeyObject } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { z } from 'zod'
import { AppError } from '../errors'
import type { TransportChannel } from '../rdma'
import { INSTANCE_ID_PATTERN, sanitizeName } from './discovery'
import { checkIdentity, fingerprint, proveIdentity } from './identity'
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, HandshakeChannel, PeerRefusal, bytes32, macEquals, transcript } from './peer-auth'
import type { PairedPeer, PeersStore } from './peers-store'

/*
 * Pairing is CPace (a balanced PAKE, draft-irtf-cfrg-cpace) over X25519: both sides derive a
 * generator point from the 6-digit code and both nonces, exchange y·G and share K = y1·y2·G. An
 * observer learns nothing, and an active attacker gets exactly one guess per connection (a plain
 * "ECDH, then HMAC keyed by the code" would let whoever receives the first HMAC try all 10^6
 * codes offline). Key confirmation: HMACs over the transcript keyed by HKDF(K ‖ code); the
 * initiator confirms first, so the side holding the code never reveals anything testable.
 */

export type PairingFailure = 'wrong-code' | 'expired' | 'no-code' | 'locked' | 'busy' | 'protocol' | 'identity' | 'declined'

export class PairingError extends AppError {
  constructor(readonly reason: PairingFailure, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(reason === 'locked' || reason === 'busy' ? 'E_RATE_LIMITED' : 'E_UNAUTHORIZED', message, {
      ...options,
      retryable: reason === 'locked' || reason === 'busy',
    })
  }
}

const messages: Record<PairingFailure, [string, string]> = {
  'wrong-code': ['The pairing code is wrong.', 'Type the 6-digit code the other machine shows.'],
  expired: ['The pairing code has expired.', 'Show a new code on the other machine; codes are valid for 2 minutes.'],
  'no-code': ['The other machine is not showing a pairing code.', 'Open Cluster settings there and choose "Pair a machine".'],
  locked: ['Too many wrong pairing codes; pairing is locked for a minute.', 'Wait a minute, then try again with the code shown.'],
  busy: ['The other machine is already pairing with someone.', 'Try again in a few seconds.'],
  protocol: ['The other machine does not speak this pairing protocol.', 'Update Ollama Desk on both machines.'],
  declined: ['Pairing was not confirmed on the other machine.', 'Compare the fingerprints both machines show, then pair again and confirm there.'],
  identity: ['The other machine could not prove it holds the identity key it announced; the pairing was refused.', 'Someone may be impersonating a known machine. Compare the fingerprints both machines show.'],
}

function pairingError(reason: PairingFailure, cause?: unknown): PairingError {
  const [message, hint] = messages[reason]
  return new PairingError(reason, message, { hint, cause })
}

/** Failed pairing attempts, kept across codes and restarts (a file in the data folder). */
export interface PairingBudgetStore {
  load(): { failures: number; lockedUntil: number }
  save(state: { failures: number; lockedUntil: number }): void
}

export interface PairingGateOptions {
  now?: () => number
  validityMs?: number
  /** Wrong tries that kill one code (default 3). */
  maxFailures?: number
  /** Failed attempts, all codes together, after which only one try a day is allowed (default 10). */
  budget?: number
  /** The first back-off after the third failure; doubles with each further one (default 30 s). */
  lockMs?: number
  store?: PairingBudgetStore
  /** A uniform integer in [0, max). */
  randomInt?: (max: number) => number
}

export interface PairingAttempt {
  readonly code: string
  succeed(): void
  fail(): void
}

/** The receiving side's code: single use, 2 minutes, 5 wrong tries lock it for a minute. */
export class PairingCodeGate {
  private code: string | undefined
  private expiresAt = 0
  private codeFailures = 0
  private failures: number
  private lockedUntil: number
  private attemptOpen = false
  private readonly now: () => number

  constructor(private readonly options: PairingGateOptions = {}) {
    this.now = options.now ?? Date.now
    const saved = options.store?.load() ?? { failures: 0, lockedUntil: 0 }
    this.failures = saved.failures
    this.lockedUntil = saved.lockedUntil
  }

  /** Failed attempts counted against the budget (all codes, across restarts) and the back-off end. */
  get state(): { failures: number; lockedUntil: number } {
    return { failures: this.failures, lockedUntil: this.lockedUntil }
  }

  /** A fresh code to show the user; replaces any previous one. */
  showCode(): { code: string; expiresAt: number } {
    const pick = this.options.randomInt ?? randomInt
    this.code = String(pick(1_000_000)).padStart(6, '0')
    this.expiresAt = this.now() + (this.options.validityMs ?? 120_000)
    this.codeFailures = 0
    return { code: this.code, expiresAt: this.expiresAt }
  }

  cancel(): void {
    this.code = undefined
  }

  /** One connection's try; only one at a time, and one that ends without success counts as wrong. */
  begin(): PairingAttempt {
    if (this.now() < this.lockedUntil) throw pairingError('locked')
    if (this.code === undefined) throw pairingError('no-code')
    if (this.now() >= this.expiresAt) throw pairingError('expired')
    if (this.attemptOpen) throw pairingError('busy')
    this.attemptOpen = true
    const code = this.code
    let settled = false
    return {
      code,
      succeed: () => {
        if (settled) return
        settled = true
        this.attemptOpen = false
        if (this.now() >= this.expiresAt) throw pairingError('expired')
        this.code = undefined
        this.record(0, 0)
      },
      fail: () => {
        if (settled) return
        settled = true
        this.attemptOpen = false
        this.codeFailures += 1
        if (this.codeFailures >= (this.options.maxFailures ?? 3)) this.code = undefined
        const failures = this.failures + 1
        this.record(failures, this.now() + this.backoffMs(failures))
      },
    }
  }

  /** None for the first two failures, then 30 s doubling; past the budget, a day per try. */
  private backoffMs(failures: number): number {
    if (failures >= (this.options.budget ?? 10)) return DAY_MS
    if (failures < 3) return 0
    return Math.min(DAY_MS, (this.options.lockMs ?? 30_000) * 2 ** (failures - 3))
  }

  private record(failures: number, lockedUntil: number): void {
    this.failures = failures
    this.lockedUntil = lockedUntil
    this.options.store?.save({ failures, lockedUntil })
  }
}

const DAY_MS = 24 * 60 * 60 * 1000

/** The budget in `<dataDir>/pairing-budget.json` (0600); a missing or unreadable file counts as fresh. */
export function fileBudgetStore(file: string): PairingBudgetStore {
  return {
    load: () => {
      try {
        const parsed = budgetSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
        return parsed.success ? parsed.data : { failures: 0, lockedUntil: 0 }
      } catch {
        return { failures: 0, lockedUntil: 0 }
      }
    },
    save: (state) => {
      try {
        writeFileSync(file, JSON.stringify(state), { mode: 0o600 })
      } catch {
        // A read-only data folder keeps the budget in memory for this run.
      }
    },
  }
}

const budgetSchema = z.object({ failures: z.number().int().min(0).max(1e9), lockedUntil: z.number().min(0) })

// Curve25519 field arithmetic for the Elligator 2 map (RFC 9380 §6.7.1, J = 486662, Z = 2).
const P = 2n ** 255n - 19n
const J = 486662n

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n
  let b = base % P
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P
    b = (b * b) % P
    e >>= 1n
  }
  return result
}

/** The code-dependent generator's u-coordinate: a hash mapped onto the curve with Elligator 2. */
export function generatorFor(input: Buffer): Buffer {
  const r = BigInt(`0x${createHash('sha512').update(input).digest('hex')}`) % P
  const denominator = (1n + 2n * r * r) % P
  let x1 = denominator === 0n ? 0n : ((P - J) * modPow(denominator, P - 2n)) % P
  if (x1 === 0n) x1 = P - J
  const gx1 = (x1 * x1 * x1 + J * x1 * x1 + x1) % P
  const isSquare = gx1 === 0n || modPow(gx1, (P - 1n) / 2n) === 1n
  const x = isSquare ? x1 : (2n * P - x1 - J) % P
  return Buffer.from(x.toString(16).padStart(64, '0'), 'hex').reverse()
}

function x25519(privateKey: KeyObject, u: Buffer): Buffer {
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: u.toString('base64url') }, format: 'jwk' })
    return diffieHellman({ privateKey, publicKey })
  } catch (cause) {
    // A low-order point from the peer gives an all-zero result, which OpenSSL refuses.
    throw pairingError('protocol', cause)
  }
}

const PAIR_LABEL = 'ollama-desk/pairing/v1'
const instanceId = z.string().regex(INSTANCE_ID_PATTERN)
const identityKey = z.string().min(1).max(200).refine((text) => {
  try {
    return createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType === 'ed25519'
  } catch {
    return false
  }
})
const helloSchema = z.object({ type: z.literal('pair-hello'), v: z.literal(1), id: instanceId, name: z.string().max(200), identityKey, nonce: bytes32 })
const challengeSchema = z.object({ type: z.literal('pair-challenge'), id: instanceId, name: z.string().max(200), identityKey, nonce: bytes32, y: bytes32 })
const signature = z.string().regex(/^[A-Za-z0-9+/]{86}==$/)
const confirmSchema = z.object({ type: z.literal('pair-confirm'), y: bytes32, mac: bytes32, sig: signature })
const doneSchema = z.object({ type: z.literal('pair-done'), mac: bytes32, sig: signature })
const IDENTITY_LABEL = `${PAIR_LABEL}/identity`

interface Side {
  id: string
  name: string
  identityKey: string
  nonce: Buffer
}

interface SessionKeys {
  /** The transcript hash both identity signatures cover. */
  hash: Buffer
  pairingKey: Buffer
  initiatorMac: Buffer
  receiverMac: Buffer
}

function generator(code: string, initiator: Side, receiver: Side): Buffer {
  return generatorFor(transcript([`${PAIR_LABEL}/generator`, code, initiator.id, receiver.id, initiator.nonce, receiver.nonce]))
}

function sessionKeys(shared: Buffer, code: string, initiator: Side, receiver: Side, yInitiator: Buffer, yReceiver: Buffer): SessionKeys {
  const parts = [PAIR_LABEL, initiator.id, receiver.id, initiator.name, receiver.name, initiator.identityKey, receiver.identityKey]
  const hash = createHash('sha256').update(transcript([...parts, initiator.nonce, receiver.nonce, yInitiator, yReceiver])).digest()
  const confirmKey = Buffer.from(hkdfSync('sha256', Buffer.concat([shared, Buffer.from(code)]), hash, `${PAIR_LABEL}/confirm`, 32))
  const confirm = (role: string): Buffer => createHmac('sha256', confirmKey).update(transcript([role, hash])).digest()
  return {
    hash,
    pairingKey: Buffer.from(hkdfSync('sha256', shared, hash, `${PAIR_LABEL}/pairing-key`, 32)),
    initiatorMac: confirm('initiator'),
    receiverMac: confirm('receiver'),
  }
}

/** The machine asking to pair, as the receiving side's user is asked to confirm it. */
export interface JoiningMachine {
  id: string
  name: string
  /** Its identity key's short fingerprint (it proved it holds that key). */
  fingerprint: string
}

/** How long the initiator waits while the other machine's user confirms (default: the code's 2 minutes). */
export const DEFAULT_CONFIRM_TIMEOUT_MS = 120_000

export interface PairingOptions {
  peersStore: PeersStore
  /** This machine's name as the other side will list it. */
  selfName: string
  timeoutMs?: number
  /** Receiving side: asked once the code and the identity are proven, before anything is stored; false refuses. */
  confirm?: (joining: JoiningMachine) => Promise<boolean>
  /** Receiving side: the code was right (the connection is no longer an anonymous guess). */
  onCodeProven?: () => void
  /** Initiating side: how long to wait for the other machine's user to confirm. */
  confirmTimeoutMs?: number
  randomBytes?: (size: number) => Buffer
}

function selfSide(options: PairingOptions): Side {
  const identity = options.peersStore.identity()
  return { id: identity.id, name: options.selfName.slice(0, 200), identityKey: identity.publicKey, nonce: (options.randomBytes ?? randomBytes)(32) }
}

function remoteError(error: unknown): unknown {
  if (!(error instanceof PeerRefusal)) return error
  const reason = error.reason as PairingFailure
  return pairingError(reason in messages ? reason : 'protocol')
}

/** The initiating side: the user typed `code` from the other machine. Returns the stored peer. */
export async function requestPairing(channel: TransportChannel, code: string, options: PairingOptions): Promise<PairedPeer> {
  if (!/^\d{6}$/.test(code)) throw new PairingError('wrong-code', 'A pairing code has exactly 6 digits.', { hint: messages['wrong-code'][1] })
  const io = new HandshakeChannel(channel, options.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS)
  const self = selfSide(options)
  try {
    await io.send({ type: 'pair-hello', v: 1, id: self.id, name: self.name, identityKey: self.identityKey, nonce: self.nonce.toString('base64') })
    const challenge = await io.receive(challengeSchema)
    if (challenge.id === self.id) {
      await io.refuse('protocol')
      throw pairingError('protocol')
    }
    const remote: Side = { id: challenge.id, name: challenge.name, identityKey: challenge.identityKey, nonce: Buffer.from(challenge.nonce, 'base64') }
    const scalar = generateKeyPairSync('x25519').privateKey
    const y = x25519(scalar, generator(code, self, remote))
    const yRemote = Buffer.from(challenge.y, 'base64')
    const keys = sessionKeys(x25519(scalar, yRemote), code, self, remote, y, yRemote)
    const sig = proveIdentity(options.peersStore.identity().privateKey, IDENTITY_LABEL, 'initiator', keys.hash)
    await io.send({ type: 'pair-confirm', y: y.toString('base64'), mac: keys.initiatorMac.toString('base64'), sig })
    const done = await io.receive(doneSchema, options.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS)
    if (!macEquals(keys.receiverMac, done.mac)) throw pairingError('wrong-code')
    if (!checkIdentity(remote.identityKey, IDENTITY_LABEL, 'receiver', keys.hash, done.sig)) throw pairingError('identity')
    const peer = options.peersStore.save({ id: remote.id, name: remote.name, identityKey: remote.identityKey }, keys.pairingKey)
    channel.end().catch(() => channel.destroy())
    return peer
  } catch (error) {
    io.close()
    throw remoteError(error)
  }
}

/** The receiving side: the user is shown a code from `gate`. Returns the stored peer. */
export async function acceptPairing(channel: TransportChannel, gate: PairingCodeGate, options: PairingOptions): Promise<PairedPeer> {
  const io = new HandshakeChannel(channel, options.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS)
  let attempt: PairingAttempt | undefined
  try {
    const hello = await io.receive(helloSchema)
    try {
      attempt = gate.begin()
    } catch (error) {
      if (error instanceof PairingError) await io.refuse(error.reason)
      throw error
    }
    const self = selfSide(options)
    if (hello.id === self.id) {
      await io.refuse('protocol')
      throw pairingError('protocol')
    }
    const remote: Side = { id: hello.id, name: hello.name, identityKey: hello.identityKey, nonce: Buffer.from(hello.nonce, 'base64') }
    const scalar = generateKeyPairSync('x25519').privateKey
    const y = x25519(scalar, generator(attempt.code, remote, self))
    await io.send({ type: 'pair-challenge', id: self.id, name: self.name, identityKey: self.identityKey, nonce: self.nonce.toString('base64'), y: y.toString('base64') })
    const confirm = await io.receive(confirmSchema)
    const yRemote = Buffer.from(confirm.y, 'base64')
    let keys: SessionKeys
    try {
      keys = sessionKeys(x25519(scalar, yRemote), attempt.code, remote, self, yRemote, y)
    } catch (error) {
      await io.refuse('protocol')
      throw error
    }
    if (!macEquals(keys.initiatorMac, confirm.mac)) {
      await io.refuse('wrong-code')
      throw pairingError('wrong-code')
    }
    if (!checkIdentity(remote.identityKey, IDENTITY_LABEL, 'initiator', keys.hash, confirm.sig)) {
      // The code was right: this is not a guess, it is someone announcing a key it does not hold.
      attempt.succeed()
      await io.refuse('identity')
      throw pairingError('identity')
    }
    try {
      attempt.succeed()
    } catch (error) {
      await io.refuse('expired')
      throw error
    }
    options.onCodeProven?.()
    if (options.confirm && !(await options.confirm({ id: remote.id, name: sanitizeName(remote.name), fingerprint: fingerprint(remote.identityKey) }))) {
      await io.refuse('declined')
      throw pairingError('declined')
    }
    const peer = options.peersStore.save({ id: remote.id, name: remote.name, identityKey: remote.identityKey }, keys.pairingKey)
    await io.send({ type: 'pair-done', mac: keys.receiverMac.toString('base64'), sig: proveIdentity(options.peersStore.identity().privateKey, IDENTITY_LABEL, 'receiver', keys.hash) })
    channel.end().catch(() => channel.destroy())
    return peer
  } catch (error) {
    attempt?.fail()
    io.close()
    throw remoteError(error)
  }
}
