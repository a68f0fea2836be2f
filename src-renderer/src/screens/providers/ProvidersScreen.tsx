import { ScreenHeader } from '../../components/ScreenHeader'
import '../../providers.css'
import { HealthCards } from './HealthCards'
import { HealthCharts } from './HealthCharts'
import { PriceTable } from './PriceTable'
import { ProviderList } from './ProviderList'
import { RoutingSettings } from './RoutingSettings'
import { McpHealthCards } from '../../components/McpHealthCards'
import { useProvidersData } from './use-providers-data'
import { useRouting } from './use-routing'

/** Providers & Health: who can answer, how they are doing, and how requests are routed and priced. */
export function ProvidersScreen() {
  const data = useProvidersData()
  const routing = useRouting()
  return (
    <>
      <ScreenHeader
        id="providers"
        actions={
          <button type="button" className="button secondary" onClick={() => void data.reload()} disabled={data.loading}>
            {data.loading ? 'Loading…' : 'Refresh'}
          </button>
        }
      />
      {data.problem && (
        <section className="card" role="alert">
          <h2>Can’t list providers</h2>
          <p className="muted">{data.problem.message}</p>
          {data.problem.hint && <p className="hint">{data.problem.hint}</p>}
        </section>
      )}
      <ProviderList providers={data.providers} presets={data.presets} />
      <HealthCards health={data.health} at={data.healthAt} />
      <McpHealthCards />
      <HealthCharts health={data.health} />
      <RoutingSettings editor={routing} providers={data.providers} />
      <PriceTable />
    </>
  )
}
