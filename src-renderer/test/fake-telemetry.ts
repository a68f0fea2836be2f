import type { ErrorShape, Result, Settings, TelemetryStatus, TelemetryTestResult } from '../../src-shared/contract'
import { OtlpEndpointSchema, telemetryRoutes } from '../../src-shared/contract'

export interface FakeTelemetryOptions {
  /** Counts telemetry.status reports. */
  counts?: Partial<Pick<TelemetryStatus, 'exported' | 'failed' | 'lastError'>>
  /** What telemetry.test answers for an endpoint; otherwise the collector accepts in 4 ms. */
  tests?: Record<string, ErrorShape | Omit<TelemetryTestResult, 'endpoint'>>
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value })

/** The telemetry.* routes as the core answers them, over the fake's settings. */
export function fakeTelemetry(options: FakeTelemetryOptions, settings: () => Settings) {
  const counts = { exported: 0, failed: 0, lastError: null as string | null, ...options.counts }
  return {
    counts,
    isTelemetryRoute: (route: string): boolean => route in telemetryRoutes,
    call(route: string, input: unknown): Result<unknown> {
      const saved = settings().telemetry
      if (route === 'telemetry.status') return ok({ enabled: saved.enabled, endpoint: saved.endpoint, ...counts } satisfies TelemetryStatus)
      const endpoint = (input as { endpoint?: string }).endpoint ?? saved.endpoint
      // The contract refuses a non-http address before any handler runs.
      const parsed = OtlpEndpointSchema.safeParse(endpoint)
      if (!parsed.success) return { ok: false, error: { code: 'E_VALIDATION', message: `endpoint: ${parsed.error.issues[0]?.message ?? 'invalid'}`, retryable: false } }
      const answer = options.tests?.[endpoint]
      if (answer && 'code' in answer) return { ok: false, error: answer }
      // The core sends a test span on an exporter of its own: the counts stay as they were.
      return ok({ endpoint, ms: answer?.ms ?? 4 } satisfies TelemetryTestResult)
    },
  }
}
