import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { AppError, TimeoutError } from '../errors'
import type { TransportChannel } from '../rdma'
import { INSTANCE_ID_PATTERN } from './discovery'
import type { PeersStore } from './peers-store'

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
  async receive<T>(schema: z.ZodType<T>): Promise<T> {
    const frame = await this.withTimeout(this.readFrame())
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

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new TimeoutError('The other machine did not finish the handshake in time.')
        this.channel.destroy(error)
        reject(error)
      }, this.timeoutMs)
    })
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
  }
}

export const bytes32 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/)
const instanceId = z.string().regex(INSTANCE_ID_PATTERN)

/** Length-prefixed concatenation, so no two different field lists encode the same. */
export function transcript(parts: Array<string | Uint8Array>): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const data = typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part)
      const length = Buffer.alloc(4)
      length.writeUInt32BE(data.length)
      return [length, data]
    }),
  )
}

export function macEquals(expected: Buffer, received: string): boolean {
  const actual = Buffer.from(received, 'base64')
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

const AUTH_LABEL = 'ollama-desk/peer-auth/v1'
const helloSchema = z.object({ type: z.literal('auth-hello'), v: z.literal(1), id: instanceId, nonce: bytes32 })
const challengeSchema = z.object({ type: z.literal('auth-challenge'), id: instanceId, nonce: bytes32, mac: bytes32 })
const responseSchema = z.object({ type: z.literal('auth-response'), mac: bytes32 })
const okSchema = z.object({ type: z.literal('auth-ok') })

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
  peerId: string
  /** Continue the connection on this channel: it replays bytes that arrived with the handshake. */
  channel: TransportChannel
  /** A fresh key for this connection (for per-frame MACs or encryption, when a protocol wants them). */
  sessionKey: Buffer
}

function mac(key: Buffer, role: 'client' | 'server', data: Buffer): Buffer {
  return createHmac('sha256', key).update(transcript([role, data])).digest()
}

function sessionKeyFor(key: Buffer, data: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, data, 'ollama-desk/session-key/v1', 32))
}

function refusalMessage(reason: string): string {
  if (reason === 'not-paired') return 'The other machine is not paired with this one.'
  if (reason === 'bad-proof') return 'The other machine did not accept this machine\'s pairing key.'
  return `The other machine refused the connection (${reason.slice(0, 80)}).`
}

const PAIR_AGAIN = 'Pair the two machines again from the Cluster settings.'

/** Where the handshake messages go: a raw channel (HandshakeChannel) or a host protocol's messages. */
interface HandshakeIo {
  send(message: { type: string } & Record<string, unknown>): Promise<void>
  receive<T>(schema: z.ZodType<T>): Promise<T>
  refuse(reason: string): Promise<void>
}

interface Verified {
  peerId: string
  sessionKey: Buffer
}

async function asClient(io: HandshakeIo, options: AuthOptions): Promise<Verified> {
  const clientNonce = (options.randomBytes ?? randomBytes)(32)
  try {
    await io.send({ type: 'auth-hello', v: 1, id: options.selfId, nonce: clientNonce.toString('base64') })
    const challenge = await io.receive(challengeSchema)
    if (options.expectedPeerId !== undefined && challenge.id !== options.expectedPeerId) {
      await io.refuse('unexpected-peer')
      throw new UnauthorizedError(`Expected machine ${options.expectedPeerId} but ${challenge.id} answered.`)
    }
    const key = options.peersStore.pairingKey(challenge.id)
    if (!key) {
      await io.refuse('not-paired')
      throw new UnauthorizedError(`Machine ${challenge.id} is not paired with this one.`, { hint: PAIR_AGAIN })
    }
    const data = transcript([AUTH_LABEL, options.selfId, challenge.id, clientNonce, Buffer.from(challenge.nonce, 'base64')])
    if (!macEquals(mac(key, 'server', data), challenge.mac)) {
      await io.refuse('bad-proof')
      throw new UnauthorizedError(`Machine ${challenge.id} could not prove it holds the pairing key.`, { hint: PAIR_AGAIN })
    }
    await io.send({ type: 'auth-response', mac: mac(key, 'client', data).toString('base64') })
    await io.receive(okSchema)
    return { peerId: challenge.id, sessionKey: sessionKeyFor(key, data) }
  } catch (error) {
    if (error instanceof PeerRefusal) throw new UnauthorizedError(refusalMessage(error.reason), { hint: PAIR_AGAIN })
    throw error
  }
}

async function asServer(io: HandshakeIo, options: AuthOptions): Promise<Verified> {
  try {
    const hello = await io.receive(helloSchema)
    const key = hello.id === options.selfId ? undefined : options.peersStore.pairingKey(hello.id)
    if (!key) {
      await io.refuse('not-paired')
      throw new UnauthorizedError(`Machine ${hello.id} tried to connect but is not paired with this one.`)
    }
    const serverNonce = (options.randomBytes ?? randomBytes)(32)
    const data = transcript([AUTH_LABEL, hello.id, options.selfId, Buffer.from(hello.nonce, 'base64'), serverNonce])
    await io.send({ type: 'auth-challenge', id: options.selfId, nonce: serverNonce.toString('base64'), mac: mac(key, 'server', data).toString('base64') })
    const response = await io.receive(responseSchema)
    if (!macEquals(mac(key, 'client', data), response.mac)) {
      await io.refuse('bad-proof')
      throw new UnauthorizedError(`Machine ${hello.id} could not prove it holds the pairing key.`, { hint: PAIR_AGAIN })
    }
    await io.send({ type: 'auth-ok' })
    return { peerId: hello.id, sessionKey: sessionKeyFor(key, data) }
  } catch (error) {
    if (error instanceof PeerRefusal) throw new UnauthorizedError(refusalMessage(error.reason))
    throw error
  }
}

/** Mutual challenge–response for the connecting side. Throws UnauthorizedError (E_UNAUTHORIZED) and closes the channel. */
export async function authenticate(channel: TransportChannel, options: AuthOptions): Promise<AuthenticatedPeer> {
  const io = new HandshakeChannel(channel, options.timeoutMs)
  try {
    return { ...(await asClient(io, options)), channel: io.rest() }
  } catch (error) {
    io.close()
    throw error
  }
}

/** The accepting side of `authenticate`. Throws UnauthorizedError (E_UNAUTHORIZED) and closes the channel. */
export async function authenticateAsServer(channel: TransportChannel, options: AuthOptions): Promise<AuthenticatedPeer> {
  const io = new HandshakeChannel(channel, options.timeoutMs)
  try {
    return { ...(await asServer(io, options)), channel: io.rest() }
  } catch (error) {
    io.close()
    throw error
  }
}

/** A protocol that frames its own messages and lets a hook exchange free-form ones (e.g. model transfer). */
export interface MessageLink {
  send(payload: Record<string, unknown>): Promise<void>
  receive(): Promise<Record<string, unknown>>
}

/**
 * The same handshake as a hook for such a protocol: the connecting side (`sender`) is the client.
 * Resolves with the authenticated peer id; throws UnauthorizedError. The host protocol owns the channel.
 */
export function peerAuthHook(options: Omit<AuthOptions, 'timeoutMs'>): (link: MessageLink, context: { side: 'sender' | 'receiver' }) => Promise<string> {
  return async (link, context) => {
    const io: HandshakeIo = {
      send: (message) => link.send(message),
      receive: async (schema) => checkMessage(await link.receive(), schema),
      refuse: async (reason) => {
        await link.send({ type: 'error', reason }).catch(() => undefined)
      },
    }
    const verified = context.side === 'sender' ? await asClient(io, options) : await asServer(io, options)
    return verified.peerId
  }
}
