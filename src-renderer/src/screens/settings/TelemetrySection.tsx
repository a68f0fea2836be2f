import { useCallback, useEffect, useState } from 'react'
import { OtlpEndpointSchema, type TelemetryStatus } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { updateSettings } from '../../store/bootstrap'
import { useAppStore } from '../../store/app-store'

type TestState = { kind: 'running' } | { kind: 'ok'; text: string } | { kind: 'failed'; text: string }

/** How often the exported/failed counts refresh while tracing is on. */
const STATUS_EVERY_MS = 5_000

/** OpenTelemetry tracing: off by default; the OTLP endpoint the user sets. */
export function TelemetrySection() {
  const api = useApi()
  const saved = useAppStore((state) => state.settings?.telemetry)
  const [endpoint, setEndpoint] = useState(saved?.endpoint ?? '')
  const [test, setTest] = useState<TestState | undefined>()
  const [status, setStatus] = useState<TelemetryStatus | undefined>()
  useEffect(() => setEndpoint(saved?.endpoint ?? ''), [saved?.endpoint])

  const refresh = useCallback(async (): Promise<void> => {
    const result = await api.call('telemetry.status', {})
    if (result.ok) setStatus(result.value)
  }, [api])
  useEffect(() => {
    void refresh()
    if (!saved?.enabled) return
    const timer = setInterval(() => void refresh(), STATUS_EVERY_MS)
    return () => clearInterval(timer)
  }, [refresh, saved?.enabled])

  if (!saved) return null
  const checked = OtlpEndpointSchema.safeParse(endpoint)
  const endpointError = checked.success ? undefined : 'Use an http:// or https:// address, e.g. http://127.0.0.1:4318/v1/traces.'

  const toggle = async (enabled: boolean): Promise<void> => {
    await updateSettings(api, { telemetry: { enabled } })
    await refresh()
  }
  const sendTest = async (): Promise<void> => {
    setTest({ kind: 'running' })
    const result = await api.call('telemetry.test', { endpoint: endpoint.trim() })
    if (result.ok) setTest({ kind: 'ok', text: `The collector accepted the test span (${Math.round(result.value.ms)} ms).` })
    else setTest({ kind: 'failed', text: [result.error.message, result.error.hint].filter(Boolean).join(' ') })
    await refresh()
  }

  return (
    <section className="card" aria-labelledby="telemetry-title">
      <h3 id="telemetry-title">Tracing (OpenTelemetry)</h3>
      <label className="check-row">
        <input type="checkbox" role="switch" checked={saved.enabled} onChange={(event) => void toggle(event.target.checked)} />
        Send traces to an OpenTelemetry collector
      </label>
      <p className="hint">
        Each chat sends timings, token counts, model and provider names and error classes to the collector below. Prompts, replies and tool output are never sent. Off
        unless you turn it on.
      </p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault()
          if (checked.success) void updateSettings(api, { telemetry: { endpoint: checked.data } })
        }}
      >
        <label className="field">
          Collector endpoint (OTLP/HTTP)
          <input
            value={endpoint}
            onChange={(event) => setEndpoint(event.target.value)}
            placeholder="http://127.0.0.1:4318/v1/traces"
            spellCheck={false}
            aria-invalid={endpointError ? true : undefined}
            aria-describedby={endpointError ? 'telemetry-endpoint-error' : undefined}
          />
        </label>
        <button type="button" className="button secondary" disabled={Boolean(endpointError) || test?.kind === 'running'} onClick={() => void sendTest()}>
          Send test span
        </button>
        <button type="submit" className="button" disabled={Boolean(endpointError) || endpoint.trim() === saved.endpoint}>
          Save endpoint
        </button>
      </form>
      {endpointError && (
        <p className="muted" id="telemetry-endpoint-error" role="alert">
          {endpointError}
        </p>
      )}
      {test && (
        <p className="muted" role="status" aria-label="Test span result">
          {test.kind === 'running' ? 'Sending a test span…' : test.text}
        </p>
      )}
      {status && (
        <p className="muted" aria-label="Tracing status">
          {status.enabled ? 'On' : 'Off'} · {status.exported} span{status.exported === 1 ? '' : 's'} exported · {status.failed} failed
          {status.lastError ? ` · last error: ${status.lastError}` : ''}
        </p>
      )}
    </section>
  )
}
