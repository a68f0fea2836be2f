/**
 * Model providers: one adapter per vendor behind `ChatProvider`, their registry, configs, catalog
 * and prices. Other folders import from here, never a file inside.
 */
export type { ChatChunk, ChatProvider, ChatRequest, FinishReason, ProbeResult, ProviderDeps, ProviderFactory, ProviderImage, ProviderMessage, ProviderModel, ProviderToolCall, ProviderUsage, ToolSpec } from './types'
export * from './errors'
export { ProviderRegistry, keyNameFor, type ProviderRegistryDeps } from './registry'
export { ModelCatalog, type CatalogResult, type ModelCatalogDeps, type PriceResolver } from './catalog'
export { DEFAULT_ROUTING, LOCAL_OLLAMA, ProviderConfigStore } from './config-store'
export { providerFactories } from './factories'
export { createProviderFetch, type ProxyEnv } from './proxy'
export { normalizeBaseUrl, type NormalizedUrl } from './base-url'
export { PRESETS, defaultBaseUrl, presetFor } from './presets'
export { providerSecretNames } from './secret-names'
/** OpenAI's error mapping, for other OpenAI SDK users (voice's speech engines); loads the SDK, so only once it is in use. */
export const loadOpenAiErrorMapping = async (): Promise<typeof import('./openai').mapOpenAiError> => (await import('./openai')).mapOpenAiError
/** How each provider dialect takes each chat parameter (docs/parameters.md is rendered from it). */
export { DIALECTS, PARAMETER_TABLE, PARAM_LABELS, THINKING_BUDGET, dialectOf, parameterNotices, paramsOf, renderParameterDocs, type Dialect } from './parameters'
