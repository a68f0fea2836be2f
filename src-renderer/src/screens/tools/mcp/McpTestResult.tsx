import type { RouteOutput } from '../../../../../src-shared/contract'

export type McpTestAnswer = RouteOutput<'mcp.test'>

/** What "Test connection" found: the server's tools, or why it did not answer. */
export function McpTestResult({ result }: { result: McpTestAnswer }) {
  if (!result.ok) {
    return (
      <div className="mcp-test fail" role="alert">
        <strong>Could not connect:</strong> {result.error ?? 'the server did not answer.'}
      </div>
    )
  }
  const count = `${result.tools.length} ${result.tools.length === 1 ? 'tool' : 'tools'}`
  return (
    <div className="mcp-test ok" role="status">
      <p>
        Connected{result.latencyMs !== null ? ` in ${result.latencyMs} ms` : ''} · {count}
      </p>
      {result.tools.length > 0 && (
        <ul aria-label="Tools found">
          {result.tools.map((tool) => (
            <li key={tool.qualifiedName}>
              <code>{tool.name}</code> <span className="muted">{tool.description}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
