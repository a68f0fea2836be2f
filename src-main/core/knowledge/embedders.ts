import { AppError, CancelledError, NetworkError } from '../errors'
import { normalizeOllamaHost } from '../ollama'
import type { Embedder } from './embedder'

/** Where a base's vectors come from: plain data, so it crosses to the knowledge worker. */
export type EmbedderConfig =
  | { kind: 'ollama'; baseUrl: string; model: string }
  | { kind: 'openai'; baseUrl: string; apiKey?: string; model: string; dimensions?: number }

const toVectors = (rows: readonly (readonly number[])[]): Float32Array[] => rows.map((row) => Float32Array.from(row))

function ollamaFailure(error: unknown, config: EmbedderConfig, signal?: AbortSignal): AppError {
  if (signal?.aborted) return new CancelledError('Indexing was cancelled.')
  const status = (error as { status_code?: number }).status_code
  const message = (error as Error).message ?? String(error)
  if (status === 404 || /not found/i.test(message)) {
    return new AppError('E_MODEL_NOT_FOUND', `The embedding model ${config.model} is not on this Ollama server.`, { hint: `Download it first (ollama pull ${config.model}), or pick another model for this knowledge base.`, cause: error })
  }
  if (status !== undefined) return new AppError('E_PROVIDER_SERVER', `Ollama could not embed the text: ${message}`, { retryable: status >= 500, cause: error })
  return new NetworkError(`Ollama did not answer at ${config.baseUrl}.`, { hint: 'Is Ollama running?', cause: error })
}

/** Embeddings from Ollama's /api/embed through the ollama SDK, many texts per request. */
export function ollamaEmbedder(config: Extract<EmbedderConfig, { kind: 'ollama' }>): Embedder {
  const host = normalizeOllamaHost(config.baseUrl)
  let client: Promise<import('ollama/browser').Ollama> | undefined
  return {
    id: `ollama:${config.model}`,
    async embed(texts, signal) {
      if (texts.length === 0) return []
      client ??= import('ollama/browser').then(({ Ollama }) => new Ollama({ host, fetch: (input, init) => fetch(input, { ...init, signal: signal ?? null }) }))
      try {
        const { embeddings } = await (await client).embed({ model: config.model, input: [...texts], truncate: true })
        return toVectors(embeddings)
      } catch (error) {
        throw ollamaFailure(error, config, signal)
      }
    },
  }
}

// The provider layer's own mapping pulls in the whole registry, which the worker's type stripping cannot load.
function openAiFailure(error: unknown, config: EmbedderConfig, signal?: AbortSignal): AppError {
  if (signal?.aborted) return new CancelledError('Indexing was cancelled.')
  const status = (error as { status?: number }).status
  const message = (error as Error).message ?? String(error)
  if (status === 401 || status === 403) return new AppError('E_AUTH', `The embeddings provider refused the API key: ${message}`, { hint: 'Check the key in Settings → Models & Providers.', cause: error })
  if (status === 404) return new AppError('E_MODEL_NOT_FOUND', `The embedding model ${config.model} does not exist there: ${message}`, { cause: error })
  if (status === 429) return new AppError('E_RATE_LIMITED', `The embeddings provider asks to slow down: ${message}`, { retryable: true, cause: error })
  if (typeof status === 'number') return new AppError('E_PROVIDER_SERVER', `The embeddings provider failed: ${message}`, { retryable: status >= 500, cause: error })
  return new NetworkError(`The embeddings provider did not answer at ${config.baseUrl}.`, { cause: error })
}

/** Embeddings from an OpenAI-compatible /embeddings endpoint through the openai SDK. */
export function openAiEmbedder(config: Extract<EmbedderConfig, { kind: 'openai' }>): Embedder {
  let client: Promise<import('openai').OpenAI> | undefined
  return {
    id: `openai:${config.model}`,
    async embed(texts, signal) {
      if (texts.length === 0) return []
      client ??= import('openai').then(({ OpenAI }) => new OpenAI({ apiKey: config.apiKey || 'none', baseURL: config.baseUrl, organization: null, project: null, maxRetries: 1, logLevel: 'off' }))
      try {
        const response = await (await client).embeddings.create(
          { model: config.model, input: [...texts], encoding_format: 'float', ...(config.dimensions ? { dimensions: config.dimensions } : {}) },
          signal ? { signal } : {},
        )
        const sorted = [...response.data].sort((a, b) => a.index - b.index)
        return toVectors(sorted.map((item) => item.embedding))
      } catch (error) {
        throw openAiFailure(error, config, signal)
      }
    },
  }
}

export function createEmbedder(config: EmbedderConfig): Embedder {
  return config.kind === 'ollama' ? ollamaEmbedder(config) : openAiEmbedder(config)
}
