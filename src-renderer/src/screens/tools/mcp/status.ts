import type { McpServerStatus, McpServerView } from '../../../../../src-shared/contract'

/** A server's latest status: the live one when `mcp.changed` named it, else the list's. */
export const mcpStatusOf = (view: McpServerView, live: Record<string, McpServerStatus>): McpServerStatus => live[view.config.name] ?? view.status
