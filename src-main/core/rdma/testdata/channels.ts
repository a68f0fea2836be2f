import { createHash } from 'node:crypto'
import type { TransportChannel, TransportListener } from '../transport'

/** What the transport tests compare on each side: how many bytes arrived and their SHA-256. */
export interface Drained {
  bytes: number
  sha256: string
}

export const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

/** Reads a channel to its end. */
export async function drain(channel: TransportChannel): Promise<Drained> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of channel) {
    hash.update(chunk)
    bytes += chunk.byteLength
  }
  return { bytes, sha256: hash.digest('hex') }
}

/** Writes `data` in pieces of random size (1 to `maxPiece` bytes), as a real sender might, then ends the channel. */
export async function sendInPieces(channel: TransportChannel, data: Uint8Array, maxPiece: number): Promise<void> {
  for (let offset = 0; offset < data.length; ) {
    const size = Math.min(data.length - offset, 1 + Math.floor(Math.random() * maxPiece))
    await channel.write(data.subarray(offset, offset + size))
    offset += size
  }
  await channel.end()
}

/** The first channel the listener accepts; an error if it closes before one arrives. */
export async function firstAccepted(listener: TransportListener): Promise<TransportChannel> {
  for await (const channel of listener.accept()) return channel
  throw new Error('listener closed before a connection arrived')
}
