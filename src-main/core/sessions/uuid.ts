import { randomFillSync } from 'node:crypto'

const POOL_IDS = 256
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export type UuidV7Source = (atMs?: number) => string

/**
 * RFC 9562 UUIDv7: 48-bit millisecond timestamp, then a 12-bit counter (seeded at random each
 * millisecond) so ids made in the same millisecond still sort in creation order, then randomness.
 * Message ids sort by time, which keeps pagination and merges cheap. Random bytes are drawn
 * POOL_IDS ids at a time (one system call instead of one per id); the order guarantees come from
 * the timestamp and counter, never from the random bytes.
 */
export function createUuidV7(now: () => number = Date.now, random: (bytes: Uint8Array) => void = (b) => void randomFillSync(b)): UuidV7Source {
  let lastMs = -1
  let counter = 0
  const pool = new Uint8Array(16 * POOL_IDS)
  let used = POOL_IDS
  return (atMs?: number) => {
    if (used === POOL_IDS) {
      random(pool)
      used = 0
    }
    const bytes = pool.slice(used * 16, ++used * 16)
    let ms = Math.max(0, Math.floor(atMs ?? now()))
    // A clock that stepped back a little (or a borrowed millisecond) must not break the order;
    // times far in the past are imports of old conversations and keep their own timestamp.
    if (ms < lastMs && lastMs - ms < 10_000) ms = lastMs
    let count: number
    if (ms < lastMs) {
      count = ((bytes[6]! & 0x07) << 8) | bytes[7]! // an import's old time: leave the live sequence alone
    } else if (ms === lastMs) {
      counter++
      // 4096 ids in one millisecond: borrow the next millisecond rather than repeat.
      if (counter > 0xfff) {
        ms = lastMs + 1
        counter = (bytes[6]! & 0x07) << 8
      }
      count = counter
    } else {
      counter = ((bytes[6]! & 0x07) << 8) | bytes[7]! // start low so the counter has room to grow
      count = counter
    }
    lastMs = Math.max(lastMs, ms)
    let time = ms
    for (let i = 5; i >= 0; i--) {
      bytes[i] = time % 256
      time = Math.floor(time / 256)
    }
    bytes[6] = 0x70 | (count >> 8)
    bytes[7] = count & 0xff
    bytes[8] = 0x80 | (bytes[8]! & 0x3f)
    let hex = ''
    for (const byte of bytes) hex += HEX[byte]
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The millisecond timestamp inside a UUIDv7. */
export function uuidV7Time(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)
}
