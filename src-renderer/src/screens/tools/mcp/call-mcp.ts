import type { z } from 'zod'
import type { ApiClient, McpServerStatus, mcpEvents, mcpRoutes, Result } from '../../../../../src-shared/contract'

type McpRoutes = typeof mcpRoutes
export type McpRoute = keyof McpRoutes
export type McpInput<K extends McpRoute> = z.input<McpRoutes[K]['input']>
export type McpOutput<K extends McpRoute> = z.output<McpRoutes[K]['output']>
export type McpChanged = z.output<(typeof mcpEvents)['mcp.changed']>

/** The client with route and event names loosened: the mcp.* names are not in the contract tables yet. */
interface LooseClient {
  call(route: string, input: unknown): Promise<Result<unknown>>
  on(name: string, listener: (payload: unknown) => void): () => void
}
const loose = (api: ApiClient): LooseClient => api as unknown as LooseClient

/**
 * Every mcp.* call goes through here, typed from the contract's own schemas. Once the routes join
 * src-shared/contract/routes.ts this becomes `api.call(route, input)` and the helper can go.
 */
export function callMcp<K extends McpRoute>(api: ApiClient, route: K, input: McpInput<K>): Promise<Result<McpOutput<K>>> {
  return loose(api).call(route, input) as Promise<Result<McpOutput<K>>>
}

/** Listens to `mcp.changed` (the live status of every server); returns the unsubscribe. */
export function onMcpChanged(api: ApiClient, listener: (servers: McpServerStatus[]) => void): () => void {
  return loose(api).on('mcp.changed', (payload) => listener((payload as McpChanged).servers))
}
