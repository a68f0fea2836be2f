import { useEffect, useMemo, useState } from 'react'
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { HealthPoint, ProviderHealth } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { HOUR, latencyRows, spendRows } from './chart-data'

const COLORS = ['var(--accent)', '#14a37f', '#d97706', '#c026d3', '#0891b2', '#dc2626', '#65a30d']
const hour = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false })

/** Latency per provider over the last 24 hours, and spend per provider. */
export function HealthCharts({ health }: { health: ProviderHealth[] }) {
  const api = useApi()
  const [points, setPoints] = useState<HealthPoint[]>([])
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    let live = true
    void api.call('health.history', { since: Math.max(0, Date.now() - 24 * HOUR) }).then((result) => {
      if (!live || !result.ok) return
      setPoints(result.value.points)
      setNow(Date.now())
    })
    return () => {
      live = false
    }
  }, [api])
  const rows = useMemo(() => latencyRows(points, now), [points, now])
  const spend = useMemo(() => spendRows(health), [health])
  return (
    <section className="card" aria-labelledby="charts-title">
      <h2 id="charts-title">Last 24 hours</h2>
      <div className="charts">
        <figure className="chart" aria-label="Latency per provider over the last 24 hours">
          <figcaption>Latency (ms, hourly mean)</figcaption>
          {rows.length === 0 ? (
            <p className="muted">No requests or probes yet.</p>
          ) : (
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={rows}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="t" tickFormatter={(t: number) => hour.format(t)} stroke="var(--muted)" fontSize={11} />
                <YAxis stroke="var(--muted)" fontSize={11} width={48} />
                <Tooltip labelFormatter={(t) => hour.format(Number(t))} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
                <Legend />
                {health.map((h, i) => (
                  <Line key={h.providerId} type="monotone" dataKey={h.providerId} name={h.name} stroke={COLORS[i % COLORS.length]} dot={false} connectNulls isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          )}
        </figure>
        <figure className="chart" aria-label="Spend per provider">
          <figcaption>Spend (USD)</figcaption>
          {spend.length === 0 ? (
            <p className="muted">Nothing spent yet.</p>
          ) : (
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={spend}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="name" stroke="var(--muted)" fontSize={11} />
                <YAxis stroke="var(--muted)" fontSize={11} width={48} />
                <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
                <Legend />
                <Bar dataKey="today" name="Today" fill="var(--accent)" isAnimationActive={false} />
                <Bar dataKey="month" name="This month" fill="#14a37f" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </figure>
      </div>
    </section>
  )
}
