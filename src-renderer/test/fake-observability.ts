import type { CpuProfileState, DiagnosticsBundle, MarkEntry, RendererLogLine, Result } from '../../src-shared/contract'
import { answerRoutes, ok, type FakeDeps } from './fake-route-helpers'

const ROUTES = new Set(['log.write', 'diagnostics.bundle', 'profiling.marks', 'profiling.cpuProfile'])

export const sampleMarks = (): MarkEntry[] => [
  { name: 'store.listSessions', startTime: 2210.5, duration: 3.25, at: Date.UTC(2026, 0, 5, 10, 0, 3), ok: true },
  { name: 'chat.turn', startTime: 1500, duration: 1843.75, at: Date.UTC(2026, 0, 5, 10, 0, 2), ok: true },
  { name: 'startup.core', startTime: 12, duration: 41.5, at: Date.UTC(2026, 0, 5, 10, 0, 0), ok: true },
]

/**
 * The log, diagnostics and profiling routes, in memory: what was logged, marks to list, one
 * profile at a time. It wraps a fake API in place so fake-api.ts needs one line; tests steer it
 * through the returned `observability`.
 */
export function withFakeObservability({ api, calls }: Pick<FakeDeps, 'api' | 'calls'>) {
  const state = {
    logged: [] as RendererLogLine[],
    marks: sampleMarks(),
    profile: { running: false } as CpuProfileState,
    bundles: 0,
    /** Set to make the next bundle fail with this message. */
    bundleError: undefined as string | undefined,
  }
  const call = (route: string, input: unknown): Result<unknown> => {
    switch (route) {
      case 'log.write': {
        const { lines } = input as { lines: RendererLogLine[] }
        state.logged.push(...lines)
        return ok({ written: lines.length, dropped: 0, echo: lines.map((l) => ({ level: l.level, message: l.message })) })
      }
      case 'diagnostics.bundle': {
        if (state.bundleError) return { ok: false, error: { code: 'E_IO', message: state.bundleError, retryable: false } }
        state.bundles++
        const path = `/tmp/data/diagnostics/ollama-desk-diagnostics-${state.bundles}.zip`
        const bundle: DiagnosticsBundle = {
          path,
          bytes: 20_480,
          files: ['logs/ollama-desk.log', 'config/settings.json', 'versions.json', 'checks.json', 'summary.txt'],
          summary: `Ollama Desk 9.9.9 (web)\nNode 24.0.0 · V8 13.6\nOS Linux 6.8 x64\n\nChecks:\n  ok    Node.js: v24.0.0\n\nDiagnostics bundle: ${path}\n`,
          checks: [{ id: 'node', title: 'Node.js', status: 'ok', detail: 'v24.0.0' }],
          ...((input as { includeBase64?: boolean }).includeBase64 ? { base64: btoa('PK\u0005\u0006fake zip') } : {}),
        }
        return ok(bundle)
      }
      case 'profiling.marks': {
        const { limit } = input as { limit?: number }
        return ok({ entries: state.marks.slice(0, limit ?? state.marks.length), capacity: 500 })
      }
      default: {
        const { action } = input as { action: 'start' | 'stop' | 'status' }
        if (action === 'status') return ok(state.profile)
        if (action === 'start') {
          if (state.profile.running) return { ok: false, error: { code: 'E_VALIDATION', message: 'A CPU profile is already running.', retryable: false } }
          state.profile = { running: true, startedAt: Date.UTC(2026, 0, 5, 10, 1, 0) }
          return ok(state.profile)
        }
        if (!state.profile.running) return { ok: false, error: { code: 'E_VALIDATION', message: 'No CPU profile is running.', retryable: false } }
        state.profile = { running: false }
        return ok({ running: false, path: '/tmp/data/profiles/cpu-2026-01-05T10-01-30-000Z.cpuprofile', bytes: 123_456 })
      }
    }
  }
  answerRoutes({ api, calls }, (route) => ROUTES.has(route), call)
  return { observability: state }
}
