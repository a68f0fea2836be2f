import type { ProviderConfig } from '../../../src-shared/contract'
import { ChatHosts, ClusterController, describeOwnOllama, rdmaProbe, type ClusterControllerOptions, type OllamaHostsPort } from '../cluster'
import { AppError } from '../errors'
import { probeOllama } from '../ollama'
import type { CapabilityWiring } from './capability'
import type { WiringContext } from './wiring-context'

export type ClusterRouteHandlers = CapabilityWiring<'cluster'>['handlers']
export type ClusterStreamHandlers = CapabilityWiring<'cluster'>['streamHandlers']

export interface ClusterWiring extends CapabilityWiring<'cluster'> {
  controller: ClusterController
}

/**
 * Peers on the LAN: discovery, pairing, links, models on each, model transfer. The service listens
 * only in the long-running app and only while `cluster.enabled` is on.
 */
export function wireCluster(ctx: WiringContext, overrides: Partial<ClusterControllerOptions> = {}): ClusterWiring {
  const log = ctx.logger.log.child({ component: 'cluster' })
  const fetch = ctx.options.fetch
  // Tests on a busy machine wait longer for answers that must come (peers, Ollama servers).
  const timeoutMs = overrides.probeTimeoutMs === undefined ? {} : { timeoutMs: overrides.probeTimeoutMs }
  const chat = new ChatHosts({
    dataDir: ctx.paths.root,
    pool: localOllamaHosts(ctx),
    probe: (url, signal) => probeOllama(url, { signal, ...timeoutMs, ...(fetch ? { fetch } : {}) }),
  })
  const controller = new ClusterController({
    dataDir: ctx.paths.root,
    secrets: ctx.secrets,
    env: ctx.env,
    home: ctx.home,
    log,
    version: ctx.version,
    canListen: ctx.options.ownsHistory === true,
    changed: (reason) => ctx.broadcast('cluster.changed', { reason }),
    rdma: rdmaProbe(),
    ollama: describeOwnOllama({ host: () => ctx.env.OLLAMA_HOST || ctx.settings.get().ollama.host, ...timeoutMs, ...(fetch ? { fetch } : {}) }),
    chat,
    ...overrides,
  })
  const apply = (settings: ReturnType<WiringContext['settings']['get']>): void => {
    controller.apply(settings.cluster).catch((error: unknown) => log.warn({ err: error }, 'applying the cluster settings failed'))
  }
  apply(ctx.settings.get())
  const unsubscribe = ctx.settings.onChange(apply)

  const handlers: ClusterRouteHandlers = {
    'cluster.status': () => controller.status(),
    'cluster.peers': async ({ refresh }) => ({ peers: await controller.peers(refresh) }),
    'cluster.pairing.code': () => controller.pairingCode(),
    'cluster.pair': async ({ peer, code }, { signal }) => ({ peer: await controller.pair(peer, code, signal) }),
    'cluster.unpair': ({ peer }) => controller.unpair(peer),
    'cluster.useForChat': ({ peer, enabled }, { signal }) => controller.useForChat(peer, enabled, signal),
    'cluster.allowModels': ({ peer, allowed }) => controller.allowModels(peer, allowed),
    'cluster.measure': async ({ peer }, { signal }) => ({ link: await controller.measure(peer, signal) }),
  }
  const streamHandlers: ClusterStreamHandlers = {
    'cluster.sendModel': ({ model, peer }, { signal }) => controller.sendModel(model, peer, signal),
  }
  return {
    handlers,
    streamHandlers,
    controller,
    async close() {
      unsubscribe()
      await controller.close()
    },
  }
}

/** The built-in provider for this computer's Ollama (see LOCAL_OLLAMA in providers/config-store.ts). */
const LOCAL_OLLAMA_ID = 'ollama'

/** The local Ollama provider's `hosts`, saved through `providers.save` so the provider is rebuilt and clients hear `providers.changed`. */
function localOllamaHosts(ctx: WiringContext): OllamaHostsPort {
  const local = (): ProviderConfig | undefined => {
    const config = ctx.providers.configs.get(LOCAL_OLLAMA_ID)
    return config?.kind === 'ollama' ? config : undefined
  }
  return {
    hosts: () => local()?.hosts ?? [],
    setHosts: async (hosts) => {
      const config = local()
      if (!config) {
        throw new AppError('E_CONFIG', 'This computer’s Ollama provider was removed, so chats have no pool to add the machine to.', {
          hint: 'Add an Ollama provider with the id "ollama" in Providers & Health, then try again.',
        })
      }
      await ctx.providers.handlers['providers.save']({ config: { ...config, hosts } }, { signal: AbortSignal.timeout(10_000), clientId: 'cluster' })
    },
  }
}
