import { McpManager, readImportSource } from '../mcp'
import type { Tracing } from '../telemetry'
import type { CapabilityWiring } from './capability'
import type { BaseWiringContext } from './wiring-context'

export interface McpHandlerDeps {
  manager: McpManager
  home: string
  env: Record<string, string | undefined>
  platform?: NodeJS.Platform
}

export function createMcpHandlers({ manager, home, env, platform = process.platform }: McpHandlerDeps): CapabilityWiring<'mcp'>['handlers'] {
  return {
    'mcp.list': () => ({ servers: manager.list(), file: manager.store.file }),
    'mcp.save': ({ config, secrets }) => manager.save(config, secrets),
    'mcp.remove': async ({ name }) => ({ removed: await manager.remove(name) }),
    'mcp.restart': ({ name }) => manager.restart(name),
    'mcp.test': (input) => ('name' in input ? manager.test(input.name) : manager.test(input.config, input.secrets)),
    'mcp.tools': () => ({ tools: manager.tools() }),
    'mcp.import': async (input) => {
      const source = await readImportSource(input, { platform, home, env: env as NodeJS.ProcessEnv })
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

export interface McpWiring extends CapabilityWiring<'mcp'> {
  manager: McpManager
}

/** MCP servers: their configs, connections, tools, resources and prompts; stopped with the core. */
export function wireMcp(ctx: BaseWiringContext, tracing: Tracing): McpWiring {
  const log = ctx.logger.log.child({ component: 'mcp' })
  const manager = new McpManager({
    dataDir: ctx.paths.root,
    secrets: ctx.secrets,
    env: ctx.env,
    log,
    // OAuth sign-in for remote servers: the desktop app opens the browser; elsewhere the window is told the link.
    openExternal: async (url) => {
      if (await (ctx.options.openExternal?.(url) ?? Promise.resolve(false))) return
      log.info('an MCP server needs a sign-in; the link was shown to the user')
      ctx.broadcast('app.notice', { level: 'warning', message: 'An MCP server needs you to sign in. Open this address in a browser on this computer:', hint: url })
    },
    tracing,
  })
  const unsubscribe = manager.onChange((servers) => ctx.broadcast('mcp.changed', { servers }))
  // Servers start in parallel in the background (long-running app only): a chat never waits for them.
  if (ctx.options.ownsHistory) manager.startAll()
  return {
    manager,
    handlers: createMcpHandlers({ manager, home: ctx.home, env: ctx.env }),
    streamHandlers: {},
    async close() {
      unsubscribe()
      await manager.stopAll()
    },
  }
}
