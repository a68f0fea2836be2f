import type { Readable } from 'node:stream'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js'
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { Implementation, Prompt, Resource, Tool } from '@modelcontextprotocol/sdk/types.js'
import type { McpServerConfig, McpServerStatus, McpState } from '../../../src-shared/contract/mcp'
import { StderrTail, closeLive, describeConnectFailure, isStdoutNoise, killIfAlive, mapRequestError, realTimers, shouldFallBackToSse, type Live, type McpLog, type McpTimers } from './connection-support'
import { liveOf, shownRetry, shownState, type Connected, type Connecting, type Phase } from './connection-phase'
import { McpCancelledError, McpNotConnectedError, retryInFrom } from './errors'
import { McpSignInRequiredError, finishSignIn, type McpOAuthProvider } from './oauth'
import { McpOfferings } from './offerings'
import { REMOTE_JITTER, RestartBackoff, callSuggestsLoss, describeLoss, isAuthRefusal, meansServerLost, type McpBackoff } from './reconnect'
import { isUnauthorizedError, loadMcpSdk } from './sdk'
import { stdioTransport, type StdioSpawnOptions } from './stdio-transport'

export type { McpLog }
export type McpChange = 'status' | 'tools' | 'resources' | 'prompts'
export type CallToolResult = Awaited<ReturnType<Client['callTool']>>
export type ReadResourceResult = Awaited<ReturnType<Client['readResource']>>
export type GetPromptResult = Awaited<ReturnType<Client['getPrompt']>>

/** `env`, `loginPath` and `platform` are for the child of a stdio server. */
export interface McpConnectionOptions extends StdioSpawnOptions {
  /** With secret values filled in (see resolveSecrets). */
  config: McpServerConfig
  log: McpLog
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
  private phase: Phase = { is: 'stopped' }
  /** Bumped whenever an attempt or a client is abandoned; its callbacks that find it changed fall silent. */
  private generation = 0
  private readonly backoff: RestartBackoff
  private restarts = 0
  private lastError: string | null = null
  private latencyMs: number | null = null
  private server: Implementation | undefined
  private readonly offered: McpOfferings
  /** http / sse: a server that goes away is reconnected to (`reconnecting`); a stdio one is restarted. */
  private readonly remote: boolean
  private readonly downState: McpState
  private stderr = new StderrTail()
  private readonly timers: McpTimers
  private readonly now: () => number
  /** How long the handshake and each list refresh may take. */
  private readonly initTimeoutMs: number

  constructor(private readonly options: McpConnectionOptions) {
    this.config = options.config
    this.timers = options.timers ?? realTimers
    this.now = options.now ?? Date.now
    this.initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS
    this.offered = new McpOfferings(options.config.name, options.log)
    this.remote = options.config.transport !== 'stdio'
    this.downState = this.remote ? 'reconnecting' : 'restarting'
    // Remote retries get jitter (many clients may wait on one server); a local process needs none.
    this.backoff = new RestartBackoff({ backoff: options.backoff, jitter: this.remote ? REMOTE_JITTER : 0, random: options.random })
  }

  get name(): string {
    return this.config.name
  }

  private get state(): McpState {
    return shownState(this.phase, this.config.enabled, this.downState)
  }

  get status(): McpServerStatus {
    const retry = shownRetry(this.phase, this.backoff.attempt)
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
      ...(retry ? { retry } : {}),
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
    const { is } = this.phase
    if (is === 'stopped' || is === 'stopping' || is === 'failed') {
      this.backoff.reset()
      this.connect(false)
    }
    return (this.phase.is === 'connecting' ? this.phase.done : Promise.resolve()).then(() => this.status)
  }

  async stop(): Promise<void> {
    const was = this.phase
    this.generation++
    if (was.is === 'waiting') this.timers.clearTimeout(was.timer)
    const stopping: Phase = { is: 'stopping', shows: this.state }
    this.phase = stopping
    this.options.oauth?.cancelFlow()
    // A handshake still under way is cut off so its child does not outlive us.
    if (was.is === 'connecting' && was.opening) await was.opening.close().catch(() => undefined)
    const live = liveOf(was)
    this.offered.clear()
    if (live) await closeLive(live)
    // A start() during the close has begun a new attempt: that one's phase stands.
    if (this.phase === stopping) this.enter({ is: 'stopped' })
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
    const phase = this.phase
    if (phase.is !== 'connected' || this.state !== 'connected') {
      throw new McpNotConnectedError(this.name, this.state, this.lastError, retryInFrom(shownRetry(phase, this.backoff.attempt), this.now()))
    }
    const { live } = phase
    if (options.signal?.aborted) throw new McpCancelledError(this.name, what)
    const timeout = options.timeoutMs ?? this.config.timeoutMs
    const started = this.now()
    try {
      const result = await run(live.client, { timeout, ...(options.signal ? { signal: options.signal } : {}) })
      this.latencyMs = this.now() - started
      return result
    } catch (error) {
      if (isUnauthorizedError(error)) void this.signInAgain(live)
      else if (!options.signal?.aborted && callSuggestsLoss(error)) void this.checkAlive(live)
      throw mapRequestError(error, this.name, what, timeout, options.signal)
    }
  }

  /** Moves to `next`; listeners hear of it when the shown state changes, or always with `announce` (new retry details). */
  private enter(next: Phase, announce = false): void {
    const before = this.state
    this.phase = next
    if (announce || this.state !== before) this.options.onChange?.('status')
  }

  /** A sign-in starts or ends within the current phase. */
  private setSigningIn(phase: Connecting | Connected, signingIn: boolean): void {
    const before = this.state
    phase.signingIn = signingIn
    if (this.state !== before) this.options.onChange?.('status')
  }

  private connect(restart: boolean): void {
    const generation = ++this.generation
    const phase: Connecting = { is: 'connecting', restart, signingIn: false, opening: undefined, live: undefined, stdoutNoise: undefined, done: Promise.resolve() }
    this.enter(phase, restart)
    this.stderr = new StderrTail()
    phase.done = this.establish(phase, generation)
  }

  private async establish(phase: Connecting, generation: number): Promise<void> {
    let live: Live | undefined
    try {
      live = await this.open(phase, generation)
      if (generation !== this.generation) return void (await closeLive(live))
      phase.live = live
      await this.offered.refreshAll(live.client, this.initTimeoutMs)
      if (generation !== this.generation) return
      this.lastError = null
      this.enter({ is: 'connected', live, since: this.now(), probing: false, signingIn: false })
      this.options.onChange?.('tools')
      this.options.log.info({ server: this.name, serverInfo: this.server, tools: this.offered.tools.length }, 'MCP server connected')
    } catch (error) {
      if (generation !== this.generation) return
      phase.live = undefined
      if (live) void closeLive(live)
      this.lastError = describeConnectFailure(error, {
        config: this.config,
        initTimeoutMs: this.initTimeoutMs,
        stderr: this.stderr.last(),
        stdoutNoise: phase.stdoutNoise,
      })
      this.options.log.warn({ server: this.name, error: this.lastError }, 'MCP server failed to start')
      // A sign-in nobody finished is not retried: each try would open the browser again.
      if (phase.restart && this.options.autoRestart !== false && !(error instanceof McpSignInRequiredError)) this.scheduleRestart()
      else this.enter({ is: 'failed' })
    }
  }

  /** Connects; a server that wants OAuth gets the code the browser brings back, then a second attempt with the tokens. */
  private async open(phase: Connecting, generation: number): Promise<Live> {
    if (this.config.transport === 'stdio') {
      const transport = await stdioTransport(this.config, this.options)
      const stderr = this.stderr
      if (transport.stderr) stderr.attach(transport.stderr as Readable, (line) => this.options.log.debug({ server: this.name, stderr: line }, 'MCP server stderr'))
      return this.connectClient(transport, phase, generation)
    }
    const made: HttpTransport[] = []
    try {
      return await this.openHttp(phase, generation, made)
    } catch (error) {
      const transport = made.at(-1)
      if (!isUnauthorizedError(error) || !this.options.oauth || !transport || generation !== this.generation) throw error
      this.options.log.info({ server: this.name }, 'MCP server: waiting for the sign-in in the browser')
      this.setSigningIn(phase, true)
      await finishSignIn(this.options.oauth, transport)
      if (generation === this.generation) this.setSigningIn(phase, false)
      return this.openHttp(phase, generation, made)
    }
  }

  /** For http, falls back to the old HTTP+SSE transport when the server refuses streamable HTTP. */
  private async openHttp(phase: Connecting, generation: number, made: HttpTransport[]): Promise<Live> {
    const { SSEClientTransport, StreamableHTTPClientTransport } = await loadMcpSdk()
    const url = new URL(this.config.url ?? '')
    const options = { requestInit: { headers: this.config.headers }, ...(this.options.oauth ? { authProvider: this.options.oauth } : {}) }
    const track = <T extends HttpTransport>(transport: T): T => (made.push(transport), transport)
    if (this.config.transport === 'sse') return this.connectClient(track(new SSEClientTransport(url, options)), phase, generation)
    try {
      return await this.connectClient(track(new StreamableHTTPClientTransport(url, options)), phase, generation)
    } catch (error) {
      if (!shouldFallBackToSse(error) || generation !== this.generation) throw error
      this.options.log.info({ server: this.name }, 'MCP server refused streamable HTTP; trying the older HTTP+SSE transport')
      return this.connectClient(track(new SSEClientTransport(url, options)), phase, generation)
    }
  }

  /** A call met a 401 that refreshing could not cure: the SDK opened the browser; resume with its code, or turn to error. */
  private async signInAgain(live: Live): Promise<void> {
    const phase = this.phase
    // Only the connection the call went over is flagged; a sign-in for a lost one still saves its tokens.
    const current = phase.is === 'connected' && phase.live === live ? phase : undefined
    if (!this.options.oauth || current?.signingIn) return
    const generation = this.generation
    if (current) this.setSigningIn(current, true)
    const failure = await finishSignIn(this.options.oauth, live.transport).then(() => undefined, (error: Error) => error.message)
    if (!current || generation !== this.generation || this.phase !== current) return
    if (failure === undefined) return this.setSigningIn(current, false)
    this.options.log.warn({ server: this.name, error: failure }, 'MCP server sign-in failed')
    await this.stop()
    this.lastError = failure
    this.enter({ is: 'failed' })
  }

  private async connectClient(transport: Transport, phase: Connecting, generation: number): Promise<Live> {
    // The SDK loads with the first server that connects, never at start-up (see sdk.ts).
    const { Client, PromptListChangedNotificationSchema, ResourceListChangedNotificationSchema, ToolListChangedNotificationSchema } = await loadMcpSdk()
    const client = new Client(CLIENT_INFO, { capabilities: {} })
    client.onerror = (error) => {
      if (generation !== this.generation) return
      if (this.config.transport === 'stdio' && isStdoutNoise(error)) phase.stdoutNoise ??= error.message
      this.options.log.warn({ server: this.name, error: error.message.slice(0, 500) }, 'MCP transport error')
      // A remote server's event stream broke (it went down or restarted): find out whether it is still there.
      const live = liveOf(this.phase)
      if (this.remote && live?.client === client && !isAuthRefusal(error)) void this.checkAlive(live)
    }
    client.onclose = () => this.onClosed(generation)
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.refreshOne(generation, 'tools'))
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => this.refreshOne(generation, 'resources'))
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => this.refreshOne(generation, 'prompts'))
    const started = this.now()
    const live: Live = { client, transport }
    phase.opening = transport
    try {
      await client.connect(transport, { timeout: this.initTimeoutMs })
    } catch (error) {
      // A server that failed initialize gets no polite two-second grace period.
      killIfAlive(live, 'SIGTERM')
      // An SSE transport's EventSource keeps reconnecting after a failed start (and keeps the
      // process alive after the core closes) unless the transport is closed.
      if (this.config.transport !== 'stdio') await transport.close().catch(() => undefined)
      throw error
    } finally {
      if (phase.opening === transport) phase.opening = undefined
    }
    this.latencyMs = this.now() - started
    this.server = client.getServerVersion()
    return live
  }

  private async refreshOne(generation: number, what: 'tools' | 'resources' | 'prompts'): Promise<void> {
    const live = liveOf(this.phase)
    if (generation !== this.generation || !live) return
    await this.offered.refresh(live.client, what, this.initTimeoutMs)
    if (generation === this.generation) this.options.onChange?.(what)
  }

  private onClosed(generation: number): void {
    const phase = this.phase
    if (generation !== this.generation || phase.is !== 'connected' || this.state !== 'connected') return
    const last = this.stderr.last()
    this.dropped(phase, `the server ${this.remote ? 'closed the connection' : 'exited'}${last ? `; its last words on stderr: "${last.slice(0, 300)}"` : ''}`)
  }

  /** Asks a remote server suspected gone for a ping; no answer (or no session) means it is, and we reconnect. */
  private async checkAlive(live: Live): Promise<void> {
    const phase = this.phase
    // A ping during a sign-in would only start another one.
    if (!this.remote || phase.is !== 'connected' || phase.probing || phase.signingIn || this.options.oauth?.signInPending || phase.live !== live) return
    phase.probing = true
    const generation = this.generation
    try {
      await live.client.ping({ timeout: Math.min(PROBE_TIMEOUT_MS, this.initTimeoutMs) })
    } catch (error) {
      if (generation !== this.generation || this.phase !== phase || this.state !== 'connected' || !meansServerLost(error)) return
      // The old client's handlers fall silent; a new client and session come with the reconnect.
      this.generation++
      void closeLive(live)
      this.dropped(phase, describeLoss(error, this.config.url ?? 'the server'))
    } finally {
      phase.probing = false
    }
  }

  /** A connected server went away while wanted: restart or reconnect with backoff. */
  private dropped(phase: Connected, reason: string): void {
    this.lastError = reason
    this.options.log.warn({ server: this.name, error: reason }, this.remote ? 'MCP server lost; reconnecting' : 'MCP server stopped unexpectedly')
    if (this.options.autoRestart === false) return this.enter({ is: 'failed' })
    this.backoff.lostAfter(this.now() - phase.since)
    this.scheduleRestart()
  }

  private scheduleRestart(): void {
    const delay = this.backoff.next()
    const waiting = { is: 'waiting' as const, timer: undefined as unknown, nextAttemptAt: this.now() + delay }
    this.enter(waiting, true)
    waiting.timer = this.timers.setTimeout(() => {
      if (this.phase !== waiting) return
      this.restarts++
      this.connect(true)
    }, delay)
  }
}
