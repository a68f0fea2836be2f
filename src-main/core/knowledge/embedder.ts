/** Turns texts into vectors: a local Ollama model or a provider's embeddings endpoint (see embedders.ts). */
export interface Embedder {
  /** What made the vectors ("ollama:nomic-embed-text"): vectors of different embedders are never compared. */
  readonly id: string
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>
}

/** The text of a chunk as it is embedded: its heading path gives a short passage its context. */
export const embeddingText = (chunk: { heading: string; text: string }): string => (chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text)
