import { useEffect, useState } from 'react'
import type { McpServerStatus } from '../../../src-shared/contract'
import { useApi } from '../api/context'
import '../mcp.css'

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

function McpHealthCard({ status }: { status: McpServerStatus }) {
  const offers = [plural(status.tools, 'tool'), plural(status.resources, 'resource'), plural(status.prompts, 'prompt')].join(' · ')
  return (
    <article className="health-card mcp-health-card" aria-label={`${status.name} MCP status`}>
      <header className="health-head">
        <h3>{status.name}</h3>
        <span className={`mcp-pill mcp-pill-${status.state}`}>{status.state}</span>
        {status.latencyMs !== null && <span className="muted">{status.latencyMs} ms</span>}
      </header>
      <p className="mcp-status-line">
        {offers}
        {status.restarts > 0 && ` · ${plural(status.restarts, 'restart')}`}
      </p>
      {status.lastError && <p className="mcp-last-error">Last error: {status.lastError}</p>}
    </article>
  )
}

/** MCP servers next to the providers' health: their live state, kept current by `mcp.changed`. Absent without servers. */
export function McpHealthCards() {
  const api = useApi()
  const [statuses, setStatuses] = useState<McpServerStatus[]>([])
  useEffect(() => {
    let live = true
    void api.call('mcp.list', {}).then((result) => {
      if (live && result.ok) setStatuses(result.value.servers.map((s) => s.status))
    })
    const off = api.on('mcp.changed', (payload) => setStatuses(payload.servers))
    return () => {
      live = false
      off()
    }
  }, [api])
  if (statuses.length === 0) return null
  return (
    <section className="card" aria-labelledby="mcp-health-title">
      <h2 id="mcp-health-title">MCP servers</h2>
      <div className="health-grid">{statuses.map((s) => <McpHealthCard key={s.name} status={s} />)}</div>
      <p className="hint">Add, test and restart them under Tools &amp; MCP.</p>
    </section>
  )
}
