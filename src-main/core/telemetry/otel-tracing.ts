import { ROOT_CONTEXT, SpanKind as OtelSpanKind, SpanStatusCode, trace, type Attributes as OtelAttributes, type Span, type Tracer } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace'
import type { TelemetrySettings, TelemetryStatus } from '../../../src-shared/contract'
import type { Logger } from '../log'
import { errorTypeOf, noopSpan, type Attributes, type SpanHandle, type SpanKind, type Tracing } from './tracing'
import { ATTR } from './attributes'

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0]
const EXPORT_SUCCESS = 0 // ExportResultCode.SUCCESS of @opentelemetry/core

export interface CollectorTarget {
  endpoint: string
  headers: Record<string, string>
  serviceName: string
}

export interface OtelTracingOptions {
  version: string
  log?: Logger
  /** Builds the exporter for a target; tests may wrap it. Defaults to OTLP/HTTP JSON. */
  exporterFor?: (target: CollectorTarget) => SpanExporter
  /** 'batch' (default) sends spans in the background; 'simple' sends each as it ends. */
  processor?: 'batch' | 'simple'
  exportTimeoutMs?: number
}

const otlpExporter =
  (timeoutMillis: number) =>
  (target: CollectorTarget): SpanExporter =>
    new OTLPTraceExporter({ url: target.endpoint, headers: { ...target.headers }, timeoutMillis })

function toOtelAttributes(attributes: Attributes | undefined): OtelAttributes {
  const out: OtelAttributes = {}
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined && value !== null) out[key] = value
  return out
}

const kindOf = (kind: SpanKind | undefined): OtelSpanKind => (kind === 'client' ? OtelSpanKind.CLIENT : OtelSpanKind.INTERNAL)

class OtelSpan implements SpanHandle {
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

  child(name: string, attributes?: Attributes, kind?: SpanKind): SpanHandle {
    // The parent goes in an explicit context: no global context manager is registered, so nothing
    // (e.g. a fetch instrumentation) can pick it up and send `traceparent` to a provider.
    const parent = trace.setSpan(ROOT_CONTEXT, this.span)
    return new OtelSpan(this.tracer, this.tracer.startSpan(name, { kind: kindOf(kind), attributes: toOtelAttributes(attributes) }, parent))
  }

  recordError(error: unknown): void {
    const type = errorTypeOf(error)
    this.span.setAttribute(ATTR.errorType, type)
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: type })
  }

  end(): void {
    if (this.ended) return
    this.ended = true
    this.span.end()
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

interface Active {
  key: string
  provider: TracerProvider
  tracer: Tracer
}

const keyOf = (settings: TelemetrySettings): string => JSON.stringify([settings.endpoint, settings.headers, settings.serviceName])

export function exportErrorText(result: ExportResult): string {
  return result.error?.message || 'the collector did not accept the spans'
}

/**
 * Tracing over the OpenTelemetry SDK, reconfigured live: `configure` swaps the exporter when the
 * endpoint changes and drops it when tracing is turned off (sending what was pending first).
 */
export class OtelTracing implements Tracing {
  private active: Active | null = null
  private readonly closing = new Set<Promise<void>>()
  private settings: TelemetrySettings | null = null
  private exported = 0
  private failed = 0
  private lastError: string | null = null

  constructor(private readonly options: OtelTracingOptions) {}

  startSpan(name: string, attributes?: Attributes, kind?: SpanKind): SpanHandle {
    const active = this.active
    if (!active) return noopSpan
    return new OtelSpan(active.tracer, active.tracer.startSpan(name, { kind: kindOf(kind), attributes: toOtelAttributes(attributes) }, ROOT_CONTEXT))
  }

  /** Applies the settings; resolves once a replaced exporter has sent what it held. */
  configure(settings: TelemetrySettings): Promise<void> {
    this.settings = settings
    const key = settings.enabled ? keyOf(settings) : null
    if (this.active?.key === key) return Promise.resolve()
    const old = this.active
    this.active = key === null ? null : this.build(key, settings)
    return old ? this.retire(old.provider) : Promise.resolve()
  }

  status(): TelemetryStatus {
    return {
      enabled: this.active !== null,
      endpoint: this.settings?.endpoint ?? '',
      exported: this.exported,
      failed: this.failed,
      lastError: this.lastError,
    }
  }

  /** Sends what is pending now; a refused export is already counted in the status, so it does not throw. */
  async flush(): Promise<void> {
    await this.active?.provider.forceFlush().catch(() => undefined)
  }

  async close(): Promise<void> {
    const old = this.active
    this.active = null
    if (old) void this.retire(old.provider)
    await Promise.all([...this.closing])
  }

  private build(key: string, settings: TelemetrySettings): Active {
    const target = { endpoint: settings.endpoint, headers: settings.headers, serviceName: settings.serviceName }
    const exporter = new CountingExporter((this.options.exporterFor ?? otlpExporter(this.options.exportTimeoutMs ?? 5_000))(target), (count, result) => this.count(count, result))
    const processor: SpanProcessor = this.options.processor === 'simple' ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter, scheduledDelayMillis: 2_000 })
    const provider = new TracerProvider({
      // Only what names the app: no host, user, process or path attributes.
      resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.version': this.options.version }),
      spanProcessors: [processor],
    })
    this.options.log?.info({ endpoint: settings.endpoint }, 'tracing on')
    return { key, provider, tracer: provider.getTracer('ollama-desk', this.options.version) }
  }

  private retire(provider: TracerProvider): Promise<void> {
    // Flushed first: a simple processor's shutdown would not wait for exports under way.
    const done = provider
      .forceFlush()
      .catch(() => undefined)
      .then(() => provider.shutdown())
      .catch((error: unknown) => this.options.log?.warn({ err: error }, 'tracing exporter did not shut down cleanly'))
      .finally(() => this.closing.delete(done))
    this.closing.add(done)
    return done
  }

  private count(spans: number, result: ExportResult): void {
    if (result.code === EXPORT_SUCCESS) {
      this.exported += spans
      return
    }
    this.failed += spans
    this.lastError = exportErrorText(result)
    this.options.log?.warn({ spans, error: this.lastError }, 'spans could not be exported')
  }
}
