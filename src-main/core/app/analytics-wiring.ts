import type { analyticsRoutes, analyticsStreams } from '../../../src-shared/contract/analytics'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'
import type { WiringContext } from './wiring-context'

export type AnalyticsRouteHandlers = Pick<RouteHandlers, keyof typeof analyticsRoutes>
export type AnalyticsStreamHandlers = Pick<StreamHandlers, keyof typeof analyticsStreams>

export interface AnalyticsWiring {
  handlers: AnalyticsRouteHandlers
  streamHandlers: AnalyticsStreamHandlers
  close(): Promise<void> | void
}

/** Opt-in usage analytics: consent, a closed set of events, and the local log of what was sent. */
export function wireAnalytics(_ctx: WiringContext): AnalyticsWiring {
  return { handlers: {}, streamHandlers: {}, close() {} }
}
