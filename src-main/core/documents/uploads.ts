import { createHash } from 'node:crypto'
import { ValidationError } from '../errors'
import { checkDocumentSize, extractDocument, type ExtractedDocument } from './extract'
import { MAX_DOCUMENT_BYTES } from './kinds'

export interface UploadChunk {
  upload: string
  name: string
  mime: string
  size: number
  offset: number
  /** Base64. */
  data: string
  last: boolean
}

/** A document read and waiting to be sent with a message. */
export interface StagedFile {
  sha256: string
  name: string
  mime: string
  bytes: Uint8Array
  document: ExtractedDocument
}

interface Open {
  name: string
  mime: string
  size: number
  parts: Buffer[]
  received: number
}

export interface DocumentUploadsOptions {
  maxBytes?: number
  /** Files half-sent at once; the oldest is dropped for a new one beyond this. */
  maxOpen?: number
  /** Bytes of staged files kept for sending; the oldest are forgotten beyond this. */
  maxStagedBytes?: number
}

/**
 * Documents arriving in chunks (a file can be far larger than one wire message), read once the
 * last chunk is in, and kept by hash until a message takes them. Bad files are refused with the
 * document reader's own messages; the limit is checked on the first chunk, before any bytes pile up.
 */
export class DocumentUploads {
  private readonly open = new Map<string, Open>()
  private readonly staged = new Map<string, StagedFile>()
  private readonly maxBytes: number
  private readonly maxOpen: number
  private readonly maxStagedBytes: number

  constructor(options: DocumentUploadsOptions = {}) {
    this.maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES
    this.maxOpen = options.maxOpen ?? 8
    this.maxStagedBytes = options.maxStagedBytes ?? 4 * MAX_DOCUMENT_BYTES
  }

  /** Takes one chunk; after the last, reads the file and returns it staged. */
  async receive(chunk: UploadChunk): Promise<{ done: false; received: number } | { done: true; file: StagedFile }> {
    checkDocumentSize(chunk.name, chunk.size, this.maxBytes)
    const entry = this.entryFor(chunk)
    const bytes = Buffer.from(chunk.data, 'base64')
    if (entry.received + bytes.byteLength > entry.size) {
      this.open.delete(chunk.upload)
      throw new ValidationError(`${chunk.name} sent more bytes than its declared size (${entry.size}).`, [{ path: 'data', message: 'past the declared size' }])
    }
    entry.parts.push(bytes)
    entry.received += bytes.byteLength
    if (!chunk.last) return { done: false, received: entry.received }
    this.open.delete(chunk.upload)
    if (entry.received !== entry.size) {
      throw new ValidationError(`${chunk.name} ended after ${entry.received} of its ${entry.size} bytes; attach it again.`, [{ path: 'last', message: 'the file is incomplete' }])
    }
    const data = new Uint8Array(Buffer.concat(entry.parts))
    const document = await extractDocument({ name: entry.name, mime: entry.mime, data }, { maxBytes: this.maxBytes })
    const file: StagedFile = { sha256: createHash('sha256').update(data).digest('hex'), name: entry.name, mime: entry.mime, bytes: data, document }
    this.keep(file)
    return { done: true, file }
  }

  /** A staged file by its hash, or undefined when it was never staged or has been forgotten. */
  get(sha256: string): StagedFile | undefined {
    return this.staged.get(sha256)
  }

  private entryFor(chunk: UploadChunk): Open {
    const known = this.open.get(chunk.upload)
    if (chunk.offset === 0) {
      if (known) this.open.delete(chunk.upload)
      if (this.open.size >= this.maxOpen) this.open.delete(this.open.keys().next().value as string)
      const entry: Open = { name: chunk.name, mime: chunk.mime, size: chunk.size, parts: [], received: 0 }
      this.open.set(chunk.upload, entry)
      return entry
    }
    if (!known) throw new ValidationError(`${chunk.name}: this upload was not started (or was dropped); attach the file again.`, [{ path: 'upload', message: 'unknown upload' }])
    if (chunk.offset !== known.received || chunk.size !== known.size || chunk.name !== known.name) {
      this.open.delete(chunk.upload)
      throw new ValidationError(`${chunk.name}: a chunk arrived out of order (at byte ${chunk.offset}, expected ${known.received}); attach the file again.`, [{ path: 'offset', message: 'out of order' }])
    }
    return known
  }

  private keep(file: StagedFile): void {
    this.staged.delete(file.sha256)
    this.staged.set(file.sha256, file)
    let total = 0
    for (const staged of this.staged.values()) total += staged.bytes.byteLength
    for (const [sha, staged] of this.staged) {
      if (total <= this.maxStagedBytes || sha === file.sha256) break
      this.staged.delete(sha)
      total -= staged.bytes.byteLength
    }
  }
}
