import { useState } from 'react'
import '../../../mcp.css'
import { McpImportExport } from './McpImportExport'
import { McpServerForm } from './McpServerForm'
import { McpServerRow } from './McpServerRow'
import { McpToolsList } from './McpToolsList'
import { mcpStatusOf } from './status'
import { useMcp } from './use-mcp'

/** The MCP part of Tools & MCP: servers with live status, adding and importing them, and their tools. */
export function McpSection() {
  const mcp = useMcp()
  const [adding, setAdding] = useState(false)
  return (
    <section className="card" aria-labelledby="mcp-title">
      <h2 id="mcp-title">MCP servers</h2>
      <p className="hint">
        Model Context Protocol servers give chats more tools: local programs (stdio) or HTTP endpoints. {mcp.file && <>Stored in <code>{mcp.file}</code>.</>}
      </p>
      {mcp.problem && <p className="field-error" role="alert">Can’t load the MCP servers: {mcp.problem.message}</p>}
      {mcp.loading ? (
        <p className="muted">Loading servers…</p>
      ) : mcp.servers.length === 0 ? (
        <p className="muted">No MCP server yet. Add one, or import them from Claude Desktop.</p>
      ) : (
        <ul className="mcp-rows" aria-label="Servers">
          {mcp.servers.map((view) => {
            const name = view.config.name
            return (
              <McpServerRow
                key={name}
                view={view}
                status={mcpStatusOf(view, mcp.statuses)}
                save={mcp.save}
                setEnabled={(enabled) => mcp.setEnabled(view.config, enabled)}
                remove={() => mcp.remove(name)}
                restart={() => mcp.restart(name)}
              />
            )
          })}
        </ul>
      )}
      {adding ? (
        <McpServerForm save={mcp.save} onDone={() => setAdding(false)} />
      ) : (
        <div className="mcp-actions">
          <button type="button" className="button" onClick={() => setAdding(true)}>Add a server</button>
        </div>
      )}
      <McpImportExport onImported={() => void mcp.reload()} />
      <McpToolsList tools={mcp.tools} />
    </section>
  )
}
