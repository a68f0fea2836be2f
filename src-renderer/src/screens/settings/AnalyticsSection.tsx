import { useCallback, useEffect, useState } from 'react'
import { AnalyticsEndpointSchema, type AnalyticsSentEvent, type AnalyticsStatus } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { ColumnHeaders } from '../../components/ColumnHeaders'
import { formatWhen, plural } from '../../lib/format'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'
import '../../analytics.css'

function statusLine(status: AnalyticsStatus): string {
  if (status.consent !== 'granted') return 'Off: nothing is recorded or sent.'
  if (!status.active) return 'On, but no endpoint is set: nothing is sent.'
  const waiting = status.queued > 0 ? ` · ${status.queued} waiting` : ''
  const dropped = status.dropped > 0 ? ` · ${status.dropped} dropped` : ''
  return `On · ${plural(status.sent, 'event')} sent · ${status.failed} failed${waiting}${dropped}${status.lastError ? ` · last error: ${status.lastError}` : ''}`
}

const fieldsText = (fields: AnalyticsSentEvent['fields']): string =>
  Object.entries(fields)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ') || '—'

/** The local page of every event that went out: time, type, fields, outcome. */
function SentEvents({ events }: { events: AnalyticsSentEvent[] }) {
  if (events.length === 0) return <p className="muted">Nothing has been sent.</p>
  return (
    <div className="sent-scroll">
      <table className="sent-table" aria-label="Sent events">
        <ColumnHeaders columns={['Time', 'Event', 'Fields', 'Outcome']} />
        <tbody>
          {events.map((event, index) => (
            <tr key={`${event.at}-${index}`}>
              <td>{formatWhen(event.at)}</td>
              <td>{event.type}</td>
              <td className="fields">{fieldsText(event.fields)}</td>
              <td className={event.outcome === 'failed' ? 'failed' : undefined} title={event.error}>
                {event.outcome === 'sent' ? 'Sent' : `Failed${event.error ? `: ${event.error}` : ''}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Opt-in usage analytics: consent, endpoint, and the events that were sent. */
export function AnalyticsSection() {
  const api = useApi()
  const saved = useAppStore((state) => state.settings?.analytics)
  const [endpoint, setEndpoint] = useState(saved?.endpoint ?? '')
  const [status, setStatus] = useState<AnalyticsStatus | undefined>()
  const [events, setEvents] = useState<AnalyticsSentEvent[]>([])
  useEffect(() => setEndpoint(saved?.endpoint ?? ''), [saved?.endpoint])

  const refresh = useCallback(async (): Promise<void> => {
    const [next, sent] = await Promise.all([api.call('analytics.status', {}), api.call('analytics.sent', { limit: 200 })])
    if (next.ok) setStatus(next.value)
    if (sent.ok) setEvents(sent.value.events)
  }, [api])
  useEffect(() => {
    void refresh()
    return api.on('analytics.changed', () => void refresh())
  }, [api, refresh, saved?.consent, saved?.endpoint])

  if (!saved) return null
  const checked = AnalyticsEndpointSchema.safeParse(endpoint)
  const endpointError = checked.success ? undefined : 'Use an http:// or https:// address (no user name or password), or leave it empty to send nothing.'
  const granted = saved.consent === 'granted'

  const run = async (route: 'analytics.setConsent' | 'analytics.resetId', granting = true): Promise<void> => {
    const result = route === 'analytics.setConsent' ? await api.call(route, { granted: granting }) : await api.call(route, {})
    if (!result.ok) useAppStore.getState().notifyError(result.error)
    const settings = useAppStore.getState().settings
    if (result.ok && settings) useAppStore.getState().setSettings({ ...settings, analytics: { ...settings.analytics, consent: result.value.consent } })
    await refresh()
  }

  return (
    <section className="card analytics" aria-labelledby="analytics-title">
      <h3 id="analytics-title">Usage analytics</h3>
      <label className="check-row">
        <input type="checkbox" role="switch" checked={granted} onChange={(event) => void run('analytics.setConsent', event.target.checked)} />
        Share anonymous usage counts
      </label>
      <p className="hint">
        Only counts from a fixed list: app starts, finished setup, chats (provider type, rough duration and size, tool calls), model downloads (rough size), update checks and
        features used. Never your prompts, replies, files, paths or keys. Turning this off deletes the random install id and anything not yet sent.
      </p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault()
          if (checked.success) void updateSettings(api, { analytics: { endpoint: checked.data } })
        }}
      >
        <label className="field">
          Endpoint (where counts are sent; you can host your own)
          <input
            value={endpoint}
            onChange={(event) => setEndpoint(event.target.value)}
            placeholder="https://stats.example.org/events"
            spellCheck={false}
            aria-invalid={endpointError ? true : undefined}
            aria-describedby={endpointError ? 'analytics-endpoint-error' : undefined}
          />
        </label>
        <button type="submit" className="button" disabled={Boolean(endpointError) || endpoint.trim() === saved.endpoint}>
          Save endpoint
        </button>
      </form>
      {endpointError && (
        <p className="muted" id="analytics-endpoint-error" role="alert">
          {endpointError}
        </p>
      )}
      {status && (
        <p className="muted" aria-label="Analytics status">
          {statusLine(status)}
        </p>
      )}
      {granted && status?.installId && (
        <div className="row">
          <p className="muted">
            Install id: <span className="install-id">{status.installId}</span>
          </p>
          <button type="button" className="button secondary" onClick={() => void run('analytics.resetId')}>
            Reset id
          </button>
        </div>
      )}
      <h4>Sent events</h4>
      <SentEvents events={events} />
    </section>
  )
}
