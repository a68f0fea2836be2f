import type { CapabilityName, CapabilityOf, RouteName, RouteNamesOf, StreamName, StreamNamesOf } from '../../../src-shared/contract'
import type { RouteHandlers, StreamHandlers } from '../rpc'

/**
 * What one capability's wiring (`wire<X>()`) gives the core: a handler for every route and stream
 * its contract file declares, and how to stop. A missing handler is a type error.
 */
export interface CapabilityWiring<N extends CapabilityName> {
  handlers: Pick<RouteHandlers, RouteNamesOf<CapabilityOf<N>> & RouteName>
  streamHandlers: Pick<StreamHandlers, StreamNamesOf<CapabilityOf<N>> & StreamName>
  /** Called once when the core closes, last built first. */
  close?(): Promise<void> | void
}

/** One wiring per capability of the contract's registry: a capability without one does not compile. */
export type CoreWirings = { [N in CapabilityName]: CapabilityWiring<N> }

/** The routes (streams) the wirings answer between them. */
type RoutesAnswered = { [N in CapabilityName]: RouteNamesOf<CapabilityOf<N>> }[CapabilityName]
type StreamsAnswered = { [N in CapabilityName]: StreamNamesOf<CapabilityOf<N>> }[CapabilityName]
type Assert<T extends true> = T
/**
 * Compile-time proof that CoreWirings covers every route and stream, so the casts below are sound.
 * @internal
 */
export type EveryRouteHasAWiring = Assert<[Exclude<RouteName, RoutesAnswered>] extends [never] ? true : false>
/** @internal */
export type EveryStreamHasAWiring = Assert<[Exclude<StreamName, StreamsAnswered>] extends [never] ? true : false>

/** Every wiring's route handlers in one table for the dispatcher. */
export function routeHandlersOf(wirings: CoreWirings): RouteHandlers {
  return Object.assign({}, ...Object.values(wirings).map((wiring) => wiring.handlers)) as RouteHandlers
}

/** Every wiring's stream handlers in one table for the dispatcher. */
export function streamHandlersOf(wirings: CoreWirings): StreamHandlers {
  return Object.assign({}, ...Object.values(wirings).map((wiring) => wiring.streamHandlers)) as StreamHandlers
}

/** Closes the wirings in the reverse of the order they were built: later ones may still report through earlier ones. */
export async function closeWirings(wirings: CoreWirings): Promise<void> {
  for (const wiring of Object.values(wirings).reverse()) await wiring.close?.()
}
