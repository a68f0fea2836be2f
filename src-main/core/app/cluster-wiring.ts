import type { clusterRoutes, clusterStreams } from '../../../src-shared/contract/cluster'
import { ClusterController, type ClusterControllerOptions } from '../cluster/controller'
import { rdmaProbe } from '../cluster/local-machine'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'
import type { WiringContext } from './wiring-context'

export type ClusterRouteHandlers = Pick<RouteHandlers, keyof typeof clusterRoutes>
export type ClusterStreamHandlers = Pick<StreamHandlers, keyof typeof clusterStreams>

export interface ClusterWiring {
  handlers: ClusterRouteHandlers
  streamHandlers: ClusterStreamHandlers
  controller: ClusterController
  close(): Promise<void> | void
}

/**
 * Peers on the LAN: discovery, pairing, links, models on each, model transfer. The service listens
 * only in the long-running app and only while `cluster.enabled` is on.
 */
export function wireCluster(ctx: WiringContext, overrides: Partial<ClusterControllerOptions> = {}): ClusterWiring {
  const log = ctx.logger.log.child({ component: 'cluster' })
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
