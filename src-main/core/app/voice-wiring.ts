import path from 'node:path'
import { AppError, ConfigError } from '../errors'
import { createProviderFetch, keyNameFor } from '../providers'
import { defaultCatalog, downloadModel, forkSherpa, importModel, SherpaHost, VoiceModelStore, VoiceService, withFormDataBodies, type OpenAiConnection, type VoiceCoreOptions } from '../voice'
import type { CapabilityWiring } from './capability'
import type { WiringContext } from './wiring-context'

export type VoiceRouteHandlers = CapabilityWiring<'voice'>['handlers']
export type VoiceStreamHandlers = CapabilityWiring<'voice'>['streamHandlers']

export interface VoiceWiring extends CapabilityWiring<'voice'> {
  service: VoiceService
}

const OPENAI_DEFAULT_URL = 'https://api.openai.com/v1'

/** The OpenAI-speaking provider the voice settings name (empty = the first enabled OpenAI one), with its key. */
async function openAiConnection(ctx: WiringContext, providerId: string): Promise<OpenAiConnection> {
  const configs = ctx.providers.configs
  const config = providerId ? configs.get(providerId) : configs.providers().find((p) => p.kind === 'openai' && p.enabled)
  if (!config) {
    return { error: new ConfigError(providerId ? `There is no provider "${providerId}" for voice.` : 'No OpenAI provider is set up for voice.', { hint: 'Add OpenAI in Providers & Health, then pick it in Settings → Voice.' }) }
  }
  if (config.kind !== 'openai' && config.kind !== 'openai-compatible') {
    return { error: new ConfigError(`${config.name} does not speak OpenAI's audio API.`, { hint: 'Pick an OpenAI provider in Settings → Voice.' }) }
  }
  const apiKey = ctx.secrets.get(keyNameFor(config.id))
  if (!apiKey && config.kind === 'openai') return { error: new ConfigError(`${config.name} needs an API key for voice.`, { hint: 'Add the key in Providers & Health.' }) }
  const baseUrl = config.baseUrl || OPENAI_DEFAULT_URL
  const routed = createProviderFetch(config.proxy, baseUrl, ctx.env)
  // Local OpenAI-compatible servers (whisper.cpp, speaches) want no Authorization header at all.
  const keyless: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers)
    headers.delete('authorization')
    return routed(input, { ...init, headers })
  }
  const { default: OpenAI } = await import('openai') // on first use, not at start-up
  const client = new OpenAI({
    apiKey: apiKey || 'no-key-configured',
    baseURL: baseUrl,
    organization: null,
    project: null,
    adminAPIKey: null,
    fetch: withFormDataBodies(apiKey ? routed : keyless),
    maxRetries: 0,
    timeout: config.timeoutMs,
    logLevel: 'off',
  })
  return { client, name: config.name }
}

/** Dictation (speech to text) and read-aloud (text to speech), local first. */
export function wireVoice(ctx: WiringContext): VoiceWiring {
  const options: VoiceCoreOptions = ctx.options.voice ?? {}
  const log = ctx.logger.log.child({ capability: 'voice' })
  const spawn = options.spawnSherpa ?? (options.sherpaEntry ? forkSherpa(options.sherpaEntry) : undefined)
  const host = new SherpaHost({ ...(spawn ? { spawn } : {}), onStderr: (text) => log.warn({ stderr: text.slice(0, 500) }, 'speech engine said') })
  const store = new VoiceModelStore(path.join(ctx.paths.root, 'voice-models'), options.catalog ?? defaultCatalog())
  const service = new VoiceService({
    settings: () => ctx.settings.get().voice,
    host,
    store,
    openAi: (providerId) => openAiConnection(ctx, providerId),
    broadcast: ctx.broadcast,
    ...(options.sttEngines ? { sttEngines: options.sttEngines } : {}),
    ...(options.ttsEngines ? { ttsEngines: options.ttsEngines } : {}),
  })
  const fetcher = options.fetch ?? (ctx.options.fetch as typeof fetch | undefined) ?? fetch
  /** Downloads in progress; a cancelled one is awaited (it is cleaning up) before the same model starts again. */
  const downloading = new Map<string, { signal: AbortSignal; done: Promise<void> }>()

  const handlers: VoiceRouteHandlers = {
    'voice.status': () => service.status(),
    'voice.dictation.start': (input) => {
      const settings = ctx.settings.get().voice
      return service.dictation.start({ sampleRate: input.sampleRate, engine: input.engine ?? settings.sttEngine, mode: input.mode ?? settings.sttMode, language: input.language ?? settings.sttLanguage })
    },
    'voice.dictation.push': (input) => service.dictation.push(input.id, input.pcm),
    'voice.dictation.stop': (input) => service.dictation.stop(input.id),
    'voice.dictation.cancel': (input) => service.dictation.cancel(input.id),
    'voice.speak': async (input, request) => {
      const spoken = await service.speak(input.text, input.engine, input.voice)
      if (request.signal.aborted) throw new AppError('E_CANCELLED', 'Stopped.')
      return { audio: spoken.audio.toString('base64'), mime: spoken.mime, engine: spoken.engine, ...(spoken.sampleRate ? { sampleRate: spoken.sampleRate } : {}) }
    },
    'voice.voices': () => service.voices(),
    'voice.models': () => ({ models: store.list(), dir: store.root }),
    'voice.models.import': async (input) => {
      const manifest = await importModel(input, store.root, { home: ctx.home, ...(options.extract ? { extract: options.extract } : {}) })
      log.info({ model: manifest.id, kind: manifest.kind, files: manifest.files.length }, 'voice model imported from a folder')
      const model = store.list().find((listed) => listed.id === manifest.id)
      if (!model) throw new AppError('E_INTERNAL', `${manifest.name} was imported but is not listed.`)
      return { model }
    },
    'voice.models.remove': (input) => {
      if (downloading.has(input.id)) throw new AppError('E_CONFIG', 'This model is downloading; cancel the download first.')
      return { removed: store.remove(input.id) }
    },
  }

  const streamHandlers: VoiceStreamHandlers = {
    'voice.models.download': async function* (input, request) {
      const entry = store.entry(input.id)
      const previous = downloading.get(entry.id)
      if (previous && !previous.signal.aborted) throw new AppError('E_CONFIG', `${entry.name} is already downloading.`)
      if (previous) await previous.done
      let finished = (): void => undefined
      downloading.set(entry.id, { signal: request.signal, done: new Promise<void>((resolve) => (finished = resolve)) })
      try {
        log.info({ model: entry.id }, 'voice model download started with consent')
        const { dir } = yield* downloadModel(entry, store.root, { fetch: fetcher, ...(options.extract ? { extract: options.extract } : {}) }, request.signal)
        log.info({ model: entry.id }, 'voice model installed')
        return { id: entry.id, installed: true, dir }
      } finally {
        downloading.delete(entry.id)
        finished()
      }
    },
  }

  return { handlers, streamHandlers, service, close: () => service.close() }
}
