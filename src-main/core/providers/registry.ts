import type { ProviderConfig, ProviderKind, ProviderView } from '../../../src-shared/contract'
import { ConfigError, ValidationError } from '../errors'
import type { SecretStore } from '../secrets'
import type { ProviderConfigStore } from './config-store'
import type { ChatProvider, ProviderFactory } from './types'

/** Kinds that always need a key; OpenAI-compatible servers take one optionally. */
const KEYED: ReadonlySet<ProviderKind> = new Set(['anthropic', 'openai', 'gemini', 'huggingface'])
const KEYLESS: ReadonlySet<ProviderKind> = new Set(['ollama', 'gguf'])

export const keyNameFor = (providerId: string): string => `provider.${providerId}.apiKey`

export interface ProviderRegistryDeps {
  configs: ProviderConfigStore
  secrets: SecretStore
  /** Every key is registered here so no log line can carry it. */
  scrubber?: { register(value: string): void }
  factories: Partial<Record<ProviderKind, ProviderFactory>>
  /** The app's Ollama host (settings or OLLAMA_HOST); the built-in Ollama provider follows it. */
  ollamaHost: () => string
  /** fetch routed through the provider's proxy setting. */
  makeFetch: (config: ProviderConfig, baseUrl: string) => typeof fetch
  now?: () => number
}

/** Turns stored settings + keys into live providers, and is the only reader of provider keys. */
export class ProviderRegistry {
  private readonly cache = new Map<string, { fingerprint: string; provider: ChatProvider }>()
  /** Keys as last read: the secret store may decrypt or read a file on each get. */
  private readonly keys = new Map<string, string | undefined>()

  constructor(private readonly deps: ProviderRegistryDeps) {
    for (const config of deps.configs.providers()) {
      const key = deps.secrets.get(keyNameFor(config.id))
      if (key) deps.scrubber?.register(key)
    }
  }

  needsKey(config: ProviderConfig): boolean {
    return KEYED.has(config.kind) || (config.kind === 'openai-compatible' && config.preset === 'openrouter')
  }

  /** What the renderer may see: never the key, only whether it is set and its last four characters. */
  view(config: ProviderConfig): ProviderView {
    if (KEYLESS.has(config.kind)) return { config, key: null }
    const key = this.key(config.id)
    return { config, key: key ? { set: true, last4: key.slice(-4) } : { set: false } }
  }

  list(): ProviderView[] {
    return this.deps.configs.providers().map((config) => this.view(config))
  }

  config(id: string): ProviderConfig {
    const config = this.deps.configs.get(id)
    if (!config) throw new ValidationError(`There is no provider "${id}".`, [{ path: 'id', message: 'unknown provider' }], 'Pick one from Providers & Health.')
    return config
  }

  /** The base URL a provider really talks to (the built-in Ollama follows the app's host setting). */
  baseUrlOf(config: ProviderConfig): string {
    if (config.kind === 'ollama' && !config.baseUrl) return this.deps.ollamaHost()
    return config.baseUrl ?? ''
  }

  save(config: ProviderConfig, key?: string): ProviderView {
    if (KEYLESS.has(config.kind) && key !== undefined) {
      throw new ValidationError(`${config.name} does not use an API key.`, [{ path: 'key', message: 'not used by this kind' }])
    }
    const saved = this.deps.configs.upsert(config)
    if (key !== undefined) this.storeKey(saved.id, key)
    this.cache.delete(saved.id)
    return this.view(saved)
  }

  setKey(id: string, key: string | null): ProviderView {
    const config = this.config(id)
    if (KEYLESS.has(config.kind)) throw new ValidationError(`${config.name} does not use an API key.`, [{ path: 'key', message: 'not used by this kind' }])
    if (key === null) this.deps.secrets.delete(keyNameFor(id))
    else this.storeKey(id, key)
    this.keys.delete(id)
    this.cache.delete(id)
    return this.view(config)
  }

  remove(id: string): boolean {
    const removed = this.deps.configs.remove(id)
    this.deps.secrets.delete(keyNameFor(id))
    this.keys.delete(id)
    this.cache.delete(id)
    return removed
  }

  private storeKey(id: string, key: string): void {
    this.deps.scrubber?.register(key)
    this.deps.secrets.set(keyNameFor(id), key)
    this.keys.delete(id)
  }

  private key(id: string): string | undefined {
    if (!this.keys.has(id)) this.keys.set(id, this.deps.secrets.get(keyNameFor(id)))
    return this.keys.get(id)
  }

  /** A live provider for this id, rebuilt when its settings, key or (for Ollama) the host change. */
  provider(id: string): ChatProvider {
    const config = this.config(id)
    const factory = this.deps.factories[config.kind]
    if (!factory) throw new ConfigError(`Ollama Desk cannot talk to ${config.kind} providers in this build.`)
    const apiKey = KEYLESS.has(config.kind) ? undefined : this.key(id)
    if (!apiKey && this.needsKey(config)) {
      throw new ConfigError(`${config.name} needs an API key.`, { hint: 'Add the key in Providers & Health.' })
    }
    const baseUrl = this.baseUrlOf(config)
    const fingerprint = JSON.stringify([config, baseUrl, apiKey?.length, apiKey?.slice(-6)])
    const cached = this.cache.get(id)
    if (cached?.fingerprint === fingerprint) return cached.provider
    const effective = { ...config, baseUrl }
    const provider = factory({ config: effective, apiKey, fetch: this.deps.makeFetch(effective, baseUrl), now: this.deps.now })
    this.cache.set(id, { fingerprint, provider })
    return provider
  }

  enabled(): ProviderConfig[] {
    return this.deps.configs.providers().filter((config) => config.enabled)
  }
}
