import type { clusterRoutes, clusterStreams } from '../../../src-shared/contract/cluster'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'
import type { WiringContext } from './wiring-context'

export type ClusterRouteHandlers = Pick<RouteHandlers, keyof typeof clusterRoutes>
export type ClusterStreamHandlers = Pick<StreamHandlers, keyof typeof clusterStreams>

export interface ClusterWiring {
  handlers: ClusterRouteHandlers
  streamHandlers: ClusterStreamHandlers
  close(): Promise<void> | void
}

/** Peers on the LAN: discovery, pairing, links, models on each, model transfer. */
export function wireCluster(_ctx: WiringContext): ClusterWiring {
  return { handlers: {}, streamHandlers: {}, close() {} }
}
