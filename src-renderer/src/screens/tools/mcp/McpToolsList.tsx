import type { McpTool } from '../../../../../src-shared/contract'

/** Every tool the connected servers offer, under the names chats and hook matchers use. */
export function McpToolsList({ tools }: { tools: McpTool[] }) {
  return (
    <div className="mcp-tools">
      <h3 id="mcp-tools-title">Tools</h3>
      <p className="hint">
        In a chat, each MCP tool asks for approval by default. Hook matchers can use these names, e.g. <code>mcp__github__create_issue</code>; a matcher is a pattern, so{' '}
        <code>{'mcp__github__.*'}</code> covers all of a server’s tools.
      </p>
      {tools.length === 0 ? (
        <p className="muted">No tools yet: connected servers bring theirs.</p>
      ) : (
        <ul className="mcp-tool-list" aria-labelledby="mcp-tools-title">
          {tools.map((tool) => (
            <li key={tool.qualifiedName}>
              <code>{tool.qualifiedName}</code>
              <span className="muted">{tool.description}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
