import type { Readable } from 'node:stream'
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  type Implementation,
  type Prompt,
  type Resource,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import type { McpServerConfig, McpServerStatus, McpState } from '../../../src-shared/contract/mcp'
import type { Logger } from '../log'
import { StderrTail, closeLive, describeConnectFailure, isStdoutNoise, killIfAlive, mapRequestError, realTimers, shouldFallBackToSse, type Live, type McpTimers } from './connection-support'
import { McpCancelledError, McpNotConnectedError, retryInFrom } from './errors'
import { windowsCommand } from './login-path'
import { McpSignInRequiredError, finishSignIn, type McpOAuthProvider } from './oauth'
import { McpOfferings } from './offerings'
import { DEFAULT_BACKOFF_MAX_MS, REMOTE_JITTER, backoffDelay, callSuggestsLoss, describeLoss, isAuthRefusal, meansServerLost, type McpBackoff } from './reconnect'

export type McpLog = Pick<Logger, 'debug' | 'info' | 'warn'>
export type McpChange = 'status' | 'tools' | 'resources' | 'prompts'
export type CallToolResult = Awaited<ReturnType<Client['callTool']>>
export type ReadResourceResult = Awaited<ReturnType<Client['readResource']>>
export type GetPromptResult = Awaited<ReturnType<Client['getPrompt']>>

export interface McpConnectionOptions {
  /** With secret values filled in (see resolveSecrets). */
  config: McpServerConfig
  /** The environment stdio servers inherit. */
  env: NodeJS.ProcessEnv
  log: McpLog
  platform?: NodeJS.Platform
  /** The PATH for stdio servers (the login shell's); the env's PATH when omitted. */
  loginPath?: () => Promise<string>
  timers?: McpTimers
  now?: () => number
  initTimeoutMs?: number
  /** Reconnect after a crash or a lost remote server (off for test connections). */
  autoRestart?: boolean
  backoff?: McpBackoff
  /** For the jitter of remote reconnects; Math.random by default. */
  random?: () => number
  onChange?: (what: McpChange) => void
  /** http / sse: signs in with OAuth when the server answers 401. */
  oauth?: McpOAuthProvider
}

export const DEFAULT_INIT_TIMEOUT_MS = 30_000
const CLIENT_INFO = { name: 'ollama-desk', version: '1.0.0' }
/** How long a remote server suspected gone has to answer a ping. */
const PROBE_TIMEOUT_MS = 10_000

type HttpTransport = StreamableHTTPClientTransport | SSEClientTransport


/**
 * One MCP server: connects, keeps its tool/resource/prompt lists (refreshed on list_changed, never
 * per chat turn), and reconnects with exponential backoff when it dies while wanted.
 */
export class McpConnection {
  readonly config: McpServerConfig
  private state: McpState
  private live: Live | undefined
  private generation = 0
  private wanted = false
  private restartTimer: unknown
  private attempt = 0
  private retry: { attempt: number; nextAttemptAt: number | null } | undefined
  private probing = false
  private connectedAt = 0
  private restarts = 0
  private lastError: string | null = null
  private latencyMs: number | null = null
  private server: Implementation | undefined
  private readonly offered: McpOfferings
  /** http / sse: a server that goes away is reconnected to (`reconnecting`); a stdio one is restarted. */
  private readonly remote: boolean
  private readonly downState: McpState
  private stderr = new StderrTail()
  private stdoutNoise: string | undefined
  private pending: Promise<void> | undefined
  private opening: Transport | undefined
  private signingIn = false
  private readonly timers: McpTimers
  private readonly now: () => number
  /** How long the handshake and each list refresh may take. */
  private readonly initTimeoutMs: number

  constructor(private readonly options: McpConnectionOptions) {
    this.config = options.config
    this.state = options.config.enabled ? 'stopped' : 'disabled'
    this.timers = options.timers ?? realTimers
    this.now = options.now ?? Date.now
    this.initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS
    this.offered = new McpOfferings(options.config.name, options.log)
    this.remote = options.config.transport !== 'stdio'
    this.downState = this.remote ? 'reconnecting' : 'restarting'
  }

  get name(): string {
    return this.config.name
  }

  get status(): McpServerStatus {
    return {
      name: this.config.name,
      state: this.state,
      tools: this.offered.tools.length,
      resources: this.offered.resources.length,
      prompts: this.offered.prompts.length,
      lastError: this.lastError,
      latencyMs: this.latencyMs,
      restarts: this.restarts,
      serverName: this.server?.name ?? null,
      serverVersion: this.server?.version ?? null,
      ...(this.retry ? { retry: { ...this.retry } } : {}),
    }
  }

  /** What the server wrote to stderr lately (line-capped). */
  logLines(): string[] {
    return this.stderr.all()
  }

  tools(): Tool[] {
    return this.offered.tools
  }

  resources(): Resource[] {
    return this.offered.resources
  }

  prompts(): Prompt[] {
    return this.offered.prompts
  }

  /** Connects; resolves once connected or failed (the state says which), never rejects. */
  start(): Promise<McpServerStatus> {
    if (!this.wanted || this.state === 'error') {
      this.wanted = true
      this.attempt = 0
      this.pending = this.connect(false)
    }
    return (this.pending ?? Promise.resolve()).then(() => this.status)
  }

  async stop(): Promise<void> {
    this.wanted = false
    this.generation++
    if (this.restartTimer !== undefined) this.timers.clearTimeout(this.restartTimer)
    this.restartTimer = undefined
    this.retry = undefined
    this.pending = undefined
    this.options.oauth?.cancelFlow()
    // A handshake still under way is cut off so its child does not outlive us.
    const opening = this.opening
    this.opening = undefined
    if (opening) await opening.close().catch(() => undefined)
    const live = this.live
    this.live = undefined
    this.offered.clear()
    if (live) await closeLive(live)
    this.setState(this.config.enabled ? 'stopped' : 'disabled')
  }

  callTool(name: string, args: Record<string, unknown>, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CallToolResult> {
    return this.request(`the tool "${name}"`, options, (client, requestOptions) => client.callTool({ name, arguments: args }, undefined, requestOptions))
  }

  readResource(uri: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ReadResourceResult> {
    return this.request(`reading ${uri}`, options, (client, requestOptions) => client.readResource({ uri }, requestOptions))
  }

  getPrompt(name: string, args: Record<string, string> = {}, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<GetPromptResult> {
    return this.request(`the prompt "${name}"`, options, (client, requestOptions) => client.getPrompt({ name, arguments: args }, requestOptions))
  }

  private async request<T>(what: string, options: { signal?: AbortSignal; timeoutMs?: number }, run: (client: Client, options: RequestOptions) => Promise<T>): Promise<T> {
    const live = this.live
    if (!live || this.state !== 'connected') throw new McpNotConnectedError(this.name, this.state, this.lastError, retryInFrom(this.retry, this.now()))
    if (options.signal?.aborted) throw new McpCancelledError(this.name, what)
    const timeout = options.timeoutMs ?? this.config.timeoutMs
    const started = this.now()
    try {
      const result = await run(live.client, { timeout, ...(options.signal ? { signal: options.signal } : {}) })
      this.latencyMs = this.now() - started
      return result
    } catch (error) {
      if (error instanceof UnauthorizedError) void this.signInAgain(live)
      else if (!options.signal?.aborted && callSuggestsLoss(error)) void this.checkAlive(live)
      throw mapRequestError(error, this.name, what, timeout, options.signal)
    }
  }

  /** `announce`: tell listeners even when only the retry details changed. */
  private setState(state: McpState, announce = false): void {
    if (this.state === state && !announce) return
    this.state = state
    this.options.onChange?.('status')
  }

  private async connect(isRestart: boolean): Promise<void> {
    const generation = ++this.generation
    if (this.retry) this.retry = { attempt: this.retry.attempt, nextAttemptAt: null }
    this.setState(isRestart ? this.downState : 'connecting', isRestart)
    this.stdoutNoise = undefined
    this.stderr = new StderrTail()
    let live: Live | undefined
    try {
      live = await this.open(generation)
      if (generation !== this.generation) return void (await closeLive(live))
      this.live = live
      await this.offered.refreshAll(live.client, this.initTimeoutMs)
      if (generation !== this.generation) return
      this.connectedAt = this.now()
      this.lastError = null
      this.retry = undefined
      this.setState('connected')
      this.options.onChange?.('tools')
      this.options.log.info({ server: this.name, serverInfo: this.server, tools: this.offered.tools.length }, 'MCP server connected')
    } catch (error) {
      if (generation !== this.generation) return
      this.live = undefined
      if (live) void closeLive(live)
      this.lastError = describeConnectFailure(error, {
        config: this.config,
        initTimeoutMs: this.initTimeoutMs,
        stderr: this.stderr.last(),
        stdoutNoise: this.stdoutNoise,
      })
      this.options.log.warn({ server: this.name, error: this.lastError }, 'MCP server failed to start')
      // A sign-in nobody finished is not retried: each try would open the browser again.
      if (isRestart && this.wanted && this.options.autoRestart !== false && !(error instanceof McpSignInRequiredError)) this.scheduleRestart()
      else {
        this.retry = undefined
        this.setState('error')
      }
    }
  }

  /** Connects; a server that wants OAuth gets the code the browser brings back, then a second attempt with the tokens. */
  private async open(generation: number): Promise<Live> {
    if (this.config.transport === 'stdio') return this.connectClient(await this.stdioTransport(), generation)
    const made: HttpTransport[] = []
    try {
      return await this.openHttp(generation, made)
    } catch (error) {
      const transport = made.at(-1)
      if (!(error instanceof UnauthorizedError) || !this.options.oauth || !transport || generation !== this.generation) throw error
      this.options.log.info({ server: this.name }, 'MCP server: waiting for the sign-in in the browser')
      const before = this.state
      this.setState('signing-in')
      await finishSignIn(this.options.oauth, transport)
      if (generation === this.generation) this.setState(before)
      return this.openHttp(generation, made)
    }
  }

  /** For http, falls back to the old HTTP+SSE transport when the server refuses streamable HTTP. */
  private async openHttp(generation: number, made: HttpTransport[]): Promise<Live> {
    const url = new URL(this.config.url ?? '')
    const options = { requestInit: { headers: this.config.headers }, ...(this.options.oauth ? { authProvider: this.options.oauth } : {}) }
    const track = <T extends HttpTransport>(transport: T): T => (made.push(transport), transport)
    if (this.config.transport === 'sse') return this.connectClient(track(new SSEClientTransport(url, options)), generation)
    try {
      return await this.connectClient(track(new StreamableHTTPClientTransport(url, options)), generation)
    } catch (error) {
      if (!shouldFallBackToSse(error) || generation !== this.generation) throw error
      this.options.log.info({ server: this.name }, 'MCP server refused streamable HTTP; trying the older HTTP+SSE transport')
      return this.connectClient(track(new SSEClientTransport(url, options)), generation)
    }
  }

  /** A call met a 401 that refreshing could not cure: the SDK opened the browser; resume with its code, or turn to error. */
  private async signInAgain(live: Live): Promise<void> {
    if (!this.options.oauth || this.signingIn) return
    this.signingIn = true
    const generation = this.generation
    if (this.live === live) this.setState('signing-in')
    const failure = await finishSignIn(this.options.oauth, live.transport).then(() => undefined, (error: Error) => error.message)
    this.signingIn = false
    if (generation !== this.generation || this.live !== live) return
    if (failure === undefined) return this.setState('connected')
    this.options.log.warn({ server: this.name, error: failure }, 'MCP server sign-in failed')
    await this.stop()
    this.lastError = failure
    this.setState('error')
  }

  private async stdioTransport(): Promise<StdioClientTransport> {
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(this.options.env)) if (typeof value === 'string') env[key] = value
    const pathKey = Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH'
    if (this.options.loginPath) env[pathKey] = await this.options.loginPath()
    Object.assign(env, this.config.env)
    const command = this.config.command ?? ''
    const spawn = this.options.platform === 'win32' ? windowsCommand(command, this.config.args) : { command, args: this.config.args }
    const transport = new StdioClientTransport({ command: spawn.command, args: spawn.args, env, stderr: 'pipe' })
    const stderr = this.stderr
    if (transport.stderr) stderr.attach(transport.stderr as Readable, (line) => this.options.log.debug({ server: this.name, stderr: line }, 'MCP server stderr'))
    return transport
  }

  private async connectClient(transport: Transport, generation: number): Promise<Live> {
    const client = new Client(CLIENT_INFO, { capabilities: {} })
    client.onerror = (error) => {
      if (generation !== this.generation) return
      if (this.config.transport === 'stdio' && isStdoutNoise(error)) this.stdoutNoise ??= error.message
      this.options.log.warn({ server: this.name, error: error.message.slice(0, 500) }, 'MCP transport error')
      // A remote server's event stream broke (it went down or restarted): find out whether it is still there.
      if (this.remote && this.live?.client === client && !isAuthRefusal(error)) void this.checkAlive(this.live)
    }
    client.onclose = () => this.onClosed(generation)
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.refreshOne(generation, 'tools'))
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => this.refreshOne(generation, 'resources'))
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => this.refreshOne(generation, 'prompts'))
    const started = this.now()
    const live: Live = { client, transport, pid: null }
    if (transport instanceof StdioClientTransport) {
      // The SDK forgets the child when it closes; keep its pid to make sure it is gone.
      const start = transport.start.bind(transport)
      transport.start = async () => {
        await start()
        live.pid = transport.pid
      }
    }
    this.opening = transport
    try {
      await client.connect(transport, { timeout: this.initTimeoutMs })
    } catch (error) {
      // A server that failed initialize gets no polite two-second grace period.
      killIfAlive(live.pid, 'SIGTERM')
      throw error
    } finally {
      if (this.opening === transport) this.opening = undefined
    }
    this.latencyMs = this.now() - started
    this.server = client.getServerVersion()
    return live
  }

  private async refreshOne(generation: number, what: 'tools' | 'resources' | 'prompts'): Promise<void> {
    const live = this.live
    if (generation !== this.generation || !live) return
    await this.offered.refresh(live.client, what, this.initTimeoutMs)
    if (generation === this.generation) this.options.onChange?.(what)
  }

  private onClosed(generation: number): void {
    if (generation !== this.generation || !this.wanted || this.state !== 'connected') return
    const last = this.stderr.last()
    this.dropped(`the server ${this.remote ? 'closed the connection' : 'exited'}${last ? `; its last words on stderr: "${last.slice(0, 300)}"` : ''}`)
  }

  /** Asks a remote server suspected gone for a ping; no answer (or no session) means it is, and we reconnect. */
  private async checkAlive(live: Live): Promise<void> {
    // A ping during a sign-in would only start another one.
    if (!this.remote || this.probing || this.signingIn || this.options.oauth?.signInPending || this.live !== live || this.state !== 'connected') return
    this.probing = true
    const generation = this.generation
    try {
      await live.client.ping({ timeout: Math.min(PROBE_TIMEOUT_MS, this.initTimeoutMs) })
    } catch (error) {
      if (generation !== this.generation || this.live !== live || this.state !== 'connected' || !meansServerLost(error)) return
      // The old client's handlers fall silent; a new client and session come with the reconnect.
      this.generation++
      void closeLive(live)
      this.dropped(describeLoss(error, this.config.url ?? 'the server'))
    } finally {
      this.probing = false
    }
  }

  /** A connected server went away while wanted: restart or reconnect with backoff. */
  private dropped(reason: string): void {
    this.lastError = reason
    this.options.log.warn({ server: this.name, error: reason }, this.remote ? 'MCP server lost; reconnecting' : 'MCP server stopped unexpectedly')
    this.live = undefined
    if (this.options.autoRestart === false) return this.setState('error')
    // A server that stayed up for a while starts the backoff over.
    if (this.now() - this.connectedAt >= (this.options.backoff?.maxMs ?? DEFAULT_BACKOFF_MAX_MS)) this.attempt = 0
    this.scheduleRestart()
  }

  private scheduleRestart(): void {
    // Remote retries get jitter (many clients may wait on one server); a local process needs none.
    const delay = backoffDelay(this.attempt, this.options.backoff, this.remote ? REMOTE_JITTER : 0, this.options.random)
    this.attempt++
    this.retry = { attempt: this.attempt, nextAttemptAt: this.now() + delay }
    this.setState(this.downState, true)
    this.restartTimer = this.timers.setTimeout(() => {
      this.restartTimer = undefined
      if (!this.wanted) return
      this.restarts++
      this.pending = this.connect(true)
    }, delay)
  }
}
