import type { DatabaseSync } from 'node:sqlite'
import { getLoadablePath } from 'sqlite-vec'

/** Which implementation answers vector queries. */
export type VectorKind = 'sqlite-vec' | 'exact'

export interface VectorHit {
  /** The chunk's seq. */
  id: number
  /** Cosine distance: 0 is the same direction, 2 the opposite. */
  distance: number
}

/** sqlite-vec's k-NN refuses a larger k; both implementations cap k here so they answer alike. */
export const MAX_VECTOR_K = 4096

export interface VectorItem {
  id: number
  vector: Float32Array
}

/**
 * Vector search over one knowledge-base file. Vectors live in the `embeddings` table whatever the
 * implementation (the source of truth); an implementation may keep an accelerator beside it.
 * Writes happen inside the caller's transaction. A `generation` is one embedding model's vectors:
 * a re-embedding writes the next generation while queries keep using the current one.
 */
export interface VectorIndex {
  readonly kind: VectorKind
  put(generation: number, items: readonly VectorItem[]): void
  /** Forgets these chunks' vectors in every generation (call before deleting the chunks). */
  remove(ids: readonly number[]): void
  /** The k nearest (k capped at MAX_VECTOR_K), closest first; `allowed` limits the candidates to these chunk ids. */
  search(generation: number, query: Float32Array, k: number, allowed?: readonly number[]): VectorHit[]
  count(generation: number): number
  dropGeneration(generation: number): void
}

/**
 * Loads sqlite-vec into `db` if this runtime allows extensions (Node 24's node:sqlite does when the
 * database was opened with `allowExtension: true`; Electron's may not). Never throws.
 */
export function loadSqliteVec(db: DatabaseSync): boolean {
  try {
    // In a packaged app the library sits in app.asar.unpacked (electron-builder's asarUnpack): SQLite cannot read inside an archive.
    db.loadExtension(getLoadablePath().replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'))
    db.prepare('SELECT vec_version()').get()
    return true
  } catch {
    return false
  }
}

const blobOf = (vector: Float32Array): Uint8Array => new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength)
const vectorOf = (blob: Uint8Array): Float32Array => {
  const copy = new Uint8Array(blob) // aligned
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4)
}

function dimensionsOf(db: DatabaseSync, generation: number): number | undefined {
  const row = db.prepare('SELECT length(vector) AS n FROM embeddings WHERE generation = ? LIMIT 1').get(generation) as { n: number } | undefined
  return row ? row.n / 4 : undefined
}

/** The shared part: the embeddings table. */
abstract class EmbeddingTable implements VectorIndex {
  abstract readonly kind: VectorKind
  protected readonly db: DatabaseSync

  constructor(db: DatabaseSync) {
    this.db = db
  }

  put(generation: number, items: readonly VectorItem[]): void {
    if (items.length === 0) return
    const dimensions = dimensionsOf(this.db, generation) ?? items[0]!.vector.length
    const insert = this.db.prepare('INSERT OR REPLACE INTO embeddings(generation, chunk_seq, vector) VALUES (?, ?, ?)')
    for (const item of items) {
      if (item.vector.length !== dimensions) throw new RangeError(`vector of ${item.vector.length} dimensions in a generation of ${dimensions}`)
      insert.run(generation, item.id, blobOf(item.vector))
    }
    this.afterPut(generation, items, dimensions)
  }

  remove(ids: readonly number[]): void {
    if (ids.length === 0) return
    const json = JSON.stringify(ids)
    const generations = this.db.prepare('SELECT DISTINCT generation AS g FROM embeddings WHERE chunk_seq IN (SELECT value FROM json_each(?))').all(json) as { g: number }[]
    this.db.prepare('DELETE FROM embeddings WHERE chunk_seq IN (SELECT value FROM json_each(?))').run(json)
    this.afterRemove(generations.map(({ g }) => g), json)
  }

  count(generation: number): number {
    return Number((this.db.prepare('SELECT count(*) AS n FROM embeddings WHERE generation = ?').get(generation) as { n: number }).n)
  }

  dropGeneration(generation: number): void {
    this.db.prepare('DELETE FROM embeddings WHERE generation = ?').run(generation)
    this.afterDrop(generation)
  }

  abstract search(generation: number, query: Float32Array, k: number, allowed?: readonly number[]): VectorHit[]
  protected abstract afterPut(generation: number, items: readonly VectorItem[], dimensions: number): void
  protected abstract afterRemove(generations: number[], idsJson: string): void
  protected abstract afterDrop(generation: number): void
}

/** Keeps the k smallest distances seen. */
class TopK {
  readonly hits: VectorHit[] = []
  private readonly k: number
  constructor(k: number) {
    this.k = k
  }
  offer(id: number, distance: number): void {
    if (this.hits.length === this.k && distance >= this.hits[this.k - 1]!.distance) return
    let at = this.hits.length
    while (at > 0 && this.hits[at - 1]!.distance > distance) at--
    this.hits.splice(at, 0, { id, distance })
    if (this.hits.length > this.k) this.hits.pop()
  }
}

const norm = (v: Float32Array): number => {
  let sum = 0
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!
  return Math.sqrt(sum)
}

/** A generation's vectors in memory, unit length, one after another. */
interface Matrix {
  ids: Int32Array | number[]
  data: Float32Array
  dimensions: number
}

/**
 * Exact search with no SQLite extension: every vector of the generation is compared with the
 * query (cosine). The vectors are read once into one Float32Array and kept until a write.
 */
export class ExactVectorIndex extends EmbeddingTable {
  readonly kind = 'exact' as const
  private readonly matrices = new Map<number, Matrix>()

  private matrix(generation: number): Matrix {
    const cached = this.matrices.get(generation)
    if (cached) return cached
    const rows = this.db.prepare('SELECT chunk_seq AS id, vector FROM embeddings WHERE generation = ? ORDER BY chunk_seq').all(generation) as { id: number; vector: Uint8Array }[]
    const dimensions = rows.length > 0 ? rows[0]!.vector.byteLength / 4 : 0
    const data = new Float32Array(rows.length * dimensions)
    const ids: number[] = []
    rows.forEach((row, i) => {
      const v = vectorOf(row.vector)
      const length = norm(v) || 1
      for (let d = 0; d < dimensions; d++) data[i * dimensions + d] = v[d]! / length
      ids.push(row.id)
    })
    const matrix = { ids, data, dimensions }
    this.matrices.set(generation, matrix)
    return matrix
  }

  search(generation: number, query: Float32Array, wanted: number, allowed?: readonly number[]): VectorHit[] {
    const k = Math.min(wanted, MAX_VECTOR_K)
    if (k <= 0) return []
    const { ids, data, dimensions } = this.matrix(generation)
    if (ids.length === 0) return []
    if (query.length !== dimensions) throw new RangeError(`query of ${query.length} dimensions for vectors of ${dimensions}`)
    const q = Float32Array.from(query)
    const length = norm(q) || 1
    for (let d = 0; d < dimensions; d++) q[d] = q[d]! / length
    const only = allowed ? new Set(allowed) : undefined
    const top = new TopK(k)
    for (let i = 0; i < ids.length; i++) {
      if (only && !only.has(ids[i]!)) continue
      let dot = 0
      const offset = i * dimensions
      for (let d = 0; d < dimensions; d++) dot += data[offset + d]! * q[d]!
      top.offer(ids[i]!, 1 - dot)
    }
    return top.hits
  }

  protected afterPut(generation: number): void {
    this.matrices.delete(generation)
    markVecStale(this.db)
  }

  protected afterRemove(generations: number[]): void {
    for (const generation of generations) this.matrices.delete(generation)
    if (generations.length > 0) markVecStale(this.db)
  }

  protected afterDrop(generation: number): void {
    this.matrices.delete(generation)
    markVecStale(this.db)
  }
}

/** Writes made without sqlite-vec leave its tables behind: the next open with it rebuilds them. */
function markVecStale(db: DatabaseSync): void {
  db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('vec_stale', '1')").run()
}

const vecTable = (generation: number): string => `vec_g${Math.trunc(generation)}`

/**
 * sqlite-vec: a `vec0` table per generation (cosine metric) mirrors the embeddings table. Its k-NN
 * is an exact scan done in C; with `allowed`, only those rows are measured.
 */
export class SqliteVecIndex extends EmbeddingTable {
  readonly kind = 'sqlite-vec' as const

  /** `db` must have sqlite-vec loaded (loadSqliteVec). Rebuilds mirrors that writes without it left stale. */
  constructor(db: DatabaseSync) {
    super(db)
    const stale = db.prepare("SELECT value FROM meta WHERE key = 'vec_stale'").get() !== undefined
    if (stale) this.rebuild()
  }

  private exists(generation: number): boolean {
    return hasTable(this.db, vecTable(generation))
  }

  private create(generation: number, dimensions: number): void {
    if (!Number.isInteger(dimensions) || dimensions <= 0) throw new RangeError(`bad dimensions ${dimensions}`)
    this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${vecTable(generation)} USING vec0(embedding float[${dimensions}] distance_metric=cosine)`)
  }

  private rebuild(): void {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const tables = this.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 'vec_g[0-9]*' AND sql LIKE 'CREATE VIRTUAL TABLE%'").all() as { name: string }[]
      for (const { name } of tables) this.db.exec(`DROP TABLE ${name}`)
      const generations = this.db.prepare('SELECT DISTINCT generation AS g FROM embeddings').all() as { g: number }[]
      for (const { g } of generations) {
        this.create(g, dimensionsOf(this.db, g)!)
        this.db.exec(`INSERT INTO ${vecTable(g)}(rowid, embedding) SELECT chunk_seq, vector FROM embeddings WHERE generation = ${Math.trunc(g)}`)
      }
      this.db.prepare("DELETE FROM meta WHERE key = 'vec_stale'").run()
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  search(generation: number, query: Float32Array, wanted: number, allowed?: readonly number[]): VectorHit[] {
    const k = Math.min(wanted, MAX_VECTOR_K)
    if (k <= 0 || !this.exists(generation)) return []
    const table = vecTable(generation)
    const rows = allowed
      ? this.db.prepare(`SELECT rowid AS id, vec_distance_cosine(embedding, ?) AS distance FROM ${table} WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY distance LIMIT ?`).all(blobOf(query), JSON.stringify(allowed), k)
      : this.db.prepare(`SELECT rowid AS id, distance FROM ${table} WHERE embedding MATCH ? AND k = ? ORDER BY distance`).all(blobOf(query), k)
    return (rows as { id: number; distance: number }[]).map(({ id, distance }) => ({ id: Number(id), distance }))
  }

  protected afterPut(generation: number, items: readonly VectorItem[], dimensions: number): void {
    this.create(generation, dimensions)
    const table = vecTable(generation)
    const remove = this.db.prepare(`DELETE FROM ${table} WHERE rowid = ?`)
    const insert = this.db.prepare(`INSERT INTO ${table}(rowid, embedding) VALUES (?, ?)`)
    for (const item of items) {
      remove.run(BigInt(item.id))
      insert.run(BigInt(item.id), blobOf(item.vector))
    }
  }

  protected afterRemove(generations: number[], idsJson: string): void {
    for (const generation of generations) {
      if (this.exists(generation)) this.db.prepare(`DELETE FROM ${vecTable(generation)} WHERE rowid IN (SELECT value FROM json_each(?))`).run(idsJson)
    }
  }

  protected afterDrop(generation: number): void {
    if (this.exists(generation)) this.db.exec(`DROP TABLE ${vecTable(generation)}`)
  }
}

function hasTable(db: DatabaseSync, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) !== undefined
}

/** The index for a database: sqlite-vec when it loaded (and was not turned off), the exact scan otherwise. */
export function createVectorIndex(db: DatabaseSync, options: { sqliteVecLoaded: boolean; prefer?: VectorKind }): VectorIndex {
  if (options.prefer !== 'exact' && options.sqliteVecLoaded) return new SqliteVecIndex(db)
  return new ExactVectorIndex(db)
}
