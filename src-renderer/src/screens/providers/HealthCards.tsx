import type { ProviderHealth } from '../../../../src-shared/contract'
import { ColumnHeaders } from '../../components/ColumnHeaders'
import { formatCost } from '../../lib/format'
import { ProviderLogo } from '../../components/ProviderLogo'

const ms = (value: number | null): string => (value === null ? '—' : value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`)
const pair = (a: number | null, b: number | null): string => (a === null && b === null ? '—' : `${ms(a)} / ${ms(b)}`)
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
export const untilText = (at: number): string => `until ${clock.format(at)}`
const money = (usd: number): string => (usd === 0 ? '$0' : formatCost(usd))

function Figure({ label, value, explain }: { label: string; value: string; explain?: string }) {
  return (
    <div className="figure" title={explain}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  )
}

function HealthCard({ health }: { health: ProviderHealth }) {
  const { traffic } = health
  return (
    <article className={`health-card status-${health.status}`} aria-label={`${health.name} health`}>
      <header className="health-head">
        <h3 className="health-name"><ProviderLogo kind={health.kind} name={health.name} />{health.name}</h3>
        <span className={`pill pill-${health.status}`}>{health.status}</span>
        {health.probeLatencyMs !== null && <span className="muted">probe {ms(health.probeLatencyMs)}</span>}
      </header>
      <dl className="figures">
        <Figure label="First token p50 / p95" value={pair(traffic.ttftP50Ms, traffic.ttftP95Ms)} explain="Time to first token: how long until a reply starts to appear. p50 is the typical request, p95 the slowest one in twenty." />
        <Figure label="Latency p50 / p95" value={pair(traffic.latencyP50Ms, traffic.latencyP95Ms)} explain="How long whole replies take: p50 is the typical request, p95 the slowest one in twenty." />
        <Figure label="Tokens/s" value={traffic.tokensPerSec === null ? '—' : traffic.tokensPerSec.toFixed(1)} />
        <Figure label="Error rate" value={`${(traffic.errorRate * 100).toFixed(traffic.errorRate > 0 && traffic.errorRate < 0.1 ? 1 : 0)} % of ${traffic.requests}`} />
        <Figure label="Spend today / month" value={`${money(health.spend.todayUsd)} / ${money(health.spend.monthUsd)}`} />
      </dl>
      {health.lastError && (
        <p className="health-error" role="note">
          Last error: {health.lastError.message}
          {health.lastError.hint && <span className="hint"> {health.lastError.hint}</span>}
        </p>
      )}
      {health.breakers.length > 0 && (
        <table className="mini-table" aria-label={`${health.name} circuit breakers`}>
          <ColumnHeaders columns={['Model', 'Breaker', 'Failures']} />
          <tbody>
            {health.breakers.map((breaker) => (
              <tr key={breaker.model}>
                <th scope="row">{breaker.model}</th>
                <td className={`breaker-${breaker.state}`}>{breaker.state}{breaker.state === 'open' && breaker.openUntil !== null ? ` ${untilText(breaker.openUntil)}` : ''}</td>
                <td>{breaker.failures}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {health.breakers.length > 0 && (
        <p className="hint">A breaker opens after repeated failures of a model: it is skipped, and the fallback chain answers instead, until the cool-down ends; then one request tries it again.</p>
      )}
      {health.hosts.length > 0 && (
        <table className="mini-table" aria-label={`${health.name} servers`}>
          <tbody>
            {health.hosts.map((host) => (
              <tr key={host.url}>
                <th scope="row">{host.url}</th>
                <td className={host.up ? 'host-up' : 'host-down'}>{host.up ? 'up' : 'down'}</td>
                <td>{host.up ? ms(host.latencyMs) : (host.error ?? '')}</td>
                {host.inFlight !== undefined && <td className="muted">{`${host.inFlight} running${host.models != null ? ` · ${host.models} models` : ''}`}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  )
}

/** Live status per provider, as probes and real traffic report it. */
export function HealthCards({ health, at }: { health: ProviderHealth[]; at: number | undefined }) {
  return (
    <section className="card" aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      {health.length === 0 ? <p className="muted">No provider to watch yet.</p> : <div className="health-grid">{health.map((h) => <HealthCard key={h.providerId} health={h} />)}</div>}
      {at !== undefined && <p className="hint">Updated {clock.format(at)}</p>}
    </section>
  )
}
