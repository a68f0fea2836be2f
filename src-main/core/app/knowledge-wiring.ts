import { KnowledgeClient, knowledgeContext, type EmbedderEndpoints, type KnowledgeClientOptions, type ScoredPassage } from '../knowledge'
import { defaultBaseUrl, keyNameFor } from '../providers'
import type { CapabilityWiring } from './capability'
import type { WiringContext } from './wiring-context'

export interface KnowledgeWiring extends CapabilityWiring<'knowledge'> {
  /** The client, opened on first use (its worker starts then, not with the app). */
  client(): Promise<KnowledgeClient>
  /** The numbered passages a chat sends with a prompt (see ChatServiceDeps.knowledge). */
  context(input: { bases: string[]; query: string; signal: AbortSignal }): Promise<string | undefined>
}

/** How many passages a prompt may bring, and how many tokens they may take together. */
export const CHAT_PASSAGES = 8
export const CHAT_PASSAGE_BUDGET = 1500

/** Where each provider's embeddings endpoint is, from the providers as configured (API keys stay in this process). */
export function embedderEndpoints(ctx: Pick<WiringContext, 'providers' | 'secrets' | 'ollamaHost'>): EmbedderEndpoints {
  const endpoints: EmbedderEndpoints = {}
  for (const config of ctx.providers.configs.providers()) {
    if (config.kind === 'ollama') {
      endpoints[config.id] = { kind: 'ollama', baseUrl: config.baseUrl || ctx.ollamaHost() }
    } else if (config.kind === 'openai' || config.kind === 'openai-compatible') {
      const apiKey = ctx.secrets.get(keyNameFor(config.id))
      endpoints[config.id] = { kind: 'openai', baseUrl: config.baseUrl || defaultBaseUrl(config.kind, config.preset), ...(apiKey ? { apiKey } : {}) }
    }
  }
  return endpoints
}

/** Knowledge bases: `<dataDir>/knowledge/`, served by the knowledge worker (core/knowledge). */
export function wireKnowledge(ctx: WiringContext, options: { worker?: KnowledgeClientOptions['worker'] } = {}): KnowledgeWiring {
  let opening: Promise<KnowledgeClient> | undefined
  const client = (): Promise<KnowledgeClient> => {
    opening ??= KnowledgeClient.open({ dataDir: ctx.paths.root, ...(options.worker ? { worker: options.worker } : {}) }).then(async (opened) => {
      opened.onEvent((event) => ctx.broadcast('knowledge.job', { base: event.base, job: event.job }))
      await watch(opened)
      return opened
    })
    return opening
  }
  /** Only the long-running app watches folders (a one-shot CLI command does not). */
  const watch = async (opened: KnowledgeClient): Promise<void> => {
    if (!ctx.options.ownsHistory) return
    await opened.setEndpoints(embedderEndpoints(ctx))
    await opened.watchSources().catch((error: unknown) => ctx.logger.log.warn({ err: error }, 'cannot watch knowledge folders'))
  }
  /** The client with the providers' endpoints as they are now (a key or a URL may have changed since). */
  const ready = async (): Promise<KnowledgeClient> => {
    const opened = await client()
    await opened.setEndpoints(embedderEndpoints(ctx))
    return opened
  }

  const log = ctx.logger.log.child({ component: 'knowledge' })
  /**
   * Bases removed since they were attached are skipped; when the embedding model cannot be reached
   * the passages are found by words alone, and a failing search never stops the chat.
   */
  const context: KnowledgeWiring['context'] = async ({ bases, query }) => {
    try {
      const opened = await ready()
      const existing = new Set((await opened.list()).map((base) => base.id))
      const ids = bases.filter((id) => existing.has(id))
      if (ids.length === 0) return undefined
      let passages: ScoredPassage[]
      try {
        passages = await opened.search({ bases: ids, query, k: CHAT_PASSAGES })
      } catch (error) {
        log.warn({ err: error }, 'knowledge search by meaning failed; searching by words only')
        passages = await opened.search({ bases: ids, query, k: CHAT_PASSAGES, mode: 'keyword' })
      }
      return knowledgeContext(passages, CHAT_PASSAGE_BUDGET)?.text
    } catch (error) {
      log.warn({ err: error }, 'no knowledge passages for this prompt')
      return undefined
    }
  }

  const handlers: CapabilityWiring<'knowledge'>['handlers'] = {
    'knowledge.list': async () => ({ bases: await (await client()).list() }),
    'knowledge.create': async ({ name, embedding }) => ({ base: await (await client()).create({ name, ...(embedding ? { embedding } : {}) }) }),
    'knowledge.rename': async ({ id, name }) => ({ base: await (await client()).rename(id, name) }),
    'knowledge.remove': async ({ id }) => {
      await (await client()).remove(id)
      return { removed: id }
    },
    'knowledge.addSource': async (input) => {
      const opened = await client()
      const base = await opened.addSource(input.id, input.path, input.watch ?? false)
      if (input.watch) await watch(opened)
      return { base }
    },
    'knowledge.removeSource': async ({ id, path }) => {
      const opened = await client()
      const base = await opened.removeSource(id, path)
      await watch(opened)
      return { base }
    },
    'knowledge.files': async ({ id }) => ({ files: await (await client()).files(id) }),
    'knowledge.sync': async ({ id }) => ({ job: await (await ready()).sync(id) }),
    'knowledge.pause': async ({ id }) => ({ job: await (await client()).pause(id) }),
    'knowledge.resume': async ({ id }) => ({ job: await (await client()).resume(id) }),
    'knowledge.cancel': async ({ id }) => ({ job: await (await client()).cancel(id) }),
    'knowledge.search': async ({ bases, query, k, mode, folder, kinds }) => ({
      passages: await (await ready()).search({ bases, query, ...(k ? { k } : {}), ...(mode ? { mode } : {}), filters: { ...(folder ? { folder } : {}), ...(kinds ? { kinds } : {}) } }),
    }),
  }
  return {
    client,
    context,
    handlers,
    streamHandlers: {},
    async close() {
      if (opening) await (await opening).close()
    },
  }
}
