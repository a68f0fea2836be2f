import { OtelTracing, sendTestSpan, type Tracing } from '../telemetry'
import type { CapabilityWiring } from './capability'
import type { BaseWiringContext } from './wiring-context'

export type TelemetryRouteHandlers = CapabilityWiring<'telemetry'>['handlers']

export interface TelemetryWiring extends CapabilityWiring<'telemetry'> {
  /** What the rest of the core traces through; spans go nowhere while tracing is off. */
  tracing: Tracing
}

/** OpenTelemetry tracing of chat requests, off by default, exported over OTLP to an endpoint the user sets. */
export function wireTelemetry(ctx: BaseWiringContext): TelemetryWiring {
  const log = ctx.logger.log.child({ component: 'telemetry' })
  const tracing = new OtelTracing({ version: ctx.version, log })
  void tracing.configure(ctx.settings.get().telemetry)
  // Turning tracing on or off, or a new endpoint, takes effect at once: no restart.
  const unsubscribe = ctx.settings.onChange((next) => void tracing.configure(next.telemetry))

  const handlers: TelemetryRouteHandlers = {
    'telemetry.status': () => tracing.status(),
    'telemetry.test': ({ endpoint, headers }) => {
      const saved = ctx.settings.get().telemetry
      return sendTestSpan({ endpoint: endpoint ?? saved.endpoint, headers: headers ?? saved.headers, serviceName: saved.serviceName }, { version: ctx.version })
    },
  }

  return {
    handlers,
    streamHandlers: {},
    tracing,
    async close() {
      unsubscribe()
      await tracing.close()
    },
  }
}
