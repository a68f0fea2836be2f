import { randomBytes, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { AppError, TimeoutError } from '../errors'
import type { TransportChannel } from '../rdma'
import { INSTANCE_ID_PATTERN } from './discovery'
import { checkIdentity, proveIdentity } from './identity'
import { NNpsk0Handshake } from './noise'
import type { PeersStore } from './peers-store'
import { transcript } from './transcript'
import { purposeKeys, SecureChannel, type DirectionKeys } from './secure-channel'

/*
 * Handshake messages are length-prefixed JSON frames (4-byte big-endian length). After a handshake
 * the same channel carries the caller's protocol, so bytes read past the last frame are handed back
 * through `HandshakeChannel.rest()`.
 */

const MAX_FRAME_BYTES = 16 * 1024
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000

export class UnauthorizedError extends AppError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('E_UNAUTHORIZED', message, options)
  }
}

/** The peer answered with `{ type: 'error', reason }`. */
export class PeerRefusal extends Error {
  constructor(readonly reason: string) {
    super(`The other machine refused: ${reason}`)
  }
}

/** Checks a handshake message; an error message from the peer becomes a PeerRefusal. */
export function checkMessage<T>(message: unknown, schema: z.ZodType<T>): T {
  const refusal = z.object({ type: z.literal('error'), reason: z.string().max(200) }).safeParse(message)
  if (refusal.success) throw new PeerRefusal(refusal.data.reason)
  const checked = schema.safeParse(message)
  if (!checked.success) {
    throw new UnauthorizedError('The other machine sent an unexpected handshake message.', {
      hint: 'Both machines may run different versions of Ollama Desk; update both.',
    })
  }
  return checked.data
}

export class HandshakeChannel {
  private readonly iterator: AsyncIterator<Uint8Array>
  private buffer: Buffer = Buffer.alloc(0)
  private ended = false
  private refused = false

  constructor(private readonly channel: TransportChannel, private readonly timeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS) {
    this.iterator = channel[Symbol.asyncIterator]()
  }

  async send(message: { type: string } & Record<string, unknown>): Promise<void> {
    const body = Buffer.from(JSON.stringify(message), 'utf8')
    const header = Buffer.alloc(4)
    header.writeUInt32BE(body.length)
    await this.channel.write(Buffer.concat([header, body]))
  }

  /** Tells the peer why the handshake stops, ignoring a peer that has already gone. */
  async refuse(reason: string): Promise<void> {
    this.refused = true
    await this.send({ type: 'error', reason }).catch(() => undefined)
  }

  /** Ends the failed handshake: gently after a refusal so the reason arrives, at once otherwise. */
  close(): void {
    if (!this.refused) {
      this.channel.destroy()
      return
    }
    const channel = this.channel
    const force = setTimeout(() => channel.destroy(), 1000)
    force.unref()
    channel.end().catch(() => channel.destroy())
  }

  /** The next frame, checked against `schema`; throws PeerRefusal when the peer sent an error frame. */
  async receive<T>(schema: z.ZodType<T>, timeoutMs = this.timeoutMs): Promise<T> {
    const frame = await this.withTimeout(this.readFrame(), timeoutMs)
    let parsed: unknown
    try {
      parsed = JSON.parse(frame.toString('utf8'))
    } catch (cause) {
      throw new UnauthorizedError('The other machine sent a malformed handshake message.', { cause })
    }
    return checkMessage(parsed, schema)
  }

  /** The channel for what follows the handshake, starting with any bytes already read. */
  rest(): TransportChannel {
    const { channel, iterator } = this
    let leftover: Buffer | undefined = this.buffer.length > 0 ? this.buffer : undefined
    this.buffer = Buffer.alloc(0)
    return {
      remote: channel.remote,
      write: (chunk) => channel.write(chunk),
      end: () => channel.end(),
      destroy: (error) => channel.destroy(error),
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          if (leftover) {
            const value = leftover
            leftover = undefined
            return { done: false, value }
          }
          return iterator.next()
        },
        return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
      }),
    }
  }

  private async readFrame(): Promise<Buffer> {
    for (;;) {
      if (this.buffer.length >= 4) {
        const length = this.buffer.readUInt32BE(0)
        if (length > MAX_FRAME_BYTES) throw new UnauthorizedError('The other machine sent an oversized handshake message.')
        if (this.buffer.length >= 4 + length) {
          const frame = this.buffer.subarray(4, 4 + length)
          this.buffer = this.buffer.subarray(4 + length)
          return frame
        }
      }
      const next = this.ended ? { done: true as const, value: undefined } : await this.iterator.next()
      if (next.done) {
        this.ended = true
        throw new UnauthorizedError('The other machine closed the connection during the handshake.')
      }
      this.buffer = Buffer.concat([this.buffer, Buffer.from(next.value)])
    }
  }

  private withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new TimeoutError('The other machine did not finish the handshake in time.')
        this.channel.destroy(error)
        reject(error)
      }, timeoutMs)
    })
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
  }
}

export const bytes32 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/)
const instanceId = z.string().regex(INSTANCE_ID_PATTERN)

export { transcript }

export function macEquals(expected: Buffer, received: string): boolean {
  const actual = Buffer.from(received, 'base64')
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

const LABEL = 'ollama-desk/cluster-secure/v2'
export const SECURE_PURPOSES = ['info', 'measure', 'transfer'] as const
export type SecurePurpose = (typeof SECURE_PURPOSES)[number]
const helloSchema = z.object({ type: z.literal('secure-hello'), v: z.literal(2), id: instanceId, nonce: bytes32 })
const noiseSchema = z.object({ type: z.literal('noise'), m: z.string().max(1024) })
const signature = z.string().regex(/^[A-Za-z0-9+/]{86}==$/)
const clientPayloadSchema = z.object({ id: instanceId, purpose: z.enum(SECURE_PURPOSES), sig: signature })
const serverPayloadSchema = z.object({ id: instanceId, purpose: z.enum(SECURE_PURPOSES), sig: signature })
const IDENTITY_LABEL = `${LABEL}/identity`

/** A Noise payload carrying this machine's id, the purpose and its identity signature over the handshake hash. */
function signedPayload(options: AuthOptions, purpose: SecurePurpose, role: 'client' | 'server'): (hash: Buffer) => Buffer {
  const identity = options.peersStore.identity()
  return (hash) => Buffer.from(JSON.stringify({ id: options.selfId, purpose, sig: proveIdentity(identity.privateKey, IDENTITY_LABEL, role, hash) }))
}

/** The peer's signature must come from the identity key stored when it paired (pinned). */
function checkPinned(options: AuthOptions, peerId: string, role: 'client' | 'server', hash: Buffer, sig: string): void {
  const pinned = options.peersStore.get(peerId)?.identityKey
  if (pinned === undefined || !checkIdentity(pinned, IDENTITY_LABEL, role, hash, sig)) {
    throw new UnauthorizedError(`Machine ${peerId} holds the pairing key but not the identity key it paired with.`, { hint: PAIR_AGAIN })
  }
}

export interface AuthOptions {
  peersStore: PeersStore
  selfId: string
  /** When set, the client refuses any other peer (the one it meant to reach). */
  expectedPeerId?: string
  timeoutMs?: number
  /** Nonces; injectable so tests can replay a recorded handshake. */
  randomBytes?: (size: number) => Buffer
}

export interface AuthenticatedPeer {
  /** The id proven by the pairing key inside the channel. */
  peerId: string
  purpose: SecurePurpose
  /** Everything that follows, encrypted and authenticated with sub-keys for this purpose and direction. */
  channel: SecureChannel
}

function refusalMessage(reason: string): string {
  if (reason === 'not-paired') return 'The other machine is not paired with this one.'
  if (reason === 'bad-proof') return 'The other machine did not accept this machine\'s pairing key.'
  if (reason === 'bad-identity') return 'The other machine did not accept this machine\'s identity key (it paired with another one).'
  return `The other machine refused the connection (${reason.slice(0, 80)}).`
}

const PAIR_AGAIN = 'Pair the two machines again from the Cluster settings.'

/** Both hellos, exactly as exchanged, bound into the Noise prologue. */
function prologue(client: z.infer<typeof helloSchema>, server: z.infer<typeof helloSchema>): Buffer {
  return transcript([LABEL, client.id, client.nonce, server.id, server.nonce])
}

function decodePayload<T>(data: Buffer, schema: z.ZodType<T>): T {
  let parsed: unknown
  try {
    parsed = JSON.parse(data.toString('utf8'))
  } catch {
    parsed = undefined
  }
  const checked = schema.safeParse(parsed)
  if (!checked.success) throw new UnauthorizedError('The other machine sent an unexpected handshake message.')
  return checked.data
}

async function asClient(io: HandshakeChannel, options: AuthOptions, purpose: SecurePurpose): Promise<Omit<AuthenticatedPeer, 'channel'> & { keys: DirectionKeys }> {
  const hello = { type: 'secure-hello' as const, v: 2 as const, id: options.selfId, nonce: (options.randomBytes ?? randomBytes)(32).toString('base64') }
  await io.send(hello)
  const answer = await io.receive(helloSchema)
  if (options.expectedPeerId !== undefined && answer.id !== options.expectedPeerId) {
    await io.refuse('unexpected-peer')
    throw new UnauthorizedError(`Expected machine ${options.expectedPeerId} but ${answer.id} answered.`)
  }
  const key = answer.id === options.selfId ? undefined : options.peersStore.pairingKey(answer.id)
  if (!key) {
    await io.refuse('not-paired')
    throw new UnauthorizedError(`Machine ${answer.id} is not paired with this one.`, { hint: PAIR_AGAIN })
  }
  const noise = new NNpsk0Handshake(key, prologue(hello, answer))
  await io.send({ type: 'noise', m: noise.writeA(signedPayload(options, purpose, 'client')).toString('base64') })
  const reply = await io.receive(noiseSchema)
  let payload: z.infer<typeof serverPayloadSchema>
  try {
    payload = decodePayload(noise.readB(Buffer.from(reply.m, 'base64')), serverPayloadSchema)
  } catch (error) {
    await io.refuse('bad-proof')
    throw new UnauthorizedError(`Machine ${answer.id} could not prove it holds the pairing key.`, { hint: PAIR_AGAIN, cause: error })
  }
  if (payload.id !== answer.id || payload.purpose !== purpose) throw new UnauthorizedError(`Machine ${answer.id} answered for another machine or purpose.`)
  try {
    checkPinned(options, answer.id, 'server', noise.payloadHash, payload.sig)
  } catch (error) {
    await io.refuse('bad-identity')
    throw error
  }
  return { peerId: answer.id, purpose, keys: purposeKeys(noise.split(), purpose, 'client') }
}

async function asServer(io: HandshakeChannel, options: AuthOptions): Promise<Omit<AuthenticatedPeer, 'channel'> & { keys: DirectionKeys }> {
  const hello = await io.receive(helloSchema)
  const key = hello.id === options.selfId ? undefined : options.peersStore.pairingKey(hello.id)
  if (!key) {
    await io.refuse('not-paired')
    throw new UnauthorizedError(`Machine ${hello.id} tried to connect but is not paired with this one.`)
  }
  const answer = { type: 'secure-hello' as const, v: 2 as const, id: options.selfId, nonce: (options.randomBytes ?? randomBytes)(32).toString('base64') }
  await io.send(answer)
  const noise = new NNpsk0Handshake(key, prologue(hello, answer))
  const message = await io.receive(noiseSchema)
  let payload: z.infer<typeof clientPayloadSchema>
  try {
    payload = decodePayload(noise.readA(Buffer.from(message.m, 'base64')), clientPayloadSchema)
  } catch (error) {
    await io.refuse('bad-proof')
    throw new UnauthorizedError(`Machine ${hello.id} could not prove it holds the pairing key.`, { cause: error })
  }
  if (payload.id !== hello.id) throw new UnauthorizedError(`Machine ${hello.id} spoke for ${payload.id} inside the channel.`)
  try {
    checkPinned(options, hello.id, 'client', noise.payloadHash, payload.sig)
  } catch (error) {
    await io.refuse('bad-identity')
    throw error
  }
  await io.send({ type: 'noise', m: noise.writeB(signedPayload(options, payload.purpose, 'server')).toString('base64') })
  return { peerId: hello.id, purpose: payload.purpose, keys: purposeKeys(noise.split(), payload.purpose, 'server') }
}

/**
 * The connecting side: hellos, then Noise_NNpsk0 keyed with the pairing key, with `purpose` and
 * this machine's id inside the first encrypted message. Throws UnauthorizedError and closes the channel.
 */
export async function openSecure(channel: TransportChannel, options: AuthOptions & { purpose: SecurePurpose }): Promise<AuthenticatedPeer> {
  const io = new HandshakeChannel(channel, options.timeoutMs)
  try {
    const verified = await asClient(io, options, options.purpose)
    return { peerId: verified.peerId, purpose: verified.purpose, channel: new SecureChannel(io.rest(), verified.keys) }
  } catch (error) {
    io.close()
    if (error instanceof PeerRefusal) throw new UnauthorizedError(refusalMessage(error.reason), { hint: PAIR_AGAIN })
    throw error
  }
}

/** The accepting side: the purpose and the peer's id are what it proved inside the channel. */
export async function acceptSecure(channel: TransportChannel, options: AuthOptions): Promise<AuthenticatedPeer> {
  const io = new HandshakeChannel(channel, options.timeoutMs)
  try {
    const verified = await asServer(io, options)
    return { peerId: verified.peerId, purpose: verified.purpose, channel: new SecureChannel(io.rest(), verified.keys) }
  } catch (error) {
    io.close()
    if (error instanceof PeerRefusal) throw new UnauthorizedError(refusalMessage(error.reason))
    throw error
  }
}
