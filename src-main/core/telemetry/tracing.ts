import { AppError, errorClassOf, toAppError } from '../errors'

export type AttributeValue = string | number | boolean | string[]
/** Undefined and null values are left out, so callers can pass optional fields as they are. */
export type Attributes = Record<string, AttributeValue | null | undefined>

export type SpanKind = 'internal' | 'client'

/** One span; ended exactly once by whoever started it. */
export interface SpanHandle {
  /** False for the no-op span: lets a caller skip work that only feeds attributes. */
  readonly recording: boolean
  set(attributes: Attributes): void
  event(name: string, attributes?: Attributes): void
  /** A span under this one; parents are always passed explicitly, never read from a global context. */
  child(name: string, attributes?: Attributes, kind?: SpanKind): SpanHandle
  /** Marks the span failed with the error's class (or the given type name); never its message (it may quote user text). */
  recordError(error: unknown): void
  end(): void
}

/** What the core uses to trace; the no-op one when tracing is off, so callers never branch. */
export interface Tracing {
  startSpan(name: string, attributes?: Attributes, kind?: SpanKind): SpanHandle
}

export const noopSpan: SpanHandle = {
  recording: false,
  set() {},
  event() {},
  child: () => noopSpan,
  recordError() {},
  end() {},
}

export const noopTracing: Tracing = { startSpan: () => noopSpan }

/** A low-cardinality name for an error: the provider error class (rate-limited, auth …) or our error code. */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'string') return error
  const appError = error instanceof AppError ? error : toAppError(error)
  return errorClassOf(appError) ?? appError.code
}

/** Runs `work` in a child span of `parent` (or a new span of `tracing`), ending it and recording a throw. */
export async function inSpan<T>(parent: SpanHandle | undefined, tracing: Tracing | undefined, name: string, attributes: Attributes, work: (span: SpanHandle) => Promise<T>, kind?: SpanKind): Promise<T> {
  const span = parent ? parent.child(name, attributes, kind) : (tracing ?? noopTracing).startSpan(name, attributes, kind)
  try {
    return await work(span)
  } catch (error) {
    span.recordError(error)
    throw error
  } finally {
    span.end()
  }
}
