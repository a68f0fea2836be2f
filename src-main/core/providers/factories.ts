import type { ProviderKind } from '../../../src-shared/contract'
import { createAnthropicProvider } from './anthropic'
import { createGeminiProvider } from './gemini'
import { createGgufProvider } from './gguf'
import { createOllamaProvider } from './ollama'
import { openAiFamilyFactories } from './openai-family'
import type { ProviderFactory } from './types'

/** Every kind of provider this build can talk to. */
export const providerFactories: Record<ProviderKind, ProviderFactory> = {
  ollama: createOllamaProvider,
  anthropic: createAnthropicProvider,
  gemini: createGeminiProvider,
  gguf: createGgufProvider,
  ...openAiFamilyFactories,
}
