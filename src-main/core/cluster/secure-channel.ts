import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto'
import { AppError } from '../errors'
import type { TransportChannel } from '../rdma'
import { ByteReader } from './byte-reader'
import { gcmNonce, TAG_LEN } from './noise'

/*
 * The record layer every paired-peer connection runs in after the Noise handshake. A record is
 * `[length u32 BE][AES-256-GCM ciphertext + tag]`; its plaintext is `[type u8][bytes]`, type 0 data,
 * 1 the sender's end. Each direction has its own key (HKDF from the Noise split key, the handshake
 * hash as salt, the purpose and direction as info) and its own counter as the nonce, so a record
 * that is altered, replayed, reordered, dropped or taken from another connection or purpose does
 * not open; a stream cut before the end record is a truncation. Any of these closes the connection.
 */

export const MAX_RECORD_PLAINTEXT = (1 << 20) + 1024
const HEADER = 4
const TYPE_DATA = 0
const TYPE_END = 1

export type ChannelFault = 'tampered' | 'truncated' | 'oversized'

/** A record that does not open or a stream cut short: someone between the machines interfered. */
export class ChannelIntegrityError extends AppError {
  constructor(readonly fault: ChannelFault, remote: string) {
    const what = fault === 'tampered' ? 'a record that was altered, replayed or reordered' : fault === 'truncated' ? 'a connection cut before its end' : 'an oversized record'
    super('E_BAD_RESPONSE', `The encrypted connection with ${remote} saw ${what}; it was closed.`, {
      retryable: true,
      hint: 'Something between the two machines interfered with the connection. Try again; if it keeps happening, check the network.',
    })
  }
}

export interface DirectionKeys {
  send: Buffer
  receive: Buffer
}

/** Sub-keys for one purpose: `side` is who this end is (the connecting client or the server). */
export function purposeKeys(split: { initiatorToResponder: Buffer; responderToInitiator: Buffer; handshakeHash: Buffer }, purpose: string, side: 'client' | 'server'): DirectionKeys {
  const derive = (key: Buffer, direction: string) => Buffer.from(hkdfSync('sha256', key, split.handshakeHash, `ollama-desk/cluster/v2/${purpose}/${direction}`, 32))
  const c2s = derive(split.initiatorToResponder, 'client-to-server')
  const s2c = derive(split.responderToInitiator, 'server-to-client')
  return side === 'client' ? { send: c2s, receive: s2c } : { send: s2c, receive: c2s }
}

/** Wraps a transport channel (already past the handshake) in the record layer. */
export class SecureChannel implements TransportChannel {
  private sendCounter = 0n
  private receiveCounter = 0n
  private readonly reader: ByteReader
  private finished = false
  /** Opened plaintext not yet handed out (one record's pieces). */
  private opened: Buffer[] = []

  constructor(
    private readonly inner: TransportChannel,
    private readonly keys: DirectionKeys,
  ) {
    this.reader = new ByteReader(inner, { failureEnds: true })
  }

  get remote(): string {
    return this.inner.remote
  }

  async write(chunk: Uint8Array): Promise<void> {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    for (let at = 0; at < data.length; at += MAX_RECORD_PLAINTEXT - 1) {
      await this.writeRecord(TYPE_DATA, data.subarray(at, at + MAX_RECORD_PLAINTEXT - 1))
    }
  }

  async end(): Promise<void> {
    await this.writeRecord(TYPE_END, Buffer.alloc(0))
    await this.inner.end()
  }

  destroy(error?: Error): void {
    this.inner.destroy(error)
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        for (;;) {
          const piece = this.opened.shift()
          if (piece) return { done: false, value: piece }
          if (this.finished) return { done: true, value: undefined }
          this.opened = (await this.readRecord()).filter((part) => part.length > 0)
        }
      },
      return: async () => {
        await this.reader.close()
        return { done: true, value: undefined }
      },
    }
  }

  /** Seals one record; header and type byte, body, and tag go out as three writes (no 1 MiB copy). */
  private async writeRecord(type: number, data: Buffer): Promise<void> {
    const cipher = createCipheriv('aes-256-gcm', this.keys.send, gcmNonce(this.sendCounter++))
    const first = cipher.update(Buffer.from([type]))
    const body = cipher.update(data)
    const last = cipher.final()
    const header = Buffer.allocUnsafe(HEADER)
    header.writeUInt32BE(first.length + body.length + last.length + TAG_LEN)
    const writes = [this.inner.write(Buffer.concat([header, first])), this.inner.write(body), this.inner.write(Buffer.concat([last, cipher.getAuthTag()]))]
    await Promise.all(writes)
  }

  /** The next record's plaintext pieces (its type byte removed); [] after the peer's end record. */
  private async readRecord(): Promise<Buffer[]> {
    if (!(await this.reader.fill(HEADER))) this.fail('truncated')
    const length = this.reader.take(HEADER).readUInt32BE(0)
    if (length > MAX_RECORD_PLAINTEXT + TAG_LEN || length < 1 + TAG_LEN) this.fail('oversized')
    if (!(await this.reader.fill(length))) this.fail('truncated')
    const decipher = createDecipheriv('aes-256-gcm', this.keys.receive, gcmNonce(this.receiveCounter++))
    // Decrypt the pieces as they lie in the buffer (no reassembly copy); nothing is released before the tag checks.
    const pieces: Buffer[] = []
    for (let left = length - TAG_LEN; left > 0; ) {
      const piece = this.reader.takeUpTo(left)
      pieces.push(decipher.update(piece))
      left -= piece.length
    }
    decipher.setAuthTag(this.reader.take(TAG_LEN))
    try {
      pieces.push(decipher.final())
    } catch {
      this.fail('tampered')
    }
    const first = pieces.find((piece) => piece.length > 0) as Buffer
    const type = first[0]
    if (type === TYPE_END) {
      this.finished = true
      return []
    }
    if (type !== TYPE_DATA) this.fail('tampered')
    pieces[pieces.indexOf(first)] = first.subarray(1)
    return pieces
  }

  private fail(fault: ChannelFault): never {
    const error = new ChannelIntegrityError(fault, this.remote)
    this.inner.destroy(error)
    throw error
  }
}
