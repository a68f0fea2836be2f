import type { updatesRoutes, updatesStreams } from '../../../src-shared/contract/updates'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'
import type { WiringContext } from './wiring-context'

export type UpdatesRouteHandlers = Pick<RouteHandlers, keyof typeof updatesRoutes>
export type UpdatesStreamHandlers = Pick<StreamHandlers, keyof typeof updatesStreams>

export interface UpdatesWiring {
  handlers: UpdatesRouteHandlers
  streamHandlers: UpdatesStreamHandlers
  close(): Promise<void> | void
}

/** Automatic updates of the desktop app: channel, checks, download progress, install. */
export function wireUpdates(_ctx: WiringContext): UpdatesWiring {
  return { handlers: {}, streamHandlers: {}, close() {} }
}
