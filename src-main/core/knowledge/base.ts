import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { AppError, IoError } from '../errors'
import { PRIVATE_FILE_MODE, makePrivateDir, makePrivateFile } from '../paths'
import { KB_APPLICATION_ID, ensureSchema } from './schema'
import { createVectorIndex, loadSqliteVec, type VectorHit, type VectorIndex, type VectorKind } from './vector-index'

/** The model that turns text into vectors for a base: a provider id (as in Settings) and a model name. */
export interface EmbeddingSpec {
  provider: string
  model: string
}

export interface KnowledgeSource {
  path: string
  kind: 'folder' | 'file'
  watch: boolean
  addedAt: number
}

export type FileStatus = 'pending' | 'indexed' | 'error'

export interface KnowledgeFile {
  path: string
  source: string
  kind: string
  size: number
  mtime: number
  sha256: string | null
  status: FileStatus
  error: string | null
  chunks: number
  indexedAt: number | null
}

/** One piece of a file, where it came from, and roughly how many tokens it costs. */
export interface ChunkInput {
  heading: string
  text: string
  page: number | null
  lineStart: number
  lineEnd: number
  tokens: number
}

/** Narrows a search to files under a folder and/or of some kinds. */
export interface KnowledgeFilters {
  folder?: string
  kinds?: readonly string[]
}

export interface Passage extends ChunkInput {
  chunk: number
  file: string
  kind: string
}

export interface KnowledgeBaseInfo {
  id: string
  name: string
  createdAt: number
  embedding: EmbeddingSpec | null
  vectors: VectorKind
  files: number
  chunks: number
  embedded: number
}

export interface OpenKnowledgeBaseOptions {
  /** Creates the file with this id and name when it does not exist yet. */
  create?: { id: string; name: string; embedding?: EmbeddingSpec }
  /** 'exact' turns sqlite-vec off even where it loads (tests, a user setting). */
  vectors?: VectorKind
  now?: () => number
}

type Row = Record<string, unknown>

/** The words of a question as an FTS5 query: each quoted (nothing read as syntax), any of them (OR), BM25 ranks. */
export function keywordQuery(text: string, maxTerms = 32): string | null {
  const terms = [...new Set((text.toLowerCase().match(/[\p{L}\p{N}\p{Co}\p{So}]+/gu) ?? []).filter((t) => t.length > 1 || /\p{N}/u.test(t)))].slice(0, maxTerms)
  return terms.length === 0 ? null : terms.map((t) => `"${t}"`).join(' OR ')
}

/** The SQL that narrows `files f` by the filters, with its parameters. */
function filterClause(filters: KnowledgeFilters): { sql: string; params: string[] } {
  const parts: string[] = []
  const params: string[] = []
  if (filters.folder) {
    const folder = filters.folder.endsWith(path.sep) ? filters.folder : filters.folder + path.sep
    parts.push('substr(f.path, 1, length(?)) = ?')
    params.push(folder, folder)
  }
  if (filters.kinds && filters.kinds.length > 0) {
    parts.push('f.kind IN (SELECT value FROM json_each(?))')
    params.push(JSON.stringify(filters.kinds))
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1', params }
}

const toFile = (row: Row): KnowledgeFile => ({
  path: row.path as string,
  source: row.source as string,
  kind: row.kind as string,
  size: Number(row.size),
  mtime: Number(row.mtime),
  sha256: (row.sha256 as string | null) ?? null,
  status: row.status as FileStatus,
  error: (row.error as string | null) ?? null,
  chunks: Number(row.chunks),
  indexedAt: row.indexed_at === null ? null : Number(row.indexed_at),
})

const FILE_COLUMNS = 'f.path, s.path AS source, f.kind, f.size, f.mtime, f.sha256, f.status, f.error, f.chunks, f.indexed_at'

/**
 * One knowledge base: its own SQLite file with sources, files, chunks (FTS5) and vectors. All calls
 * are synchronous: it lives on the knowledge worker's thread, like the session engine.
 */
export class KnowledgeBase {
  readonly file: string
  readonly vectors: VectorIndex
  private readonly db: DatabaseSync
  private readonly now: () => number

  private constructor(db: DatabaseSync, file: string, vectors: VectorIndex, now: () => number) {
    this.db = db
    this.file = file
    this.vectors = vectors
    this.now = now
  }

  static open(file: string, options: OpenKnowledgeBaseOptions = {}): KnowledgeBase {
    const exists = fs.existsSync(file)
    if (!exists && !options.create) throw new AppError('E_NOT_FOUND', `There is no knowledge base at ${file}.`)
    makePrivateDir(path.dirname(file))
    let db: DatabaseSync
    try {
      if (!exists) fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE))
      makePrivateFile(file)
      db = openWithExtensions(file)
    } catch (error) {
      throw new IoError(`Cannot open the knowledge base at ${file}.`, { cause: error, hint: 'Check that the data folder exists and is writable.' })
    }
    try {
      db.exec('PRAGMA busy_timeout = 5000')
      const appId = Number((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id)
      if (appId !== 0 && appId !== KB_APPLICATION_ID) throw new AppError('E_VALIDATION', `${file} is not an Ollama Desk knowledge base.`)
      db.exec('PRAGMA journal_mode = WAL')
      db.exec('PRAGMA synchronous = NORMAL')
      db.exec('PRAGMA foreign_keys = ON')
      const now = options.now ?? Date.now
      if (ensureSchema(db)) {
        if (!options.create) throw new AppError('E_VALIDATION', `${file} is not an Ollama Desk knowledge base.`)
        const set = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)')
        set.run('id', options.create.id)
        set.run('name', options.create.name)
        set.run('created_at', String(now()))
        set.run('generation', '1')
        if (options.create.embedding) set.run('embedding', JSON.stringify(options.create.embedding))
      }
      const loaded = options.vectors !== 'exact' && loadSqliteVec(db)
      return new KnowledgeBase(db, file, createVectorIndex(db, { sqliteVecLoaded: loaded, prefer: options.vectors }), now)
    } catch (error) {
      db.close()
      throw error
    }
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value
  }

  private setMeta(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key)
    else this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(key, value)
  }

  /** Runs fn in one IMMEDIATE transaction: it applies fully or not at all (a crash included). */
  tx<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn()
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = fn()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
      throw error
    }
  }

  /** The generation of vectors queries use (the current embedding model's). */
  get generation(): number {
    return Number(this.meta('generation') ?? '1')
  }

  info(): KnowledgeBaseInfo {
    const count = (sql: string, ...params: number[]): number => Number((this.db.prepare(sql).get(...params) as { n: number }).n)
    const embedding = this.meta('embedding')
    return {
      id: this.meta('id') ?? path.basename(this.file),
      name: this.meta('name') ?? '',
      createdAt: Number(this.meta('created_at') ?? 0),
      embedding: embedding ? (JSON.parse(embedding) as EmbeddingSpec) : null,
      vectors: this.vectors.kind,
      files: count('SELECT count(*) AS n FROM files'),
      chunks: count('SELECT count(*) AS n FROM chunks'),
      embedded: this.vectors.count(this.generation),
    }
  }

  rename(name: string): void {
    this.setMeta('name', name)
  }

  setEmbedding(spec: EmbeddingSpec): void {
    this.setMeta('embedding', JSON.stringify(spec))
  }

  addSource(sourcePath: string, kind: 'folder' | 'file', watch = false): KnowledgeSource {
    this.db.prepare('INSERT INTO sources(path, kind, watch, added_at) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET watch = excluded.watch').run(sourcePath, kind, watch ? 1 : 0, this.now())
    return this.sources().find((s) => s.path === sourcePath)!
  }

  sources(): KnowledgeSource[] {
    return (this.db.prepare('SELECT path, kind, watch, added_at FROM sources ORDER BY seq').all() as Row[]).map((row) => ({
      path: row.path as string,
      kind: row.kind as 'folder' | 'file',
      watch: row.watch === 1,
      addedAt: Number(row.added_at),
    }))
  }

  /** Forgets a source with its files, chunks and vectors. */
  removeSource(sourcePath: string): boolean {
    return this.tx(() => {
      const files = this.db.prepare('SELECT f.path FROM files f JOIN sources s ON s.seq = f.source_seq WHERE s.path = ?').all(sourcePath) as { path: string }[]
      for (const file of files) this.removeFile(file.path)
      return Number(this.db.prepare('DELETE FROM sources WHERE path = ?').run(sourcePath).changes) > 0
    })
  }

  files(source?: string): KnowledgeFile[] {
    const where = source === undefined ? '' : 'WHERE s.path = ?'
    const rows = this.db.prepare(`SELECT ${FILE_COLUMNS} FROM files f JOIN sources s ON s.seq = f.source_seq ${where} ORDER BY f.path`).all(...(source === undefined ? [] : [source]))
    return (rows as Row[]).map(toFile)
  }

  fileAt(filePath: string): KnowledgeFile | undefined {
    const row = this.db.prepare(`SELECT ${FILE_COLUMNS} FROM files f JOIN sources s ON s.seq = f.source_seq WHERE f.path = ?`).get(filePath) as Row | undefined
    return row ? toFile(row) : undefined
  }

  /** Records a file found in a source as waiting to be read (its old chunks stay searchable meanwhile). */
  markPending(source: string, filePath: string, stat: { kind: string; size: number; mtime: number }): void {
    const sourceSeq = (this.db.prepare('SELECT seq FROM sources WHERE path = ?').get(source) as { seq: number } | undefined)?.seq
    if (sourceSeq === undefined) throw new AppError('E_NOT_FOUND', `${source} is not a source of this knowledge base.`)
    this.db
      .prepare(
        `INSERT INTO files(source_seq, path, kind, size, mtime, status) VALUES (?, ?, ?, ?, ?, 'pending')
         ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, size = excluded.size, mtime = excluded.mtime, status = 'pending', error = NULL`,
      )
      .run(sourceSeq, filePath, stat.kind, stat.size, stat.mtime)
  }

  private fileSeq(filePath: string): number {
    const seq = (this.db.prepare('SELECT seq FROM files WHERE path = ?').get(filePath) as { seq: number } | undefined)?.seq
    if (seq === undefined) throw new AppError('E_NOT_FOUND', `${filePath} is not in this knowledge base.`)
    return seq
  }

  private dropChunks(fileSeq: number): void {
    const ids = (this.db.prepare('SELECT seq FROM chunks WHERE file_seq = ?').all(fileSeq) as { seq: number }[]).map(({ seq }) => seq)
    this.vectors.remove(ids)
    this.db.prepare('DELETE FROM chunks WHERE file_seq = ?').run(fileSeq)
  }

  /**
   * A file read and embedded: its old chunks and vectors are replaced by these in one transaction,
   * so a crash leaves either the old version or the new one, never half of each.
   */
  recordFile(filePath: string, result: { sha256: string; chunks: readonly ChunkInput[]; vectors: readonly Float32Array[] | null }): void {
    if (result.vectors && result.vectors.length !== result.chunks.length) throw new RangeError(`${result.chunks.length} chunks but ${result.vectors.length} vectors`)
    this.tx(() => {
      const fileSeq = this.fileSeq(filePath)
      this.dropChunks(fileSeq)
      const insert = this.db.prepare('INSERT INTO chunks(file_seq, ord, heading, text, page, line_start, line_end, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      const ids = result.chunks.map((c, ord) => Number(insert.run(fileSeq, ord, c.heading, c.text, c.page, c.lineStart, c.lineEnd, c.tokens).lastInsertRowid))
      if (result.vectors) this.vectors.put(this.generation, ids.map((id, i) => ({ id, vector: result.vectors![i]! })))
      this.db.prepare("UPDATE files SET sha256 = ?, status = 'indexed', error = NULL, chunks = ?, indexed_at = ? WHERE seq = ?").run(result.sha256, ids.length, this.now(), fileSeq)
    })
  }

  /** A file whose content did not change: only its size and time are brought up to date. */
  markUnchanged(filePath: string): void {
    this.db.prepare("UPDATE files SET status = 'indexed', error = NULL WHERE path = ?").run(filePath)
  }

  /** A file that could not be read: its message is kept for the user, its old chunks leave the results. */
  failFile(filePath: string, message: string): void {
    this.tx(() => {
      const fileSeq = this.fileSeq(filePath)
      this.dropChunks(fileSeq)
      this.db.prepare("UPDATE files SET status = 'error', error = ?, chunks = 0, sha256 = NULL, indexed_at = ? WHERE seq = ?").run(message, this.now(), fileSeq)
    })
  }

  removeFile(filePath: string): boolean {
    return this.tx(() => {
      const seq = (this.db.prepare('SELECT seq FROM files WHERE path = ?').get(filePath) as { seq: number } | undefined)?.seq
      if (seq === undefined) return false
      this.dropChunks(seq)
      this.db.prepare('DELETE FROM files WHERE seq = ?').run(seq)
      return true
    })
  }

  /** BM25 over headings and text, best first; `score` is bm25 (lower is better). */
  keywordSearch(query: string, k: number, filters: KnowledgeFilters = {}): VectorHit[] {
    const match = keywordQuery(query)
    if (match === null || k <= 0) return []
    const filter = filterClause(filters)
    const rows = this.db
      .prepare(
        `SELECT c.seq AS id, bm25(chunks_fts, 2.0, 1.0) AS distance FROM chunks_fts JOIN chunks c ON c.seq = chunks_fts.rowid JOIN files f ON f.seq = c.file_seq
         WHERE chunks_fts MATCH ? AND ${filter.sql} ORDER BY distance LIMIT ?`,
      )
      .all(match, ...filter.params, k) as { id: number; distance: number }[]
    return rows.map(({ id, distance }) => ({ id: Number(id), distance }))
  }

  /** The k nearest chunks to a query vector in the current generation, within the filters. */
  vectorSearch(query: Float32Array, k: number, filters: KnowledgeFilters = {}): VectorHit[] {
    const filter = filterClause(filters)
    const allowed = filter.params.length === 0
      ? undefined
      : (this.db.prepare(`SELECT c.seq AS id FROM chunks c JOIN files f ON f.seq = c.file_seq WHERE ${filter.sql}`).all(...filter.params) as { id: number }[]).map(({ id }) => Number(id))
    return this.vectors.search(this.generation, query, k, allowed)
  }

  /** Chunks by id, in the order asked, with their file. */
  passages(ids: readonly number[]): Passage[] {
    if (ids.length === 0) return []
    const rows = this.db
      .prepare('SELECT c.seq, c.heading, c.text, c.page, c.line_start, c.line_end, c.tokens, f.path, f.kind FROM chunks c JOIN files f ON f.seq = c.file_seq WHERE c.seq IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as Row[]
    const byId = new Map(rows.map((row) => [Number(row.seq), row]))
    return ids.flatMap((id) => {
      const row = byId.get(id)
      if (!row) return []
      return [{
        chunk: id, file: row.path as string, kind: row.kind as string, heading: row.heading as string, text: row.text as string,
        page: row.page === null ? null : Number(row.page), lineStart: Number(row.line_start), lineEnd: Number(row.line_end), tokens: Number(row.tokens),
      }]
    })
  }

  /** How many of a file's chunks have no vector in the current generation (0 for a file fully embedded). */
  vectorsMissing(filePath: string): number {
    const row = this.db
      .prepare('SELECT count(*) AS n FROM chunks c JOIN files f ON f.seq = c.file_seq WHERE f.path = ? AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.generation = ? AND e.chunk_seq = c.seq)')
      .get(filePath, this.generation) as { n: number }
    return Number(row.n)
  }

  /** Chunk ids that have no vector in `generation` yet (a new model, or files indexed without one). */
  chunksWithoutVectors(generation: number, limit: number): { id: number; text: string }[] {
    return this.db
      .prepare('SELECT c.seq AS id, c.heading, c.text FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.generation = ? AND e.chunk_seq = c.seq) ORDER BY c.seq LIMIT ?')
      .all(generation, limit)
      .map((row) => ({ id: Number((row as Row).id), text: (row as Row).text as string }))
  }

  close(): void {
    if (this.db.isOpen) this.db.close()
  }
}

/** node:sqlite with extensions allowed where the runtime has that option, without otherwise. */
function openWithExtensions(file: string): DatabaseSync {
  try {
    return new DatabaseSync(file, { allowExtension: true })
  } catch {
    return new DatabaseSync(file)
  }
}
