import fs from 'node:fs'
import path from 'node:path'
import { AppError, CancelledError, toAppError } from '../errors'
import { DocumentError, docxText, documentKind, htmlText, pdfPages, type DocumentKind } from '../documents'
import { readUserFile } from '../paths'
import type { ChunkInput, KnowledgeBase, KnowledgeFile } from './base'
import { chunkText, type ChunkOptions } from './chunker'
import type { JobControl } from './control'
import { embeddingText, type Embedder } from './embedder'
import { hashFile, textSegments } from './read-pieces'

/** PDF and DOCX are parsed whole: files above this are refused with a message naming the limit. */
export const DEFAULT_WHOLE_FILE_CAP = 200 * 1024 * 1024
/** Text is read and chunked this many characters at a time, whatever the file's size. */
const SEGMENT_CHARS = 256 * 1024
const EMBED_BATCH = 64

export interface IngestProgress {
  source: string
  /** Files found so far (the walk goes on while files are read). */
  found: number
  done: number
  unchanged: number
  failed: number
  removed: number
  chunks: number
  embedded: number
  current: string | null
}

export interface IngestOptions {
  embedder: Embedder | null
  control: JobControl
  onProgress?: (progress: IngestProgress) => void
  wholeFileCapBytes?: number
  chunking?: ChunkOptions
}

export interface IngestResult extends IngestProgress {
  errors: { file: string; message: string }[]
}

const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__'])

/** Regular files under a folder (symlinked folders are not followed: no loops), hidden ones left out. */
async function* walk(folder: string): AsyncGenerator<string> {
  let entries: fs.Dirent[]
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true })
  } catch {
    return
  }
  entries.sort((a, b) => a.name.localeCompare(b.name))
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    const full = path.join(folder, entry.name)
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) yield* walk(full)
    } else if (entry.isFile()) {
      yield full
    } else if (entry.isSymbolicLink()) {
      const stat = await fs.promises.stat(full).catch(() => null)
      if (stat?.isFile()) yield full
    }
  }
}

/** The kind a knowledge base reads a file as, or undefined for files it leaves alone (pictures, archives…). */
export function knowledgeKind(file: string): Exclude<DocumentKind, 'image'> | undefined {
  const kind = documentKind(path.basename(file), '')
  return kind === 'image' ? undefined : kind
}

async function embedAll(chunks: readonly ChunkInput[], options: IngestOptions, progress: IngestProgress): Promise<Float32Array[] | null> {
  if (!options.embedder) return null
  const vectors: Float32Array[] = []
  for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
    await options.control.checkpoint()
    const batch = chunks.slice(i, i + EMBED_BATCH)
    const embedded = await options.embedder.embed(batch.map(embeddingText), options.control.abort.signal)
    if (embedded.length !== batch.length) throw new AppError('E_BAD_RESPONSE', `The embedding model returned ${embedded.length} vectors for ${batch.length} passages.`)
    vectors.push(...embedded)
    progress.embedded += batch.length
  }
  return vectors
}

function tooLargeToParse(file: string, kind: string, cap: number): DocumentError {
  const mb = Math.round(cap / 1024 / 1024)
  return new DocumentError('too-large', `${path.basename(file)} is over the ${mb} MB limit for ${kind.toUpperCase()} files, which are read whole.`, `Split it, or raise the limit for PDF and DOCX files in the knowledge base's settings.`)
}

/** The chunks of a PDF (by page) or a DOCX, read whole under the cap. */
async function wholeFileChunks(file: string, kind: 'pdf' | 'docx', options: IngestOptions): Promise<ChunkInput[]> {
  const cap = options.wholeFileCapBytes ?? DEFAULT_WHOLE_FILE_CAP
  const name = path.basename(file)
  const data = await readUserFile(file, { maxBytes: cap, what: 'The document' }).catch((error: unknown) => {
    throw toAppError(error).code === 'E_PAYLOAD_TOO_LARGE' ? tooLargeToParse(file, kind, cap) : error
  })
  if (data.byteLength === 0) throw new DocumentError('empty', `${name} is empty (0 bytes).`)
  if (kind === 'docx') {
    const text = await docxText(name, data)
    if (text.trim() === '') throw new DocumentError('empty', `${name} has no text in it.`)
    return chunkText(text, 'prose', options.chunking)
  }
  const pages = await pdfPages(name, data)
  const chunks = pages.flatMap((text, i) => chunkText(text, 'prose', { ...options.chunking, page: i + 1 }))
  if (chunks.length === 0) throw new DocumentError('no-text', `${name} has no text layer (it may be scanned pictures of pages), so there is nothing to read.`, 'Run it through OCR first.')
  return chunks
}

/** Reads, chunks and embeds one file, replacing what the base had for it in one transaction. */
async function indexFile(kb: KnowledgeBase, file: string, kind: Exclude<DocumentKind, 'image'>, sha256: string, options: IngestOptions, progress: IngestProgress): Promise<void> {
  let chunks: ChunkInput[] = []
  if (kind === 'pdf' || kind === 'docx') {
    chunks = await wholeFileChunks(file, kind, options)
  } else {
    for await (const segment of textSegments(file, path.basename(file), SEGMENT_CHARS, options.control.abort.signal)) {
      await options.control.checkpoint()
      const text = kind === 'html' ? htmlText(segment.text) : segment.text
      chunks.push(...chunkText(text, kind, { ...options.chunking, firstLine: kind === 'html' ? 1 : segment.firstLine }))
    }
    if (chunks.length === 0) throw new DocumentError('empty', `${path.basename(file)} has no text in it.`)
  }
  const vectors = await embedAll(chunks, options, progress)
  await options.control.checkpoint()
  kb.recordFile(file, { sha256, chunks, vectors })
  progress.chunks += chunks.length
}

/** One file of a sync: skipped when unchanged, else hashed, and read and embedded when its content changed. */
async function syncFile(
  kb: KnowledgeBase, source: string, file: string, kind: Exclude<DocumentKind, 'image'>, before: KnowledgeFile | undefined,
  options: IngestOptions, progress: IngestProgress, errors: IngestResult['errors'],
): Promise<void> {
  const stat = await fs.promises.stat(file).catch(() => null)
  if (!stat) return
  const mtime = Math.trunc(stat.mtimeMs)
  const complete = (): boolean => !options.embedder || kb.vectorsMissing(file) === 0
  if (before?.status === 'indexed' && before.size === stat.size && before.mtime === mtime && complete()) {
    progress.unchanged++
    return
  }
  kb.markPending(source, file, { kind, size: stat.size, mtime })
  try {
    const sha256 = await hashFile(file, options.control.abort.signal)
    if (before?.sha256 === sha256 && before.status === 'indexed' && complete()) {
      kb.markUnchanged(file)
      progress.unchanged++
    } else {
      await indexFile(kb, file, kind, sha256, options, progress)
    }
  } catch (error) {
    if (error instanceof CancelledError || options.control.state === 'cancelled') throw new CancelledError('Indexing was cancelled.')
    const appError = toAppError(error)
    // The model or the network failing is not this file's fault: stop, and keep it pending for the next sync.
    if (!(appError instanceof DocumentError) && !FILE_PROBLEMS.has(appError.code)) throw appError
    kb.failFile(file, appError.message)
    errors.push({ file, message: appError.message })
    progress.failed++
  }
}

const FILE_PROBLEMS = new Set(['E_VALIDATION', 'E_NOT_FOUND', 'E_PAYLOAD_TOO_LARGE', 'E_IO'])

/**
 * Brings a base up to date with one of its sources: new and changed files are read, chunked and
 * embedded; files whose size and time did not change are skipped without reading them, and files
 * whose content hash did not change are not embedded again; files that are gone leave the base.
 * Each file ends in `indexed` or `error` with its own message. A cancel stops between two files
 * or two batches: files not reached stay `pending` and the next sync picks them up.
 */
export async function syncSource(kb: KnowledgeBase, source: string, options: IngestOptions): Promise<IngestResult> {
  const progress: IngestProgress = { source, found: 0, done: 0, unchanged: 0, failed: 0, removed: 0, chunks: 0, embedded: 0, current: null }
  const errors: IngestResult['errors'] = []
  const report = (): void => options.onProgress?.({ ...progress })
  const known = new Map(kb.files(source).map((file) => [file.path, file]))
  const seen = new Set<string>()
  const sourceStat = await fs.promises.stat(source).catch(() => null)
  const files = sourceStat?.isDirectory() ? walk(source) : (async function* () { if (sourceStat?.isFile()) yield source })()
  for await (const file of files) {
    const kind = knowledgeKind(file)
    if (!kind) continue
    seen.add(file)
    progress.found++
    progress.current = file
    report()
    await options.control.checkpoint()
    await syncFile(kb, source, file, kind, known.get(file), options, progress, errors)
    progress.done++
    report()
  }
  for (const gone of known.keys()) {
    if (seen.has(gone)) continue
    kb.removeFile(gone)
    progress.removed++
  }
  progress.current = null
  report()
  return { ...progress, errors }
}
