import type { mcpRoutes } from '../../../src-shared/contract/mcp'
import { McpManager, readImportSource } from '../mcp'
import type { RouteHandlers } from '../rpc'

export type McpRouteHandlers = Pick<RouteHandlers, keyof typeof mcpRoutes>

export interface McpHandlerDeps {
  manager: McpManager
  home: string
  env: Record<string, string | undefined>
  platform?: NodeJS.Platform
}

export function createMcpHandlers({ manager, home, env, platform = process.platform }: McpHandlerDeps): McpRouteHandlers {
  return {
    'mcp.list': () => ({ servers: manager.list(), file: manager.store.file }),
    'mcp.save': ({ config, secrets }) => manager.save(config, secrets),
    'mcp.remove': async ({ name }) => ({ removed: await manager.remove(name) }),
    'mcp.restart': ({ name }) => manager.restart(name),
    'mcp.test': (input) => ('name' in input ? manager.test(input.name) : manager.test(input.config, input.secrets)),
    'mcp.tools': () => ({ tools: manager.tools() }),
    'mcp.import': async (input) => {
      const source = readImportSource(input, { platform, home, env: env as NodeJS.ProcessEnv })
      const done = await manager.importJson(source.text)
      return { ...done, file: manager.store.file }
    },
    'mcp.export': () => ({ json: manager.exportJson() }),
    'mcp.resources': ({ server }) => ({ resources: manager.resources(server) }),
    'mcp.readResource': ({ server, uri }, { signal }) => manager.readResource(server, uri, { signal }),
    'mcp.prompts': () => ({ prompts: manager.prompts() }),
    'mcp.getPrompt': ({ server, name, arguments: args }, { signal }) => manager.getPrompt(server, name, args ?? {}, { signal }),
  }
}
