import type { ErrorCode } from '../../../src-shared/contract'
import type { McpPrompt, McpResource, McpServerConfig, McpServerConfigInput, McpServerStatus, McpServerView, McpTool } from '../../../src-shared/contract/mcp'
import { AppError, CancelledError } from '../errors'
import type { SecretStore } from '../secrets'
import { ATTR, SPAN, inSpan, type SpanHandle, type Tracing } from '../telemetry'
import { McpConfigStore, resolveSecrets } from './config-store'
import { McpConnection, type McpChange, type McpLog } from './connection'
import type { McpTimers } from './connection-support'
import { McpNotConnectedError, McpUnknownServerError, McpUnknownToolError, retryInFrom } from './errors'
import { formatPrompt, formatResource, formatToolResult } from './format'
import { exportMcpServersJson, parseMcpServersJson, type McpSecretValues } from './import-export'
import { loginShellPath } from './login-path'
import { McpOAuthProvider, forgetMcpOAuth } from './oauth'
import type { McpBackoff } from './reconnect'

export interface McpManagerDeps {
  dataDir: string
  secrets: SecretStore
  env: NodeJS.ProcessEnv
  log: McpLog
  timers?: McpTimers
  now?: () => number
  platform?: NodeJS.Platform
  /** The PATH for stdio servers; the login shell's by default. */
  loginPath?: () => Promise<string>
  initTimeoutMs?: number
  /** Restarts of stdio servers and reconnects to remote ones: 1 s, 2 s, 4 s … capped at 60 s by default. */
  backoff?: McpBackoff
  /** The jitter of remote reconnects; Math.random by default. */
  random?: () => number
  /** Opens an OAuth sign-in page (shell.openExternal on the desktop); without it, servers answering 401 just fail. */
  openExternal?: (url: string) => void | Promise<void>
  /** How long a sign-in waits for the browser; 5 minutes by default. */
  signInTimeoutMs?: number
  /** A span per tool call (under the chat's tool span when the caller passes one). */
  tracing?: Tracing
}

export interface McpToolOutcome {
  ok: boolean
  output: string
  /** Set when the call itself failed (unknown tool, timeout, server down), not when the tool reported an error. */
  errorCode?: ErrorCode
}

export interface McpTestResult {
  ok: boolean
  tools: McpTool[]
  latencyMs: number | null
  error?: string
}

const MAX_NAME = 64

/** `mcp__<server>__<tool>` with characters models reject replaced by `_`. */
export function qualifyToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_NAME)
}

function idleStatus(config: McpServerConfig): McpServerStatus {
  return {
    name: config.name,
    state: config.enabled ? 'stopped' : 'disabled',
    tools: 0,
    resources: 0,
    prompts: 0,
    lastError: null,
    latencyMs: null,
    restarts: 0,
    serverName: null,
    serverVersion: null,
  }
}

/**
 * Every configured MCP server: started in the background (a chat never waits on MCP), their tools
 * as one cached list keyed by qualified name, and calls routed to the right connection.
 */
export class McpManager {
  readonly store: McpConfigStore
  private readonly connections = new Map<string, McpConnection>()
  private readonly listeners = new Set<(servers: McpServerStatus[], what: McpChange) => void>()
  private toolIndex: Map<string, { server: string; tool: McpTool }> | undefined
  private readonly loginPath: () => Promise<string>

  constructor(private readonly deps: McpManagerDeps) {
    this.store = new McpConfigStore({ dataDir: deps.dataDir, secrets: deps.secrets, log: deps.log })
    const platform = deps.platform ?? process.platform
    this.loginPath = deps.loginPath ?? (() => loginShellPath(deps.env, platform))
  }

  /** Starts every enabled server in parallel and returns at once. */
  startAll(): void {
    for (const config of this.store.list()) if (config.enabled && !this.connections.has(config.name)) this.launch(config)
  }

  status(): McpServerStatus[] {
    return this.store.list().map((config) => this.connections.get(config.name)?.status ?? idleStatus(config))
  }

  list(): McpServerView[] {
    return this.store.list().map((config) => ({ config, status: this.connections.get(config.name)?.status ?? idleStatus(config) }))
  }

  /** The connected servers' tools (cached; rebuilt only when a server connects, drops or announces list_changed). */
  tools(): McpTool[] {
    return [...this.index().values()].map((entry) => entry.tool)
  }

  async callTool(qualifiedName: string, args: Record<string, unknown>, options: { signal?: AbortSignal; span?: SpanHandle } = {}): Promise<McpToolOutcome> {
    const attributes = { [ATTR.mcpMethod]: 'tools/call', [ATTR.genAiToolName]: qualifiedName }
    return inSpan(options.span, this.deps.tracing, SPAN.mcpToolCall(qualifiedName), attributes, async (span) => {
      const outcome = await this.callUntraced(qualifiedName, args, options.signal ? { signal: options.signal } : {})
      if (!outcome.ok) span.recordError(outcome.errorCode ?? 'tool_error')
      return outcome
    }, 'client')
  }

  private async callUntraced(qualifiedName: string, args: Record<string, unknown>, options: { signal?: AbortSignal }): Promise<McpToolOutcome> {
    const entry = this.index().get(qualifiedName)
    if (!entry) {
      // A tool of a server that is restarting or reconnecting is "not connected", not "unknown".
      const server = /^mcp__([A-Za-z0-9_-]+?)__/.exec(qualifiedName)?.[1]
      const status = server === undefined ? undefined : this.connections.get(server)?.status
      if (status && status.state !== 'connected') return failure(new McpNotConnectedError(status.name, status.state, status.lastError, retryInFrom(status.retry, (this.deps.now ?? Date.now)())))
      return failure(new McpUnknownToolError(qualifiedName))
    }
    const connection = this.connections.get(entry.server)
    if (!connection) return failure(new McpUnknownToolError(qualifiedName))
    try {
      return formatToolResult(await connection.callTool(entry.tool.name, args, options))
    } catch (error) {
      if (error instanceof CancelledError) throw error
      return failure(error)
    }
  }

  resources(server?: string): McpResource[] {
    return this.connected(server).flatMap((c) =>
      c.resources().map((r) => ({ server: c.name, uri: r.uri, name: r.name, ...(r.mimeType ? { mimeType: r.mimeType } : {}), ...(r.description ? { description: r.description } : {}) })),
    )
  }

  async readResource(server: string, uri: string, options: { signal?: AbortSignal } = {}): Promise<{ text: string; mimeType?: string }> {
    return formatResource(await this.connection(server).readResource(uri, options))
  }

  prompts(): McpPrompt[] {
    return this.connected().flatMap((c) =>
      c.prompts().map((p) => ({ server: c.name, name: p.name, ...(p.description ? { description: p.description } : {}), arguments: p.arguments ?? [] })),
    )
  }

  async getPrompt(server: string, name: string, args: Record<string, string> = {}, options: { signal?: AbortSignal } = {}): Promise<{ text: string }> {
    return formatPrompt(await this.connection(server).getPrompt(name, args, options))
  }

  /** Adds or replaces a server, then (re)starts it in the background when enabled. */
  async save(input: McpServerConfigInput, secrets?: McpSecretValues): Promise<McpServerView> {
    const config = this.store.save(input, secrets)
    await this.stopOne(config.name)
    if (config.enabled) this.launch(config)
    this.emit('status')
    return { config, status: this.connections.get(config.name)?.status ?? idleStatus(config) }
  }

  async remove(name: string): Promise<boolean> {
    await this.stopOne(name)
    const removed = this.store.remove(name)
    forgetMcpOAuth(this.deps.secrets, name)
    this.emit('status')
    return removed
  }

  /** Restarts now and waits for the outcome (a disabled server stays stopped). */
  async restart(name: string): Promise<McpServerStatus> {
    const config = this.store.get(name)
    if (!config) throw new McpUnknownServerError(name)
    await this.stopOne(name)
    if (!config.enabled) return idleStatus(config)
    return this.launch(config).start()
  }

  /** Connects a temporary client (saved by name, or a config not saved yet), lists its tools, closes. */
  async test(target: string | McpServerConfigInput, secrets: McpSecretValues = {}): Promise<McpTestResult> {
    let config: McpServerConfig
    if (typeof target === 'string') {
      const saved = this.store.get(target)
      if (!saved) throw new McpUnknownServerError(target)
      config = saved
    } else {
      config = this.store.parse(target)
    }
    const connection = this.connectionFor(resolveSecrets(config, this.deps.secrets, secrets), false)
    try {
      const status = await connection.start()
      const tools = connection.tools().map((t) => this.toMcpTool(config.name, t, qualifyToolName(config.name, t.name)))
      return { ok: status.state === 'connected', tools, latencyMs: status.latencyMs, ...(status.lastError ? { error: status.lastError } : {}) }
    } finally {
      await connection.stop()
    }
  }

  /** Imports `mcpServers` JSON (Claude Desktop, ollama-cli or pasted); secret values go to the secret store. */
  async importJson(text: string): Promise<{ imported: string[]; skipped: { name: string; reason: string }[] }> {
    const parsed = parseMcpServersJson(text)
    const imported: string[] = []
    for (const server of parsed.servers) {
      await this.save(server.config, server.secrets)
      imported.push(server.config.name)
    }
    return { imported, skipped: parsed.skipped }
  }

  exportJson(): string {
    return exportMcpServersJson(this.store.list())
  }

  onChange(listener: (servers: McpServerStatus[], what: McpChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async stopAll(): Promise<void> {
    const all = [...this.connections.keys()]
    await Promise.all(all.map((name) => this.stopOne(name)))
  }

  private launch(config: McpServerConfig): McpConnection {
    const resolved = resolveSecrets(config, this.deps.secrets)
    const connection = this.connectionFor(resolved, true)
    this.connections.set(config.name, connection)
    void connection.start()
    return connection
  }

  private connectionFor(config: McpServerConfig, live: boolean): McpConnection {
    const oauth = this.oauthFor(config)
    return new McpConnection({
      config,
      env: this.deps.env,
      log: this.deps.log,
      loginPath: this.loginPath,
      autoRestart: live,
      ...(this.deps.platform ? { platform: this.deps.platform } : {}),
      ...(this.deps.timers ? { timers: this.deps.timers } : {}),
      ...(this.deps.now ? { now: this.deps.now } : {}),
      ...(this.deps.initTimeoutMs ? { initTimeoutMs: this.deps.initTimeoutMs } : {}),
      ...(this.deps.backoff ? { backoff: this.deps.backoff } : {}),
      ...(this.deps.random ? { random: this.deps.random } : {}),
      ...(live ? { onChange: (what: McpChange) => this.emit(what) } : {}),
      ...(oauth ? { oauth } : {}),
    })
  }

  /** OAuth for remote servers, unless the user gave an Authorization header of their own. */
  private oauthFor(config: McpServerConfig): McpOAuthProvider | undefined {
    const openExternal = this.deps.openExternal
    if (!openExternal || config.transport === 'stdio') return undefined
    if ([...Object.keys(config.headers), ...config.secretHeaders].some((header) => header.toLowerCase() === 'authorization')) return undefined
    return new McpOAuthProvider({ server: config.name, secrets: this.deps.secrets, openExternal, log: this.deps.log, ...(this.deps.signInTimeoutMs ? { timeoutMs: this.deps.signInTimeoutMs } : {}), ...(this.deps.timers ? { timers: this.deps.timers } : {}) })
  }

  private async stopOne(name: string): Promise<void> {
    const connection = this.connections.get(name)
    if (!connection) return
    this.connections.delete(name)
    this.toolIndex = undefined
    await connection.stop()
  }

  private emit(what: McpChange): void {
    if (what === 'tools' || what === 'status') this.toolIndex = undefined
    const servers = this.status()
    for (const listener of this.listeners) listener(servers, what)
  }

  private connected(server?: string): McpConnection[] {
    return [...this.connections.values()].filter((c) => c.status.state === 'connected' && (server === undefined || c.name === server))
  }

  private connection(server: string): McpConnection {
    const connection = this.connections.get(server)
    if (!connection) throw new McpUnknownServerError(server)
    return connection
  }

  private index(): Map<string, { server: string; tool: McpTool }> {
    if (this.toolIndex) return this.toolIndex
    const index = new Map<string, { server: string; tool: McpTool }>()
    for (const connection of this.connected()) {
      for (const tool of connection.tools()) {
        let qualified = qualifyToolName(connection.name, tool.name)
        for (let n = 2; index.has(qualified); n++) qualified = `${qualifyToolName(connection.name, tool.name).slice(0, MAX_NAME - 4)}_${n}`
        index.set(qualified, { server: connection.name, tool: this.toMcpTool(connection.name, tool, qualified) })
      }
    }
    this.toolIndex = index
    return index
  }

  private toMcpTool(server: string, tool: { name: string; description?: string; inputSchema: Record<string, unknown> }, qualifiedName: string): McpTool {
    return { server, name: tool.name, qualifiedName, description: tool.description ?? '', inputSchema: tool.inputSchema }
  }
}

function failure(error: unknown): McpToolOutcome {
  if (error instanceof AppError) return { ok: false, output: error.message, errorCode: error.code }
  return { ok: false, output: error instanceof Error ? error.message : String(error), errorCode: 'E_INTERNAL' }
}
