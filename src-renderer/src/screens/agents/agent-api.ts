import type { z } from 'zod'
import type { agentRoutes, ApiClient, HookRun, Result } from '../../../../src-shared/contract'

type AgentRoutes = typeof agentRoutes
export type AgentRoute = keyof AgentRoutes
export type AgentInput<K extends AgentRoute> = z.input<AgentRoutes[K]['input']>
export type AgentOutput<K extends AgentRoute> = z.output<AgentRoutes[K]['output']>

type LooseCall = (route: string, input: unknown) => Promise<Result<unknown>>
type LooseOn = (name: string, listener: (payload: unknown) => void) => () => void

/**
 * The hooks / skills / permissions / tools routes, typed by the contract's agentRoutes. They are not
 * yet in the route table ApiClient is typed by; once they are, this is plain `api.call`.
 */
export function callAgent<K extends AgentRoute>(api: ApiClient, route: K, input: AgentInput<K>): Promise<Result<AgentOutput<K>>> {
  return (api.call as unknown as LooseCall)(route, input) as Promise<Result<AgentOutput<K>>>
}

/** Every hook run the core reports (`hooks.ran`), for the live log. */
export function onHookRan(api: ApiClient, listener: (run: HookRun) => void): () => void {
  return (api.on as unknown as LooseOn)('hooks.ran', listener as (payload: unknown) => void)
}
