import type { ProviderKind } from '../../../src-shared/contract'
import { createGgufProvider } from './gguf'
import { lazyFactory } from './lazy'
import { createOllamaProvider } from './ollama'
import type { ProviderFactory } from './types'

const openAiFamily = (kind: 'openai' | 'huggingface' | 'openai-compatible'): ProviderFactory =>
  lazyFactory(() => import('./openai-family').then((module) => module.openAiFamilyFactories[kind]))

/**
 * Every kind of provider this build can talk to. Ollama's client is small and used at once; the
 * cloud SDKs load on a provider's first use (see lazyFactory), not at start-up.
 */
export const providerFactories: Record<ProviderKind, ProviderFactory> = {
  ollama: createOllamaProvider,
  anthropic: lazyFactory(() => import('./anthropic').then((module) => module.createAnthropicProvider)),
  gemini: lazyFactory(() => import('./gemini').then((module) => module.createGeminiProvider)),
  gguf: createGgufProvider,
  openai: openAiFamily('openai'),
  huggingface: openAiFamily('huggingface'),
  'openai-compatible': openAiFamily('openai-compatible'),
}
