import type { ChildProcess } from 'node:child_process'
import { PassThrough } from 'node:stream'
import type { ReadBuffer } from '@modelcontextprotocol/sdk/shared/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { McpServerConfig } from '../../../src-shared/contract/mcp'
import { loadMcpSdk, type McpSdk } from './sdk'
import { killTree, processPlatform, stopTree, windowsProgram, type Invocation, type ProcessPlatform } from '../platform'

export interface StdioSpawnOptions {
  /** The environment stdio servers inherit. */
  env: NodeJS.ProcessEnv
  /** The PATH for stdio servers (the login shell's); the env's PATH when omitted. */
  loginPath?: (() => Promise<string>) | undefined
  platform?: NodeJS.Platform | undefined
  /** How the server's process starts and stops: this machine's (or `platform`'s) when omitted; tests record the calls. */
  processes?: ProcessPlatform | undefined
}

/** How long a server has to leave by itself once its stdin is closed, and then after SIGTERM. */
export const STDIO_CLOSE_GRACE_MS = 2000

/** The ProcessPlatform a connection uses. */
export function stdioProcesses(options: Pick<StdioSpawnOptions, 'platform' | 'processes'>): ProcessPlatform {
  return options.processes ?? processPlatform(options.platform ? { platform: options.platform } : {})
}

/**
 * The program a stdio server runs as. On Windows `npx` is `npx.cmd`, a batch file that only
 * cmd.exe can start: windowsProgram finds it along Path and quotes every argument for cmd.exe and
 * the batch file. Elsewhere the command starts as it is, in its own process group so closing the
 * server also ends what it started (npx's node).
 */
export function stdioInvocation(pp: ProcessPlatform, command: string, args: string[], env: Record<string, string>): Invocation {
  if (pp.platform === 'win32') return windowsProgram(pp, command, args, env)
  return { file: command, args, options: { detached: true } }
}

/**
 * The stdio transport of the MCP SDK's Client, with its process started and stopped through a
 * ProcessPlatform (the SDK's own StdioClientTransport spawns through cross-spawn, which reads the
 * platform at load time and kills only the direct child). Same wire format: newline-delimited JSON.
 */
export class StdioProcessTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void
  /** The server's stderr, there from the start so nothing it says early is lost. */
  readonly stderr = new PassThrough()
  readonly invocation: Invocation
  private readonly env: Record<string, string>
  private readonly pp: ProcessPlatform
  private readonly readBuffer: ReadBuffer
  private readonly serialize: McpSdk['serializeMessage']
  private child: ChildProcess | undefined
  private started = false
  private childPid: number | null = null

  /** `sdk` is the loaded MCP SDK (its line reader and writer): see loadMcpSdk. */
  constructor(invocation: Invocation, env: Record<string, string>, pp: ProcessPlatform, sdk: Pick<McpSdk, 'ReadBuffer' | 'serializeMessage'>) {
    this.readBuffer = new sdk.ReadBuffer()
    this.serialize = sdk.serializeMessage
    this.invocation = invocation
    this.env = env
    this.pp = pp
  }

  /** The server process's id once started, kept after it exits. */
  get pid(): number | null {
    return this.childPid
  }

  start(): Promise<void> {
    if (this.started) return Promise.reject(new Error('This stdio transport was already started.'))
    this.started = true
    const { file, args, options } = this.invocation
    return new Promise((resolve, reject) => {
      const child = this.pp.spawn(file, args, { env: this.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, ...options })
      this.child = child
      child.on('error', (error) => {
        reject(error)
        this.onerror?.(error)
      })
      child.on('spawn', () => {
        this.childPid = child.pid ?? null
        resolve()
      })
      child.on('close', () => {
        this.child = undefined
        this.onclose?.()
      })
      child.stdin?.on('error', (error) => this.onerror?.(error))
      child.stdout?.on('error', (error) => this.onerror?.(error))
      child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk))
      child.stderr?.pipe(this.stderr)
    })
  }

  private receive(chunk: Buffer): void {
    this.readBuffer.append(chunk)
    for (;;) {
      let message: JSONRPCMessage | null
      try {
        message = this.readBuffer.readMessage()
      } catch (error) {
        this.onerror?.(error as Error)
        continue
      }
      if (message === null) return
      this.onmessage?.(message)
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin
    if (!stdin) return Promise.reject(new Error('Not connected'))
    return new Promise((resolve) => {
      if (stdin.write(this.serialize(message))) resolve()
      else stdin.once('drain', resolve)
    })
  }

  /** Signals the server's process tree unless it already exited: never a pid the system may have handed to another process since. */
  kill(signal: NodeJS.Signals): void {
    if (this.child?.pid !== undefined) killTree(this.pp, this.child.pid, signal)
  }

  /** Closes stdin; a server still there after the grace period has its tree stopped (SIGTERM then SIGKILL; taskkill on Windows). */
  async close(): Promise<void> {
    const child = this.child
    this.readBuffer.clear()
    if (!child) return
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
    child.stdin?.end()
    if (await this.within(closed, STDIO_CLOSE_GRACE_MS)) return
    if (child.pid === undefined) return
    const callOff = stopTree(this.pp, child.pid, STDIO_CLOSE_GRACE_MS)
    void closed.then(callOff)
  }

  /** True when `settles` settled before `ms` passed on the platform's clock. */
  private within(settles: Promise<void>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.pp.timers.setTimeout(() => resolve(false), ms)
      void settles.then(() => {
        this.pp.timers.clearTimeout(timer)
        resolve(true)
      })
    })
  }
}

/**
 * The transport of a stdio server: its child gets the inherited environment with the login shell's
 * PATH (an app started from the desktop lacks the user's), the server's own env on top, and a piped
 * stderr for its log.
 */
export async function stdioTransport(config: McpServerConfig, options: StdioSpawnOptions): Promise<StdioProcessTransport> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(options.env)) if (typeof value === 'string') env[key] = value
  const pathKey = Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH'
  if (options.loginPath) env[pathKey] = await options.loginPath()
  Object.assign(env, config.env)
  const pp = stdioProcesses(options)
  return new StdioProcessTransport(stdioInvocation(pp, config.command ?? '', config.args, env), env, pp, await loadMcpSdk())
}
