import type { TelemetryTestResult } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { SPAN } from './attributes'
import { exportErrorText, type CollectorTarget } from './otel-tracing'

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
  // The SDK loads here, not at start-up (see otel-sdk.ts); its loading is not the collector's time.
  const { exportOneSpan } = await import('./otel-sdk')
  const started = now()
  const result = await exportOneSpan(target, SPAN.test, options.version, timeoutMillis)
  if (result.code !== 0) throw new CollectorUnreachableError(target.endpoint, exportErrorText(result))
  return { endpoint: target.endpoint, ms: Math.max(0, now() - started) }
}
