/**
 * Bytes pulled from a channel as they are needed and handed out in exact lengths: the framing of
 * the transfer protocol and the records of the secure channel both read this way.
 */
export class ByteReader {
  private readonly source: AsyncIterator<Uint8Array>
  private readonly chunks: Buffer[] = []
  private buffered = 0
  /** A source that fails counts as ended (the caller reports it as a truncation) instead of throwing. */
  private readonly failureEnds: boolean

  constructor(source: AsyncIterable<Uint8Array>, options: { failureEnds?: boolean } = {}) {
    this.source = source[Symbol.asyncIterator]()
    this.failureEnds = options.failureEnds ?? false
  }

  /** Bytes read but not yet taken. */
  get size(): number {
    return this.buffered
  }

  /** Reads until `length` bytes are buffered; false when the source ended first. */
  async fill(length: number): Promise<boolean> {
    while (this.buffered < length) {
      let next: IteratorResult<Uint8Array>
      try {
        next = await this.source.next()
      } catch (error) {
        if (this.failureEnds) return false
        throw error
      }
      if (next.done) return false
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
      this.chunks.push(chunk)
      this.buffered += chunk.length
    }
    return true
  }

  /** Exactly `length` buffered bytes (fill first): a view when they lie in one chunk, else one copy. */
  take(length: number): Buffer {
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

  /** Up to `length` bytes from the front, without copying (at least one byte must be buffered). */
  takeUpTo(length: number): Buffer {
    const first = this.chunks[0] as Buffer
    if (first.length <= length) {
      this.chunks.shift()
      this.buffered -= first.length
      return first
    }
    this.chunks[0] = first.subarray(length)
    this.buffered -= length
    return first.subarray(0, length)
  }

  /** Stops the source (the channel under it learns nobody reads any more). */
  async close(): Promise<void> {
    await this.source.return?.()
  }
}
