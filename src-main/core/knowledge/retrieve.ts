import type { KnowledgeBase, KnowledgeFilters, Passage } from './base'
import type { Embedder } from './embedder'
import type { VectorHit } from './vector-index'

export type RetrievalMode = 'hybrid' | 'keyword' | 'vector'

export interface RetrievalOptions {
  /** Passages wanted. */
  k?: number
  mode?: RetrievalMode
  filters?: KnowledgeFilters
  /** How many of each list (BM25, vectors) enter the fusion. */
  candidates?: number
  signal?: AbortSignal
}

export interface ScoredPassage extends Passage {
  /** The fused score (higher is better). */
  score: number
  /** The base it came from. */
  base: string
}

/** The constant of reciprocal rank fusion (Cormack et al.): 60 keeps one list's first place from outweighing agreement. */
export const RRF_K = 60

/** Reciprocal rank fusion of ranked id lists: each list adds 1 / (RRF_K + rank) to an id's score. */
export function reciprocalRankFusion<T extends string | number>(lists: readonly (readonly T[])[]): { id: T; score: number }[] {
  const scores = new Map<T, number>()
  for (const list of lists) list.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + rank + 1)))
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score)
}

/** The ranked chunk ids of one base for a query, by BM25, by vectors, or both fused. */
export function rankedIds(kb: KnowledgeBase, query: string, vector: Float32Array | null, options: RetrievalOptions): { id: number; score: number }[] {
  const mode = options.mode ?? 'hybrid'
  const candidates = options.candidates ?? 50
  const ids = (hits: VectorHit[]): number[] => hits.map((hit) => hit.id)
  const keyword = mode === 'vector' ? [] : ids(kb.keywordSearch(query, candidates, options.filters))
  const semantic = mode === 'keyword' || vector === null ? [] : ids(kb.vectorSearch(vector, candidates, options.filters))
  return reciprocalRankFusion([keyword, semantic].filter((list) => list.length > 0))
}

/**
 * Retrieval over one or more bases: the query is embedded once per embedder, each base ranks its
 * chunks (hybrid by default: BM25 and vector k-NN fused by reciprocal rank), and the bases' lists
 * are fused the same way. A base without vectors (or without an embedder) answers by BM25 alone.
 */
export async function retrieve(bases: readonly { name: string; kb: KnowledgeBase; embedder: Embedder | null }[], query: string, options: RetrievalOptions = {}): Promise<ScoredPassage[]> {
  const k = options.k ?? 8
  const queryVectors = new Map<string, Float32Array>()
  const perBase: { name: string; kb: KnowledgeBase; ranked: { id: number; score: number }[] }[] = []
  for (const { name, kb, embedder } of bases) {
    let vector: Float32Array | null = null
    if (embedder && options.mode !== 'keyword' && kb.info().embedded > 0) {
      vector = queryVectors.get(embedder.id) ?? (await embedder.embed([query], options.signal))[0] ?? null
      if (vector) queryVectors.set(embedder.id, vector)
    }
    perBase.push({ name, kb, ranked: rankedIds(kb, query, vector, options) })
  }
  const fused = perBase.length === 1
    ? perBase[0]!.ranked.map(({ id, score }) => ({ id: `0:${id}`, score }))
    : reciprocalRankFusion(perBase.map(({ ranked }, b) => ranked.map(({ id }) => `${b}:${id}`)))
  const top = fused.slice(0, k)
  return top.flatMap(({ id, score }) => {
    const [b, chunk] = id.split(':').map(Number) as [number, number]
    const { name, kb } = perBase[b]!
    const passage = kb.passages([chunk])[0]
    return passage ? [{ ...passage, score, base: name }] : []
  })
}
