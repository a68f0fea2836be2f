import type { z } from 'zod'
import {
  isRouteName,
  isStreamName,
  routes,
  streams,
  type Result,
} from '../../../src-shared/contract'
import { AppError, CancelledError, UnknownRouteError, parseOrThrow, toAppError } from '../errors'
import type { Logger } from '../log'
import type { RequestContext, RouteHandlers, StreamHandlers } from './handlers'

export interface Dispatcher {
  call(route: string, input: unknown, ctx: RequestContext): Promise<Result<unknown>>
  stream(
    route: string,
    input: unknown,
    ctx: RequestContext,
    onEvent: (event: unknown) => void | Promise<void>,
  ): Promise<Result<unknown>>
}

/**
 * A stream whose events are ready at once (a fast model, a loopback test) would otherwise run
 * from one microtask to the next and never let the event loop in: no other client's call, no
 * socket's close event, no batched frame would get through until it ended. So a stream gives the
 * loop a turn after this much continuous work.
 */
const STREAM_SLICE_MS = 8
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

type AnyHandler = (input: unknown, ctx: RequestContext) => unknown
type AnyStreamHandler = (input: unknown, ctx: RequestContext) => AsyncGenerator<unknown, unknown, void>

/**
 * Parses input against the contract, runs the handler, checks what it returns, and turns every
 * failure into a typed error result. Nothing thrown here ever reaches a transport.
 */
export function createDispatcher(
  handlers: RouteHandlers,
  streamHandlers: StreamHandlers,
  log: Logger,
): Dispatcher {
  const failure = (error: unknown, route: string): Result<never> => {
    const appError = toAppError(error)
    if (appError.code === 'E_INTERNAL' || !(error instanceof AppError)) {
      log.error({ route, err: error }, 'request failed')
    }
    return { ok: false, error: appError.toShape() }
  }

  const checkOutput = (schema: z.ZodType, value: unknown, route: string): unknown => {
    const parsed = schema.safeParse(value)
    if (parsed.success) return parsed.data
    throw new AppError('E_INTERNAL', `The app produced an invalid reply to "${route}".`, {
      cause: parsed.error,
      hint: 'This is a bug in Ollama Desk; the log has the details.',
    })
  }

  return {
    async call(route, rawInput, ctx) {
      try {
        if (!isRouteName(route)) throw new UnknownRouteError(route)
        const def = routes[route]
        const input = parseOrThrow(def.input, rawInput, `input for "${route}"`)
        const handler = handlers[route] as AnyHandler
        const value = await handler(input, ctx)
        return { ok: true, value: checkOutput(def.output, value, route) }
      } catch (error) {
        return failure(error, route)
      }
    },

    async stream(route, rawInput, ctx, onEvent) {
      let generator: AsyncGenerator<unknown, unknown, void> | undefined
      const cancelled = new Promise<never>((_, reject) => {
        const abort = (): void => reject(new CancelledError())
        if (ctx.signal.aborted) abort()
        else ctx.signal.addEventListener('abort', abort, { once: true })
      })
      cancelled.catch(() => undefined)
      try {
        if (!isStreamName(route)) throw new UnknownRouteError(route)
        const def = streams[route]
        const input = parseOrThrow(def.input, rawInput, `input for "${route}"`)
        generator = (streamHandlers[route] as AnyStreamHandler)(input, ctx)
        let sliceStart = performance.now()
        for (;;) {
          // Racing against cancellation answers at once even while the handler is mid-await.
          const step = await Promise.race([generator.next(), cancelled])
          if (step.done) return { ok: true, value: checkOutput(def.result, step.value, route) }
          await onEvent(checkOutput(def.event, step.value, route))
          if (performance.now() - sliceStart >= STREAM_SLICE_MS) {
            // Not raced against cancellation: a cancel here is seen by the next generator.next(), so
            // the handler runs its own stop path (a chat marks its reply stopped) instead of being
            // ended at its yield, where only finally blocks run.
            await nextTurn()
            sliceStart = performance.now()
          }
        }
      } catch (error) {
        void generator?.return(undefined).catch(() => undefined)
        return failure(error, route)
      }
    },
  }
}
