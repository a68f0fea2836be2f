import type { telemetryRoutes, telemetryStreams } from '../../../src-shared/contract/telemetry'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'
import type { BaseWiringContext } from './wiring-context'

export type TelemetryRouteHandlers = Pick<RouteHandlers, keyof typeof telemetryRoutes>
export type TelemetryStreamHandlers = Pick<StreamHandlers, keyof typeof telemetryStreams>

export interface TelemetryWiring {
  handlers: TelemetryRouteHandlers
  streamHandlers: TelemetryStreamHandlers
  close(): Promise<void> | void
}

/** OpenTelemetry tracing of chat requests, off by default, exported over OTLP to an endpoint the user sets. */
export function wireTelemetry(_ctx: BaseWiringContext): TelemetryWiring {
  return { handlers: {}, streamHandlers: {}, close() {} }
}
