import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto'
import { AppError } from '../errors'
import type { TransportChannel } from '../rdma'
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
  private readonly source: AsyncIterator<Uint8Array>
  private chunks: Buffer[] = []
  private buffered = 0
  private finished = false

  constructor(
    private readonly inner: TransportChannel,
    private readonly keys: DirectionKeys,
  ) {
    this.source = inner[Symbol.asyncIterator]()
  }

  get remote(): string {
    return this.inner.remote
  }

  async write(chunk: Uint8Array): Promise<void> {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    for (let at = 0; at < data.length; at += MAX_RECORD_PLAINTEXT - 1) {
      await this.inner.write(this.record(TYPE_DATA, data.subarray(at, at + MAX_RECORD_PLAINTEXT - 1)))
    }
  }

  async end(): Promise<void> {
    await this.inner.write(this.record(TYPE_END, Buffer.alloc(0)))
    await this.inner.end()
  }

  destroy(error?: Error): void {
    this.inner.destroy(error)
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        for (;;) {
          if (this.finished) return { done: true, value: undefined }
          const data = await this.readRecord()
          if (data === null) return { done: true, value: undefined }
          if (data.length > 0) return { done: false, value: data }
        }
      },
      return: async () => {
        await this.source.return?.()
        return { done: true, value: undefined }
      },
    }
  }

  private record(type: number, data: Buffer): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.keys.send, gcmNonce(this.sendCounter++))
    const first = cipher.update(Buffer.from([type]))
    const body = cipher.update(data)
    const last = cipher.final()
    const header = Buffer.allocUnsafe(HEADER)
    header.writeUInt32BE(first.length + body.length + last.length + TAG_LEN)
    return Buffer.concat([header, first, body, last, cipher.getAuthTag()])
  }

  /** The next record's data; null after the peer's end record. */
  private async readRecord(): Promise<Buffer | null> {
    if (!(await this.fill(HEADER))) {
      this.fail('truncated')
    }
    const length = this.take(HEADER).readUInt32BE(0)
    if (length > MAX_RECORD_PLAINTEXT + TAG_LEN || length < 1 + TAG_LEN) this.fail('oversized')
    if (!(await this.fill(length))) this.fail('truncated')
    const sealed = this.take(length)
    const decipher = createDecipheriv('aes-256-gcm', this.keys.receive, gcmNonce(this.receiveCounter++))
    decipher.setAuthTag(sealed.subarray(length - TAG_LEN))
    let plain: Buffer
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(0, length - TAG_LEN)), decipher.final()])
    } catch {
      this.fail('tampered')
    }
    const type = plain[0]
    if (type === TYPE_END) {
      this.finished = true
      return null
    }
    if (type !== TYPE_DATA) this.fail('tampered')
    return plain.subarray(1)
  }

  private fail(fault: ChannelFault): never {
    const error = new ChannelIntegrityError(fault, this.remote)
    this.inner.destroy(error)
    throw error
  }

  private async fill(length: number): Promise<boolean> {
    while (this.buffered < length) {
      let next: IteratorResult<Uint8Array>
      try {
        next = await this.source.next()
      } catch {
        return false
      }
      if (next.done) return false
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
      this.chunks.push(chunk)
      this.buffered += chunk.length
    }
    return true
  }

  private take(length: number): Buffer {
    const first = this.chunks[0]
    if (first && first.length >= length) {
      const out = first.subarray(0, length)
      if (first.length === length) this.chunks.shift()
      else this.chunks[0] = first.subarray(length)
      this.buffered -= length
      return out
    }
    const out = Buffer.allocUnsafe(length)
    let filled = 0
    while (filled < length) {
      const chunk = this.chunks[0] as Buffer
      const used = Math.min(chunk.length, length - filled)
      chunk.copy(out, filled, 0, used)
      filled += used
      if (used === chunk.length) this.chunks.shift()
      else this.chunks[0] = chunk.subarray(used)
    }
    this.buffered -= length
    return out
  }
}
