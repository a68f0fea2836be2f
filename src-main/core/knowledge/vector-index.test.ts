import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { KnowledgeBase, type ChunkInput } from './base'
import { MAX_VECTOR_K, type VectorKind } from './vector-index'

afterEach(() => removeTempDirs())

/** A deterministic pseudo-random unit-free vector per seed (xorshift). */
function randomVector(seed: number, dimensions: number): Float32Array {
  let x = seed * 2654435761 + 1
  const v = new Float32Array(dimensions)
  for (let i = 0; i < dimensions; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    v[i] = ((x >>> 0) / 0xffffffff) * 2 - 1
  }
  return v
}

const chunk = (text: string, line = 1): ChunkInput => ({ heading: '', text, page: null, lineStart: line, lineEnd: line, tokens: 1 })

/** Brute force in plain JS, the reference both implementations must agree with. */
function reference(vectors: Map<number, Float32Array>, query: Float32Array, k: number): number[] {
  const cos = (a: Float32Array, b: Float32Array): number => {
    let dot = 0, na = 0, nb = 0
    for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! * a[i]!; nb += b[i]! * b[i]! }
    return 1 - dot / Math.sqrt(na * nb)
  }
  return [...vectors].map(([id, v]) => ({ id, d: cos(v, query) })).sort((a, b) => a.d - b.d).slice(0, k).map(({ id }) => id)
}

function openBase(dir: string, vectors: VectorKind): KnowledgeBase {
  return KnowledgeBase.open(path.join(dir, 'kb.kb.db'), { create: { id: 'kb', name: 'Test' }, vectors })
}

/** Fills a base with one file of `n` chunks; returns chunk id → vector. */
function fill(kb: KnowledgeBase, dir: string, n: number, dimensions: number, file = 'a.txt'): Map<number, Float32Array> {
  kb.addSource(dir, 'folder')
  const filePath = path.join(dir, file)
  kb.markPending(dir, filePath, { kind: 'text', size: 1, mtime: 1 })
  const vectors = Array.from({ length: n }, (_, i) => randomVector(i + 1 + file.length * 1000, dimensions))
  kb.recordFile(filePath, { sha256: 'x', chunks: vectors.map((_, i) => chunk(`${file} chunk ${i}`, i + 1)), vectors })
  const ids = kb.vectorSearch(vectors[0]!, 4096).map((hit) => hit.id)
  const byText = new Map(kb.passages(ids).map((p) => [p.text, p.chunk]))
  return new Map(vectors.map((v, i) => [byText.get(`${file} chunk ${i}`)!, v]))
}

describe.each(['sqlite-vec', 'exact'] as const)('vector index: %s', (kind) => {
  it('is the implementation asked for', () => {
    const kb = openBase(makeTempDir(), kind)
    expect(kb.vectors.kind).toBe(kind)
    kb.close()
  })

  it('finds the same k nearest as a brute-force cosine scan, closest first', () => {
    const dir = makeTempDir()
    const kb = openBase(dir, kind)
    const vectors = fill(kb, dir, 300, 16)
    for (let q = 0; q < 20; q++) {
      const query = randomVector(10_000 + q, 16)
      const hits = kb.vectorSearch(query, 10)
      expect(hits.map((h) => h.id)).toEqual(reference(vectors, query, 10))
      expect(hits.map((h) => h.distance)).toEqual([...hits.map((h) => h.distance)].sort((a, b) => a - b))
    }
    kb.close()
  })

  it('searches only within the allowed chunks (filters by folder and kind)', () => {
    const dir = makeTempDir()
    const kb = openBase(dir, kind)
    const sub = path.join(dir, 'sub')
    kb.addSource(dir, 'folder')
    kb.markPending(dir, path.join(dir, 'top.md'), { kind: 'markdown', size: 1, mtime: 1 })
    kb.markPending(dir, path.join(sub, 'deep.txt'), { kind: 'text', size: 1, mtime: 1 })
    kb.recordFile(path.join(dir, 'top.md'), { sha256: 'a', chunks: [chunk('top')], vectors: [new Float32Array([1, 0, 0])] })
    kb.recordFile(path.join(sub, 'deep.txt'), { sha256: 'b', chunks: [chunk('deep')], vectors: [new Float32Array([0, 1, 0])] })
    const query = new Float32Array([1, 0.2, 0])
    expect(kb.passages(kb.vectorSearch(query, 5).map((h) => h.id)).map((p) => p.text)).toEqual(['top', 'deep'])
    expect(kb.passages(kb.vectorSearch(query, 5, { folder: sub }).map((h) => h.id)).map((p) => p.text)).toEqual(['deep'])
    expect(kb.passages(kb.vectorSearch(query, 5, { kinds: ['text'] }).map((h) => h.id)).map((p) => p.text)).toEqual(['deep'])
    expect(kb.vectorSearch(query, 5, { kinds: ['pdf'] })).toEqual([])
    kb.close()
  })

  it('forgets the vectors of a replaced or removed file', () => {
    const dir = makeTempDir()
    const kb = openBase(dir, kind)
    fill(kb, dir, 5, 4)
    const file = path.join(dir, 'a.txt')
    kb.recordFile(file, { sha256: 'y', chunks: [chunk('only')], vectors: [new Float32Array([0, 0, 1, 0])] })
    expect(kb.vectorSearch(new Float32Array([1, 1, 1, 1]), 10)).toHaveLength(1)
    expect(kb.info().embedded).toBe(1)
    kb.removeFile(file)
    expect(kb.vectorSearch(new Float32Array([1, 1, 1, 1]), 10)).toEqual([])
    expect(kb.info()).toMatchObject({ files: 0, chunks: 0, embedded: 0 })
    kb.close()
  })

  it('caps k at MAX_VECTOR_K', () => {
    const dir = makeTempDir()
    const kb = openBase(dir, kind)
    fill(kb, dir, MAX_VECTOR_K + 5, 2)
    expect(kb.vectorSearch(new Float32Array([1, 0]), 1_000_000)).toHaveLength(MAX_VECTOR_K)
    kb.close()
  })

  it('refuses a vector of the wrong size instead of storing it', () => {
    const dir = makeTempDir()
    const kb = openBase(dir, kind)
    fill(kb, dir, 2, 4)
    const file = path.join(dir, 'a.txt')
    expect(() => kb.recordFile(file, { sha256: 'z', chunks: [chunk('a'), chunk('b')], vectors: [new Float32Array(4), new Float32Array(5)] })).toThrow(/dimensions/)
    expect(kb.info()).toMatchObject({ chunks: 2, embedded: 2 })
    kb.close()
  })
})

describe('switching implementations on the same file', () => {
  it('sqlite-vec rebuilds its tables from vectors written by the exact scan', () => {
    const dir = makeTempDir()
    const file = path.join(dir, 'kb.kb.db')
    const withVec = KnowledgeBase.open(file, { create: { id: 'kb', name: 'T' }, vectors: 'sqlite-vec' })
    fill(withVec, dir, 50, 8)
    withVec.close()
    const exact = KnowledgeBase.open(file, { vectors: 'exact' })
    const replaced = fill(exact, dir, 40, 8, 'b.txt')
    exact.removeFile(path.join(dir, 'a.txt'))
    const query = randomVector(99, 8)
    const expected = exact.vectorSearch(query, 7).map((h) => h.id)
    exact.close()
    const again = KnowledgeBase.open(file, { vectors: 'sqlite-vec' })
    expect(again.vectors.kind).toBe('sqlite-vec')
    expect(again.vectorSearch(query, 7).map((h) => h.id)).toEqual(expected)
    expect(expected).toEqual(reference(replaced, query, 7))
    again.close()
  })
})
