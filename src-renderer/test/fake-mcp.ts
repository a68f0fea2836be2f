import type { ErrorShape, McpPrompt, McpResource, McpServerConfig, McpServerConfigInput, McpServerStatus, McpServerView, McpTool, Result } from '../../src-shared/contract'
import { McpServerConfigSchema, mcpRoutes } from '../../src-shared/contract'

type TestAnswer = { ok: boolean; tools: McpTool[]; latencyMs: number | null; error?: string }

export interface FakeMcpOptions {
  /** The configured servers; their status starts as given, or connected (disabled when off). */
  servers?: (McpServerConfigInput & { status?: Partial<McpServerStatus> })[]
  /** Tools of each server, by server name (plain tool names; the fake qualifies them). */
  tools?: Record<string, { name: string; description: string }[]>
  /** What mcp.test answers for a server (saved or not) by name; otherwise ok with its tools. */
  tests?: Record<string, TestAnswer>
  /** The `mcpServers` JSON that Claude Desktop's config and ollama-cli's .ollama/mcp.json hold. */
  claudeDesktop?: string
  ollamaCli?: string
  /** Resources of each server, by server name, with the text mcp.readResource answers. */
  resources?: Record<string, FakeResource[]>
  /** Prompts of each server, by server name; `{{arg}}` in the template is filled by mcp.getPrompt. */
  prompts?: Record<string, FakePrompt[]>
}

export type FakeResource = Omit<McpResource, 'server'> & { text: string }
export type FakePrompt = Omit<McpPrompt, 'server' | 'arguments'> & { arguments?: McpPrompt['arguments']; template: string }

const ok = <T>(value: T): Result<T> => ({ ok: true, value })
const fail = (code: ErrorShape['code'], message: string): Result<never> => ({ ok: false, error: { code, message, retryable: false } })

export const mcpStatus = (name: string, extra: Partial<McpServerStatus> = {}): McpServerStatus => ({
  name,
  state: 'connected',
  tools: 0,
  resources: 0,
  prompts: 0,
  lastError: null,
  latencyMs: 12,
  restarts: 0,
  serverName: name,
  serverVersion: '1.0.0',
  ...extra,
})

export const mcpTool = (server: string, name: string, description = `The ${name} tool`): McpTool => ({
  server,
  name,
  qualifiedName: `mcp__${server}__${name}`,
  description,
  inputSchema: { type: 'object' },
})

/** Claude Desktop's `{ "mcpServers": { name: { command, args, env } | { url, headers } } }`, read as the core does. */
function parseMcpServers(json: string): { configs: McpServerConfig[]; skipped: { name: string; reason: string }[] } | string {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return 'That is not valid JSON.'
  }
  const servers = (parsed as { mcpServers?: unknown } | null)?.mcpServers
  if (typeof servers !== 'object' || servers === null) return 'The JSON has no "mcpServers" object.'
  const configs: McpServerConfig[] = []
  const skipped: { name: string; reason: string }[] = []
  for (const [name, raw] of Object.entries(servers as Record<string, Record<string, unknown>>)) {
    const transport = raw.url ? (raw.type === 'sse' ? 'sse' : 'http') : 'stdio'
    const { type: _type, ...rest } = raw
    const result = McpServerConfigSchema.safeParse({ name, transport, ...rest })
    if (result.success) configs.push(result.data)
    else skipped.push({ name, reason: result.error.issues[0]!.message })
  }
  return { configs, skipped }
}

/**
 * The mcp.* routes in memory, validating inputs with the contract's schemas so the renderer meets
 * the same E_VALIDATION errors as with the core. Secret values are kept apart, as the core's
 * secret store does, so tests can check they went out and never came back.
 */
export function fakeMcp(options: FakeMcpOptions, emitChanged: (payload: { servers: McpServerStatus[] }) => void) {
  const configs = new Map<string, McpServerConfig>()
  const statuses = new Map<string, McpServerStatus>()
  const secrets = new Map<string, { env: Record<string, string>; headers: Record<string, string> }>()
  const tools = { ...options.tools }
  const toolsOf = (name: string): McpTool[] => (tools[name] ?? []).map((t) => mcpTool(name, t.name, t.description))
  const add = (config: McpServerConfig, status?: Partial<McpServerStatus>): McpServerView => {
    configs.set(config.name, config)
    const state = config.enabled ? 'connected' : 'disabled'
    statuses.set(config.name, mcpStatus(config.name, { state, tools: config.enabled ? toolsOf(config.name).length : 0, ...status }))
    return { config, status: statuses.get(config.name)! }
  }
  for (const { status, ...input } of options.servers ?? []) add(McpServerConfigSchema.parse(input), status)
  const changed = (): void => emitChanged({ servers: [...statuses.values()] })
  const views = (): McpServerView[] => [...configs.values()].map((config) => ({ config, status: statuses.get(config.name)! }))

  const importFrom = (json: string | undefined, from: string) => {
    if (json === undefined) return fail('E_NOT_FOUND', `No ${from} config was found.`)
    const found = parseMcpServers(json)
    if (typeof found === 'string') return fail('E_VALIDATION', found)
    const imported: string[] = []
    const skipped = [...found.skipped]
    for (const config of found.configs) {
      if (configs.has(config.name)) skipped.push({ name: config.name, reason: 'a server with this name exists already' })
      else imported.push(add(config).config.name)
    }
    return ok({ imported, skipped, file: '/home/me/.ollama-desk/mcp.json' })
  }

  // Resources and prompts come from connected servers only, as the core lists them.
  const connected = (): string[] => [...statuses.values()].filter((s) => s.state === 'connected').map((s) => s.name)
  const resourcesOf = (server: string): McpResource[] => (options.resources?.[server] ?? []).map(({ text: _text, ...r }) => ({ server, ...r }))
  const promptsOf = (server: string): McpPrompt[] => (options.prompts?.[server] ?? []).map(({ template: _template, arguments: args = [], ...p }) => ({ server, arguments: args, ...p }))
  const notConnected = (server: string) =>
    statuses.has(server) ? fail('E_NETWORK', `The MCP server "${server}" is not connected (${statuses.get(server)!.state}).`) : fail('E_NOT_FOUND', `There is no MCP server named "${server}".`)

  const readResource = (server: string, uri: string) => {
    if (!connected().includes(server)) return notConnected(server)
    const found = options.resources?.[server]?.find((r) => r.uri === uri)
    // The server's JSON-RPC error, as the core's McpRequestError words it.
    if (!found) return fail('E_BAD_RESPONSE', `The MCP server "${server}" failed reading ${uri}: Resource ${uri} not found`)
    return ok({ text: found.text, ...(found.mimeType ? { mimeType: found.mimeType } : {}) })
  }

  const getPrompt = (server: string, name: string, args: Record<string, string>) => {
    if (!connected().includes(server)) return notConnected(server)
    const found = options.prompts?.[server]?.find((p) => p.name === name)
    if (!found) return fail('E_BAD_RESPONSE', `The MCP server "${server}" failed the prompt "${name}": Prompt ${name} not found`)
    const missingArg = (found.arguments ?? []).find((a) => a.required && !args[a.name])
    if (missingArg) return fail('E_BAD_RESPONSE', `The MCP server "${server}" failed the prompt "${name}": missing required argument "${missingArg.name}"`)
    return ok({ text: found.template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => args[key] ?? '') })
  }

  const call = (route: string, input: unknown): Result<unknown> => {
    const spec = mcpRoutes[route as keyof typeof mcpRoutes]
    if (!spec) return fail('E_UNKNOWN_ROUTE', `no ${route}`)
    const parsed = spec.input.safeParse(input)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
      return { ok: false, error: { code: 'E_VALIDATION', message: `${issues[0]!.path}: ${issues[0]!.message}`, retryable: false, issues } }
    }
    const body = parsed.data as Record<string, unknown>
    const name = String(body.name ?? '')
    const missing = () => fail('E_NOT_FOUND', `There is no MCP server named ${name}.`)
    switch (route) {
      case 'mcp.list':
        return ok({ servers: views(), file: '/home/me/.ollama-desk/mcp.json' })
      case 'mcp.save': {
        const config = body.config as McpServerConfig
        const given = (body.secrets ?? {}) as { env?: Record<string, string>; headers?: Record<string, string> }
        const kept = secrets.get(config.name) ?? { env: {}, headers: {} }
        secrets.set(config.name, { env: { ...kept.env, ...given.env }, headers: { ...kept.headers, ...given.headers } })
        const view = add(config, statuses.get(config.name) && config.enabled ? { state: 'connecting' } : {})
        changed()
        return ok(view)
      }
      case 'mcp.remove': {
        const removed = configs.delete(name)
        statuses.delete(name)
        secrets.delete(name)
        changed()
        return ok({ removed })
      }
      case 'mcp.restart': {
        const status = statuses.get(name)
        if (!status) return missing()
        const next = { ...status, state: 'restarting' as const, restarts: status.restarts + 1 }
        statuses.set(name, next)
        changed()
        return ok(next)
      }
      case 'mcp.test': {
        const target = body.config ? (body.config as McpServerConfig).name : name
        if (!body.config && !configs.has(target)) return missing()
        return ok(options.tests?.[target] ?? { ok: true, tools: toolsOf(target), latencyMs: 8 })
      }
      case 'mcp.tools':
        return ok({ tools: [...configs.values()].filter((c) => c.enabled).flatMap((c) => toolsOf(c.name)) })
      case 'mcp.import': {
        if (body.from === 'json') return importFrom(String(body.json ?? ''), 'pasted')
        return importFrom(body.from === 'claude-desktop' ? options.claudeDesktop : options.ollamaCli, String(body.from))
      }
      case 'mcp.export': {
        const mcpServers: Record<string, unknown> = {}
        for (const c of configs.values()) {
          mcpServers[c.name] = c.transport === 'stdio' ? { command: c.command, args: c.args, env: c.env } : { type: c.transport, url: c.url, headers: c.headers }
        }
        return ok({ json: JSON.stringify({ mcpServers }, null, 2) })
      }
      case 'mcp.resources': {
        const servers = body.server === undefined ? connected() : connected().filter((s) => s === body.server)
        return ok({ resources: servers.flatMap(resourcesOf) })
      }
      case 'mcp.readResource':
        return readResource(String(body.server), String(body.uri))
      case 'mcp.prompts':
        return ok({ prompts: connected().flatMap(promptsOf) })
      case 'mcp.getPrompt':
        return getPrompt(String(body.server), name, (body.arguments ?? {}) as Record<string, string>)
      default:
        return fail('E_UNKNOWN_ROUTE', `the fake does not answer ${route}`)
    }
  }

  return {
    isMcpRoute: (route: string) => Object.hasOwn(mcpRoutes, route),
    call,
    config: (name: string) => configs.get(name),
    /** The secret values the core would keep in its secret store, per server. */
    secrets: (name: string) => secrets.get(name),
    /** A server's tool list changed (its list_changed notification); mcp.tools answers with it from now on. */
    setTools(name: string, next: { name: string; description: string }[]) {
      tools[name] = next
    },
    /** A server's status changed in the core: the window hears mcp.changed with every status. */
    setStatus(name: string, patch: Partial<McpServerStatus>) {
      statuses.set(name, { ...(statuses.get(name) ?? mcpStatus(name)), ...patch })
      changed()
    },
  }
}
