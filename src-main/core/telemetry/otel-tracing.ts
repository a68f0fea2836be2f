import type { SpanExporter } from '@opentelemetry/sdk-trace'
import type { TelemetrySettings, TelemetryStatus } from '../../../src-shared/contract'
import type { Logger } from '../log'
import { errorTypeOf, noopSpan, type Attributes, type SpanHandle, type SpanKind, type Tracing } from './tracing'
import type { CollectorTarget, EpochMs, ExportResult, Pipeline, TimedSpan } from './otel-sdk'

export type { CollectorTarget } from './otel-sdk'
/** The module holding every OpenTelemetry import; `import()`ed only once tracing is on. */
export type OtelSdk = typeof import('./otel-sdk')

const EXPORT_SUCCESS = 0 // ExportResultCode.SUCCESS of @opentelemetry/core

/** At most this many spans wait for the OpenTelemetry SDK to load; later ones are not recorded. */
export const MAX_PENDING_SPANS = 10_000

export interface OtelTracingOptions {
  version: string
  log?: Logger
  /** Builds the exporter for a target; tests may wrap it. Defaults to OTLP/HTTP JSON. */
  exporterFor?: (target: CollectorTarget) => SpanExporter
  /** 'batch' (default) sends spans in the background; 'simple' sends each as it ends. */
  processor?: 'batch' | 'simple'
  exportTimeoutMs?: number
  /**
   * Loads the SDK module (default: `import('./otel-sdk')`); tests hold it back to see the buffering.
   * @internal
   */
  loadSdk?: () => Promise<OtelSdk>
}

const loadOtelSdk = (): Promise<OtelSdk> => import('./otel-sdk')
const nowMs = (): EpochMs => performance.timeOrigin + performance.now()

/**
 * A span started while the SDK is still loading. Each call is kept with the time it happened and
 * replayed, with that time, into a real span once the SDK is there; from then on calls go straight
 * through. So turning tracing on loses none of the first spans, and start-up never waits for the SDK.
 */
class PendingSpan implements SpanHandle {
  readonly recording = true
  private real: TimedSpan | null = null
  private dropped = false
  private ended = false
  private readonly calls: ((span: TimedSpan) => void)[] = []

  constructor(
    private readonly owner: Active,
    private readonly parent: PendingSpan | null,
    private readonly name: string,
    private readonly attributes: Attributes | undefined,
    private readonly kind: SpanKind | undefined,
    private readonly at: EpochMs,
  ) {}

  set(attributes: Attributes): void {
    const copy = { ...attributes }
    this.call((span) => span.set(copy))
  }

  event(name: string, attributes?: Attributes): void {
    const at = nowMs()
    const copy = attributes && { ...attributes }
    this.call((span) => span.eventAt(name, copy, at))
  }

  child(name: string, attributes?: Attributes, kind?: SpanKind): SpanHandle {
    if (this.real) return this.real.child(name, attributes, kind)
    if (this.dropped) return noopSpan
    return this.owner.pending(this, name, attributes, kind)
  }

  recordError(error: unknown): void {
    const type = errorTypeOf(error)
    this.call((span) => span.recordError(type))
  }

  end(): void {
    if (this.ended) return
    this.ended = true
    const at = nowMs()
    this.call((span) => span.endAt(at))
  }

  /** Parents are materialised before their children: the owner replays in creation order. */
  materialise(pipeline: Pipeline): void {
    const attributes = this.attributes && { ...this.attributes }
    if (this.parent) {
      const parent = this.parent.real
      if (!parent) return this.drop()
      this.real = parent.childAt(this.name, attributes, this.kind, this.at)
    } else this.real = pipeline.startSpan(this.name, attributes, this.kind, this.at)
    for (const call of this.calls) call(this.real)
    this.calls.length = 0
  }

  drop(): void {
    this.dropped = true
    this.calls.length = 0
  }

  private call(call: (span: TimedSpan) => void): void {
    if (this.real) call(this.real)
    else if (!this.dropped) this.calls.push(call)
  }
}

/** One configuration's export pipeline; spans wait in `waiting` until the SDK has built it. */
class Active {
  pipeline: Pipeline | null = null
  private waiting: PendingSpan[] | null = []
  ready: Promise<void> = Promise.resolve()

  constructor(readonly key: string) {}

  startSpan(name: string, attributes: Attributes | undefined, kind: SpanKind | undefined): SpanHandle {
    if (this.pipeline) return this.pipeline.startSpan(name, attributes, kind)
    return this.pending(null, name, attributes, kind)
  }

  pending(parent: PendingSpan | null, name: string, attributes: Attributes | undefined, kind: SpanKind | undefined): SpanHandle {
    if (!this.waiting || this.waiting.length >= MAX_PENDING_SPANS) return noopSpan
    const span = new PendingSpan(this, parent, name, attributes && { ...attributes }, kind, nowMs())
    this.waiting.push(span)
    return span
  }

  attach(pipeline: Pipeline): void {
    const waiting = this.waiting ?? []
    this.pipeline = pipeline
    this.waiting = null
    for (const span of waiting) span.materialise(pipeline)
  }

  /** The SDK did not load: what waited is dropped, later spans are not recorded. */
  fail(): void {
    for (const span of this.waiting ?? []) span.drop()
    this.waiting = null
  }
}

const keyOf = (settings: TelemetrySettings): string => JSON.stringify([settings.endpoint, settings.headers, settings.serviceName])

export function exportErrorText(result: ExportResult): string {
  return result.error?.message || 'the collector did not accept the spans'
}

/**
 * Tracing over the OpenTelemetry SDK, reconfigured live: `configure` swaps the exporter when the
 * endpoint changes and drops it when tracing is turned off (sending what was pending first).
 * The SDK is imported only when tracing is first turned on; spans started meanwhile are buffered.
 */
export class OtelTracing implements Tracing {
  private active: Active | null = null
  private readonly closing = new Set<Promise<void>>()
  private settings: TelemetrySettings | null = null
  private sdk: Promise<OtelSdk> | null = null
  private exported = 0
  private failed = 0
  private lastError: string | null = null

  constructor(private readonly options: OtelTracingOptions) {}

  startSpan(name: string, attributes?: Attributes, kind?: SpanKind): SpanHandle {
    return this.active ? this.active.startSpan(name, attributes, kind) : noopSpan
  }

  /** Applies the settings; resolves once the SDK is loaded and a replaced exporter has sent what it held. */
  configure(settings: TelemetrySettings): Promise<void> {
    this.settings = settings
    const key = settings.enabled ? keyOf(settings) : null
    if (this.active?.key === key) return this.active.ready
    const old = this.active
    this.active = key === null ? null : this.build(key, settings)
    return Promise.all([this.active?.ready, old ? this.retire(old) : undefined]).then(() => undefined)
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
    const active = this.active
    if (!active) return
    await active.ready
    await active.pipeline?.forceFlush().catch(() => undefined)
  }

  async close(): Promise<void> {
    const old = this.active
    this.active = null
    if (old) void this.retire(old)
    await Promise.all([...this.closing])
  }

  private loadSdk(): Promise<OtelSdk> {
    this.sdk ??= (this.options.loadSdk ?? loadOtelSdk)().catch((error: unknown) => {
      this.sdk = null // the next configuration tries again
      throw error
    })
    return this.sdk
  }

  private build(key: string, settings: TelemetrySettings): Active {
    const active = new Active(key)
    const target: CollectorTarget = { endpoint: settings.endpoint, headers: settings.headers, serviceName: settings.serviceName }
    active.ready = this.loadSdk().then(
      (sdk) => {
        const pipeline = sdk.buildPipeline(target, {
          version: this.options.version,
          ...(this.options.exporterFor ? { exporter: this.options.exporterFor(target) } : {}),
          ...(this.options.processor ? { processor: this.options.processor } : {}),
          ...(this.options.exportTimeoutMs ? { exportTimeoutMs: this.options.exportTimeoutMs } : {}),
          onResult: (count, result) => this.count(count, result),
        })
        active.attach(pipeline)
        this.options.log?.info({ endpoint: settings.endpoint }, 'tracing on')
      },
      (error: unknown) => {
        active.fail()
        this.lastError = `the OpenTelemetry library did not load: ${error instanceof Error ? error.message : String(error)}`
        this.options.log?.warn({ err: error }, 'tracing could not start')
      },
    )
    return active
  }

  private retire(active: Active): Promise<void> {
    // Spans started while the SDK loaded still go to the exporter they were started under.
    // Flushed first: a simple processor's shutdown would not wait for exports under way.
    const done = active.ready
      .then(async () => {
        const pipeline = active.pipeline
        if (!pipeline) return
        await pipeline.forceFlush().catch(() => undefined)
        await pipeline.shutdown()
      })
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
