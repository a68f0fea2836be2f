import type { ChatChunk, ChatProvider, ProviderFactory } from './types'

/**
 * A factory whose module (and vendor SDK) is imported on first use instead of at start-up: the
 * OpenAI, Anthropic and Gemini SDKs cost 170–230 ms each to import. Until the module is there,
 * the factory hands out a stand-in that loads it on its first call and then forwards every call
 * to the real provider (the chat stream's iterator directly, no extra layer per chunk); once it
 * has loaded, the factory returns real providers.
 */
export function lazyFactory(load: () => Promise<ProviderFactory>): ProviderFactory {
  let loaded: ProviderFactory | undefined
  let loading: Promise<ProviderFactory> | undefined
  const factory = (): Promise<ProviderFactory> =>
    (loading ??= load().then(
      (real) => (loaded = real),
      (error: unknown) => {
        loading = undefined // a failed import is tried again next time
        throw error
      },
    ))
  return (deps) => {
    if (loaded) return loaded(deps)
    let provider: Promise<ChatProvider> | undefined
    const real = (): Promise<ChatProvider> => (provider ??= factory().then((make) => make(deps)))
    return {
      id: deps.config.id,
      kind: deps.config.kind,
      listModels: async (signal) => (await real()).listModels(signal),
      probe: async (signal) => (await real()).probe(signal),
      chat: (request, signal) => ({
        [Symbol.asyncIterator](): AsyncIterator<ChatChunk> {
          let inner: AsyncIterator<ChatChunk> | undefined
          const open = async (): Promise<AsyncIterator<ChatChunk>> => (inner ??= (await real()).chat(request, signal)[Symbol.asyncIterator]())
          return {
            next: () => (inner ? inner.next() : open().then((iterator) => iterator.next())),
            return: (value?: unknown) => (inner?.return ? inner.return(value) : Promise.resolve({ done: true, value: undefined })),
            throw: (error?: unknown) => (inner?.throw ? inner.throw(error) : Promise.reject(error)),
          }
        },
      }),
    }
  }
}
