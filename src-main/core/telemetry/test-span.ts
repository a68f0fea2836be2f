import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace'
import type { TelemetryTestResult } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { SPAN } from './attributes'
import { exportErrorText, type CollectorTarget } from './otel-tracing'

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0]

export interface TestSpanOptions {
  version: string
  timeoutMs?: number
  now?: () => number
}

/** The collector would not take the test span: unreachable, refused, or not an OTLP endpoint. */
export class CollectorUnreachableError extends AppError {
  constructor(endpoint: string, reason: string) {
    super('E_NETWORK', `The collector at ${endpoint} did not accept the test span: ${reason}.`, {
      hint: 'Check that an OpenTelemetry collector is running there and takes OTLP over HTTP (usually port 4318, path /v1/traces).',
      retryable: true,
    })
  }
}

/** Sends one span to `target` on its own exporter and waits for the collector's answer. */
export async function sendTestSpan(target: CollectorTarget, options: TestSpanOptions): Promise<TelemetryTestResult> {
  const now = options.now ?? Date.now
  // The exporter retries a refused connection until this runs out: a test answers within it.
  const timeoutMillis = options.timeoutMs ?? 3_000
  const otlp = new OTLPTraceExporter({ url: target.endpoint, headers: { ...target.headers }, timeoutMillis })
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
    resource: resourceFromAttributes({ 'service.name': target.serviceName, 'service.version': options.version }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  })
  const started = now()
  try {
    provider.getTracer('ollama-desk', options.version).startSpan(SPAN.test, { attributes: { 'ollama_desk.test': true } }).end()
    const result = await answer
    if (result.code !== 0) throw new CollectorUnreachableError(target.endpoint, exportErrorText(result))
    return { endpoint: target.endpoint, ms: Math.max(0, now() - started) }
  } finally {
    await provider.shutdown().catch(() => undefined)
  }
}
