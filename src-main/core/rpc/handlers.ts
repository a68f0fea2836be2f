import type {
  RouteName,
  RouteOutput,
  RouteParsedInput,
  StreamEvent,
  StreamName,
  StreamParsedInput,
  StreamResult,
} from '../../../src-shared/contract'

export interface RequestContext {
  /** Aborted when the client cancels or disconnects. */
  readonly signal: AbortSignal
  /** Which connection asked: for logs, never for authorisation (every client is already trusted). */
  readonly clientId: string
}

/** One handler per route. A route without a handler does not compile. */
export type RouteHandlers = {
  [K in RouteName]: (
    input: RouteParsedInput<K>,
    ctx: RequestContext,
  ) => Promise<RouteOutput<K>> | RouteOutput<K>
}

/** One async generator per stream: yield events, return the result, watch ctx.signal. */
export type StreamHandlers = {
  [K in StreamName]: (
    input: StreamParsedInput<K>,
    ctx: RequestContext,
  ) => AsyncGenerator<StreamEvent<K>, StreamResult<K>, void>
}
