import { ROOT_CONTEXT, SpanKind as OtelSpanKind, SpanStatusCode, trace, type Attributes as OtelAttributes, type Span, type Tracer } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace'
import { errorTypeOf, type Attributes, type SpanHandle, type SpanKind } from './tracing'
import { ATTR } from './attributes'

/**
 * Everything that touches the OpenTelemetry packages (about 300 module files, 150-250 ms to
 * import on a busy machine). Only `import()`ed: when tracing is turned on or a test span is sent,
 * never at start-up with tracing off.
 */

export type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0]

export interface CollectorTarget {
  endpoint: string
  headers: Record<string, string>
  serviceName: string
}

/** Milliseconds since the epoch, with the sub-millisecond part: when a buffered call really happened. */
export type EpochMs = number

function toOtelAttributes(attributes: Attributes | undefined): OtelAttributes {
  const out: OtelAttributes = {}
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined && value !== null) out[key] = value
  return out
}

const kindOf = (kind: SpanKind | undefined): OtelSpanKind => (kind === 'client' ? OtelSpanKind.CLIENT : OtelSpanKind.INTERNAL)

/** A span handle whose calls may carry the time they happened (a buffered span replays through these). */
export interface TimedSpan extends SpanHandle {
  eventAt(name: string, attributes: Attributes | undefined, at: EpochMs): void
  childAt(name: string, attributes: Attributes | undefined, kind: SpanKind | undefined, at: EpochMs): TimedSpan
  endAt(at: EpochMs): void
}

class OtelSpan implements TimedSpan {
  readonly recording = true
  private ended = false

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
  ) {}

  set(attributes: Attributes): void {
    this.span.setAttributes(toOtelAttributes(attributes))
  }

  event(name: string, attributes?: Attributes): void {
    this.span.addEvent(name, toOtelAttributes(attributes))
  }

  eventAt(name: string, attributes: Attributes | undefined, at: EpochMs): void {
    this.span.addEvent(name, toOtelAttributes(attributes), at)
  }

  child(name: string, attributes?: Attributes, kind?: SpanKind): SpanHandle {
    return this.childAt(name, attributes, kind, undefined)
  }

  childAt(name: string, attributes: Attributes | undefined, kind: SpanKind | undefined, at: EpochMs | undefined): TimedSpan {
    // The parent goes in an explicit context: no global context manager is registered, so nothing
    // (e.g. a fetch instrumentation) can pick it up and send `traceparent` to a provider.
    const parent = trace.setSpan(ROOT_CONTEXT, this.span)
    const options = { kind: kindOf(kind), attributes: toOtelAttributes(attributes), ...(at === undefined ? {} : { startTime: at }) }
    return new OtelSpan(this.tracer, this.tracer.startSpan(name, options, parent))
  }

  recordError(error: unknown): void {
    const type = errorTypeOf(error)
    this.span.setAttribute(ATTR.errorType, type)
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: type })
  }

  end(): void {
    this.endAt(undefined)
  }

  endAt(at: EpochMs | undefined): void {
    if (this.ended) return
    this.ended = true
    this.span.end(at)
  }
}

/** Counts what the collector accepted or refused, for `telemetry.status`. */
class CountingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly onResult: (spans: number, result: ExportResult) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.onResult(spans.length, result)
      resultCallback(result)
    })
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown()
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve()
  }
}

export interface PipelineOptions {
  version: string
  exporter?: SpanExporter
  processor?: 'batch' | 'simple'
  exportTimeoutMs?: number
  onResult: (spans: number, result: ExportResult) => void
}

/** One configured export pipeline: a provider, its tracer, and root spans started at a given time. */
export interface Pipeline {
  startSpan(name: string, attributes: Attributes | undefined, kind: SpanKind | undefined, at?: EpochMs): TimedSpan
  forceFlush(): Promise<void>
  shutdown(): Promise<void>
}

export function otlpExporter(target: CollectorTarget, timeoutMillis: number): SpanExporter {
  return new OTLPTraceExporter({ url: target.endpoint, headers: { ...target.headers }, timeoutMillis })
}

export function buildPipeline(target: CollectorTarget, options: PipelineOptions): Pipeline {
  const exporter = new CountingExporter(options.exporter ?? otlpExporter(target, options.exportTimeoutMs ?? 5_000), options.onResult)
  const processor: SpanProcessor = options.processor === 'simple' ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter, scheduledDelayMillis: 2_000 })
  const provider = new TracerProvider({
    // Only what names the app: no host, user, process or path attributes.
    resource: resourceFromAttributes({ 'service.name': target.serviceName, 'service.version': options.version }),
    spanProcessors: [processor],
  })
  const tracer = provider.getTracer('ollama-desk', options.version)
  return {
    startSpan: (name, attributes, kind, at) =>
      new OtelSpan(tracer, tracer.startSpan(name, { kind: kindOf(kind), attributes: toOtelAttributes(attributes), ...(at === undefined ? {} : { startTime: at }) }, ROOT_CONTEXT)),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  }
}

/** Sends one span named `name` through its own exporter; resolves with the collector's answer. */
export async function exportOneSpan(target: CollectorTarget, name: string, version: string, timeoutMillis: number): Promise<ExportResult> {
  const otlp = otlpExporter(target, timeoutMillis)
  let answered!: (result: ExportResult) => void
  const answer = new Promise<ExportResult>((resolve) => (answered = resolve))
  const exporter: SpanExporter = {
    export: (spans: ReadableSpan[], done) =>
      otlp.export(spans, (result) => {
        answered(result)
        done(result)
      }),
    shutdown: () => otlp.shutdown(),
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': target.serviceName, 'service.version': version }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  })
  try {
    provider.getTracer('ollama-desk', version).startSpan(name, { attributes: { 'ollama_desk.test': true } }).end()
    return await answer
  } finally {
    await provider.shutdown().catch(() => undefined)
  }
}
