import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { errorCodes, type ErrorCode } from '../../../../src-shared/contract'
import { AppError, CancelledError, NetworkError } from '../../errors'
import type { TransportChannel } from '../../rdma'
import { ByteReader } from '../byte-reader'

/**
 * The model-transfer wire protocol. Every frame is `[kind u8][length u32 BE][payload]`: kind 1 is
 * a JSON control message, kind 2 raw blob bytes. A session, sender → receiver:
 *
 *   HELLO ⇄ HELLO, then the optional authenticate hook (its own `auth` messages)
 *   OFFER {model, manifest text, blobs}            → WANT {offsets: bytes the receiver already has}
 *   per wanted blob: BLOB {digest, offset}, DATA…, BLOB_DONE → ACK, or NACK (resend from 0, once)
 *   COMMIT                                          → DONE (the manifest is in place)
 *
 * Either side may send ERROR {code, message} and close.
 */

export const PROTOCOL_VERSION = 1
export const DATA_CHUNK_BYTES = 1 << 20
const MAX_CONTROL_BYTES = 1 << 20
const MAX_DATA_BYTES = 16 << 20
const HEADER_BYTES = 5
const KIND_CONTROL = 1
const KIND_DATA = 2

const Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/)
const Size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

const MessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), protocol: z.number().int(), peerId: z.string().max(200), nonce: z.string().max(200), role: z.enum(['sender', 'receiver']) }),
  z.object({ t: z.literal('auth'), payload: z.record(z.string(), z.unknown()) }),
  z.object({ t: z.literal('offer'), model: z.string().max(500), manifest: z.string().max(MAX_CONTROL_BYTES / 2), blobs: z.array(z.object({ digest: Digest, size: Size })).max(1000) }),
  z.object({ t: z.literal('want'), offsets: z.array(Size) }),
  z.object({ t: z.literal('blob'), digest: Digest, offset: Size }),
  z.object({ t: z.literal('blob-done'), digest: Digest }),
  z.object({ t: z.literal('ack'), digest: Digest }),
  z.object({ t: z.literal('nack'), digest: Digest }),
  z.object({ t: z.literal('commit') }),
  z.object({ t: z.literal('done') }),
  z.object({ t: z.literal('error'), code: z.string().max(50), message: z.string().max(2000) }),
])

export type Message = z.infer<typeof MessageSchema>
export type MessageOf<T extends Message['t']> = Extract<Message, { t: T }>
export type Hello = MessageOf<'hello'>
export type Frame = { kind: 'control'; message: Message } | { kind: 'data'; bytes: Buffer }

/** The peer sent something this protocol does not allow. */
export class TransferProtocolError extends AppError {
  constructor(remote: string, detail: string) {
    super('E_BAD_RESPONSE', `The peer ${remote} broke the model-transfer protocol (${detail}).`, {
      hint: 'Both machines may run different Ollama Desk versions; update both.',
    })
  }
}

/** The peer reported its own failure and closed. */
export class PeerError extends AppError {
  constructor(remote: string, code: string, message: string) {
    const known = (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'E_NETWORK'
    super(known, `The peer ${remote} stopped the transfer: ${message}`)
  }
}

/** The connection dropped mid-transfer; what arrived is kept on the receiver. */
export class ConnectionLostError extends NetworkError {
  constructor(remote: string, options: { cause?: unknown } = {}) {
    super(`The connection to ${remote} closed during the model transfer.`, {
      ...options,
      hint: 'Send again: the blobs that arrived are kept and the transfer resumes where it stopped.',
    })
  }
}

/** A blob's bytes did not match its digest even after one full re-send. */
export class BlobIntegrityError extends AppError {
  constructor(digest: string) {
    super('E_IO', `Blob ${digest.slice(0, 19)}… arrived corrupted twice (its sha256 does not match).`, {
      retryable: true,
      hint: 'The sender’s copy may be damaged: run `ollama pull` for the model on the sending machine, then send again.',
    })
  }
}

export const CANCELLED_MESSAGE = 'The model transfer was cancelled; send again to resume.'

/** Control and data frames over one channel; reads are pulled, so a slow disk slows the peer. */
export class FramedChannel {
  private readonly reader: ByteReader

  constructor(readonly channel: TransportChannel) {
    this.reader = new ByteReader(channel)
  }

  get remote(): string {
    return this.channel.remote
  }

  async send(message: Message): Promise<void> {
    const json = Buffer.from(JSON.stringify(message), 'utf8')
    const frame = Buffer.allocUnsafe(HEADER_BYTES + json.length)
    frame.writeUInt8(KIND_CONTROL, 0)
    frame.writeUInt32BE(json.length, 1)
    json.copy(frame, HEADER_BYTES)
    await this.channel.write(frame)
  }

  /** A buffer with room for the frame header; fill `bytes` (past the header) then `sendData`. */
  static allocData(length: number): { frame: Buffer; bytes: Buffer } {
    const frame = Buffer.allocUnsafe(HEADER_BYTES + length)
    return { frame, bytes: frame.subarray(HEADER_BYTES) }
  }

  /** Sends the first `length` bytes of an `allocData` buffer's payload. */
  async sendData(frame: Buffer, length: number): Promise<void> {
    frame.writeUInt8(KIND_DATA, 0)
    frame.writeUInt32BE(length, 1)
    await this.channel.write(frame.subarray(0, HEADER_BYTES + length))
  }

  /** The next frame, or null when the peer closed cleanly between frames. */
  async read(): Promise<Frame | null> {
    if (!(await this.reader.fill(HEADER_BYTES))) {
      if (this.reader.size === 0) return null
      throw new ConnectionLostError(this.remote)
    }
    const header = this.reader.take(HEADER_BYTES)
    const kind = header.readUInt8(0)
    const length = header.readUInt32BE(1)
    if (kind !== KIND_CONTROL && kind !== KIND_DATA) throw new TransferProtocolError(this.remote, `unknown frame kind ${kind}`)
    if (length > (kind === KIND_CONTROL ? MAX_CONTROL_BYTES : MAX_DATA_BYTES)) throw new TransferProtocolError(this.remote, `a ${length}-byte frame`)
    if (!(await this.reader.fill(length))) throw new ConnectionLostError(this.remote)
    const payload = this.reader.take(length)
    if (kind === KIND_DATA) return { kind: 'data', bytes: payload }
    let json: unknown
    try {
      json = JSON.parse(payload.toString('utf8'))
    } catch {
      throw new TransferProtocolError(this.remote, 'a control frame that is not JSON')
    }
    const parsed = MessageSchema.safeParse(json)
    if (!parsed.success) throw new TransferProtocolError(this.remote, `an invalid "${String((json as { t?: unknown } | null)?.t).slice(0, 20)}" message`)
    return { kind: 'control', message: parsed.data }
  }

  /** The next control message, which must be one of `types`; a peer ERROR becomes a PeerError. */
  async expect<T extends Message['t']>(...types: T[]): Promise<MessageOf<T>> {
    const frame = await this.read()
    if (frame === null) throw new ConnectionLostError(this.remote)
    if (frame.kind === 'data') throw new TransferProtocolError(this.remote, `data where ${types.join('/')} was expected`)
    const message = frame.message
    if (message.t === 'error' && !types.includes('error' as T)) throw new PeerError(this.remote, message.code, message.message)
    if (!types.includes(message.t as T)) throw new TransferProtocolError(this.remote, `"${message.t}" where ${types.join('/')} was expected`)
    return message as MessageOf<T>
  }
}

/** What the authenticate hook may exchange: free-form `auth` messages on the same channel. */
export interface AuthLink {
  readonly remote: string
  send(payload: Record<string, unknown>): Promise<void>
  receive(): Promise<Record<string, unknown>>
}

/**
 * Runs on both sides right after HELLO (nonces included, so a pairing HMAC can bind to this
 * session). Throw an AppError to refuse the peer; the default accepts everyone.
 */
export type Authenticate = (link: AuthLink, context: { side: 'sender' | 'receiver'; local: Hello; remote: Hello }) => Promise<void>

interface HandshakeOptions {
  role: 'sender' | 'receiver'
  peerId: string
  nonce: string
  authenticate?: Authenticate
}

/** HELLO both ways, then the authenticate hook; returns the peer's HELLO. */
async function handshake(framed: FramedChannel, options: HandshakeOptions): Promise<Hello> {
  const local: Hello = { t: 'hello', protocol: PROTOCOL_VERSION, peerId: options.peerId, nonce: options.nonce, role: options.role }
  await framed.send(local)
  const remote = await framed.expect('hello')
  if (remote.protocol !== PROTOCOL_VERSION) throw new TransferProtocolError(framed.remote, `protocol version ${remote.protocol}, this side speaks ${PROTOCOL_VERSION}`)
  if (remote.role === options.role) throw new TransferProtocolError(framed.remote, `both sides are ${options.role}s`)
  if (options.authenticate) {
    const link: AuthLink = {
      remote: framed.remote,
      send: (payload) => framed.send({ t: 'auth', payload }),
      receive: async () => (await framed.expect('auth')).payload,
    }
    await options.authenticate(link, { side: options.role, local, remote })
  }
  return remote
}

/** What both sides of a session take: how to name and prove themselves, when to stop, where progress goes. */
export interface SessionOptions extends ProgressOptions {
  signal?: AbortSignal
  authenticate?: Authenticate
  /** How this instance names itself in HELLO (default `ollama-desk`). */
  peerId?: string
  /** Fresh per session; pairing HMACs bind to it. */
  nonce?: () => string
}

const defaultNonce = () => randomBytes(16).toString('base64url')

/**
 * Runs one side of a session on `channel`: the handshake, then `steps`, then the channel is ended.
 * The channel closes at once when the signal aborts; on any failure the peer is told why (best
 * effort), the channel is destroyed and the failure is thrown as the AppError to report.
 */
export async function runSession<T>(
  channel: TransportChannel,
  role: HandshakeOptions['role'],
  options: SessionOptions,
  steps: (framed: FramedChannel, session: { peer: Hello; nonce: string }) => Promise<T>,
): Promise<T> {
  const framed = new FramedChannel(channel)
  const stopWatching = closeOnAbort(options.signal, channel)
  try {
    const nonce = (options.nonce ?? defaultNonce)()
    const peer = await handshake(framed, { role, peerId: options.peerId ?? 'ollama-desk', nonce, authenticate: options.authenticate })
    const result = await steps(framed, { peer, nonce })
    await channel.end()
    return result
  } catch (error) {
    const failure = transferError(error, options.signal, framed.remote)
    await abandon(framed, failure)
    throw failure
  } finally {
    stopWatching()
  }
}

/** Tells the peer why this side stops (best effort) and closes the channel. */
async function abandon(framed: FramedChannel, error: AppError): Promise<void> {
  if (!(error instanceof ConnectionLostError) && !(error instanceof PeerError) && !(error instanceof CancelledError)) {
    // A peer that stopped reading must not hold this side open: give the ERROR frame a second.
    let timer: NodeJS.Timeout | undefined
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)))
    await Promise.race([framed.send({ t: 'error', code: error.code, message: error.message }).catch(() => undefined), giveUp])
    clearTimeout(timer)
  }
  framed.channel.destroy()
}

/** Any failure as the AppError to report: cancel wins, then our own errors, then a lost link. */
function transferError(error: unknown, signal: AbortSignal | undefined, remote: string): AppError {
  if (signal?.aborted) return new CancelledError(CANCELLED_MESSAGE)
  if (error instanceof AppError) return error
  return new ConnectionLostError(remote, { cause: error })
}

/** Destroys the channel when the signal fires, so pending reads and writes end at once. */
function closeOnAbort(signal: AbortSignal | undefined, channel: TransportChannel): () => void {
  if (!signal) return () => undefined
  const onAbort = () => channel.destroy()
  if (signal.aborted) onAbort()
  signal.addEventListener('abort', onAbort, { once: true })
  return () => signal.removeEventListener('abort', onAbort)
}

export interface TransferProgress {
  model: string
  /** The blob moving now; null before the first and after the last. */
  digest: string | null
  blobDone: number
  blobSize: number
  /** Bytes the receiver has of the whole model, counting what it already had. */
  bytesDone: number
  bytesTotal: number
  /** Bytes moved over the wire in this session (blob payload only). */
  bytesTransferred: number
  bytesPerSecond: number
}

/** How a session reports progress; both sides' options carry these. */
export interface ProgressOptions {
  onProgress?: (progress: TransferProgress) => void
  now?: () => number
  /** Least time between progress events (the last byte of a blob always reports); default 100. */
  progressIntervalMs?: number
}

/** Turns byte counts into throttled progress events with a rate. */
export class ProgressMeter {
  private transferred = 0
  private done = 0
  private lastEmit = Number.NEGATIVE_INFINITY
  private readonly startedAt: number
  private readonly onProgress: ((progress: TransferProgress) => void) | undefined
  private readonly now: () => number
  private readonly intervalMs: number

  constructor(
    private readonly model: string,
    private readonly total: number,
    options: ProgressOptions,
  ) {
    this.onProgress = options.onProgress
    this.now = options.now ?? Date.now
    this.intervalMs = options.progressIntervalMs ?? 100
    this.startedAt = this.now()
  }

  /** Bytes the receiver had before this session. */
  alreadyHad(bytes: number): void {
    this.done += bytes
  }

  /** A blob restarted from 0 after a NACK: what it had counted no longer counts. */
  rewind(bytes: number): void {
    this.done -= bytes
  }

  moved(digest: string, blobDone: number, blobSize: number, bytes: number): void {
    this.transferred += bytes
    this.done += bytes
    this.emit(digest, blobDone, blobSize, blobDone === blobSize)
  }

  /** The last event of a session that succeeded, always sent. */
  finish(): void {
    this.emit(null, 0, 0, true)
  }

  private emit(digest: string | null, blobDone: number, blobSize: number, force: boolean): void {
    if (!this.onProgress) return
    const at = this.now()
    if (!force && at - this.lastEmit < this.intervalMs) return
    this.lastEmit = at
    const seconds = (at - this.startedAt) / 1000
    this.onProgress({
      model: this.model,
      digest,
      blobDone,
      blobSize,
      bytesDone: this.done,
      bytesTotal: this.total,
      bytesTransferred: this.transferred,
      bytesPerSecond: seconds > 0 ? Math.round(this.transferred / seconds) : 0,
    })
  }
}
