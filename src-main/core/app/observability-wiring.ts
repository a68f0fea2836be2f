import type { observabilityRoutes, observabilityStreams } from '../../../src-shared/contract/observability'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'
import type { BaseWiringContext } from './wiring-context'

export type ObservabilityRouteHandlers = Pick<RouteHandlers, keyof typeof observabilityRoutes>
export type ObservabilityStreamHandlers = Pick<StreamHandlers, keyof typeof observabilityStreams>

export interface ObservabilityWiring {
  handlers: ObservabilityRouteHandlers
  streamHandlers: ObservabilityStreamHandlers
  close(): Promise<void> | void
}

/** Logs from every process, the diagnostics bundle, and profiling (performance marks, CPU profiles). */
export function wireObservability(_ctx: BaseWiringContext): ObservabilityWiring {
  return { handlers: {}, streamHandlers: {}, close() {} }
}
