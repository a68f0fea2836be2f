import type { Readable } from 'node:stream'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { McpServerConfig } from '../../../src-shared/contract/mcp'
import type { Logger } from '../log'
import { McpCancelledError, McpRequestError, McpToolTimeoutError } from './errors'
import { isMcpClosed, isMcpError, isMcpTimeout, isSseError, isStreamableHttpError } from './sdk'
import { StdioProcessTransport } from './stdio-transport'

/** The log calls MCP code makes (the connection, its offerings, the manager). */
export type McpLog = Pick<Logger, 'debug' | 'info' | 'warn'>

export interface McpTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const realTimers: McpTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

const MAX_LINES = 200
const MAX_LINE = 1000

/** The last lines a server wrote to stderr: its log, and the best clue when it dies. */
export class StderrTail {
  private readonly lines: string[] = []
  private partial = ''

  attach(stream: Readable, onLine: (line: string) => void): void {
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split(/\r?\n/)
      this.partial = (parts.pop() ?? '').slice(-MAX_LINE * 4)
      for (const part of parts) this.push(part, onLine)
    })
    stream.on('end', () => {
      if (this.partial !== '') this.push(this.partial, onLine)
      this.partial = ''
    })
  }

  all(): string[] {
    return [...this.lines]
  }

  /** The last non-empty line, for an error message. */
  last(): string | undefined {
    return [...this.lines, this.partial].reverse().find((line) => line.trim() !== '')
  }

  private push(line: string, onLine: (line: string) => void): void {
    const capped = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line
    this.lines.push(capped)
    if (this.lines.length > MAX_LINES) this.lines.shift()
    onLine(capped)
  }
}

/** Whether an error from the stdio transport means stdout carried something that is not JSON-RPC. */
export function isStdoutNoise(error: Error): boolean {
  return error instanceof SyntaxError || error.name === 'ZodError' || /is not valid JSON|Unexpected token/.test(error.message)
}

/** Old servers (HTTP+SSE, protocol 2024-11-05) refuse the streamable POST with one of these. */
export function shouldFallBackToSse(error: unknown): boolean {
  return isStreamableHttpError(error) && error.code !== undefined && [400, 404, 405].includes(error.code)
}

export interface ConnectFailureContext {
  config: McpServerConfig
  initTimeoutMs: number
  stderr?: string
  stdoutNoise?: string
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause
  return typeof cause?.code === 'string' ? cause.code : undefined
}

/** A sentence for the settings screen: what went wrong while starting the server, with the clue we have. */
export function describeConnectFailure(error: unknown, context: ConnectFailureContext): string {
  const { config } = context
  const noise = context.stdoutNoise
    ? `; it wrote something that is not MCP on stdout (${context.stdoutNoise.slice(0, 160)}) — stdio servers must write logs to stderr`
    : ''
  const stderr = context.stderr ? `; its last words on stderr: "${context.stderr.slice(0, 300)}"` : ''
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return `"${config.command ?? ''}" was not found on the PATH (install it, or give its full path)`
  if (code === 'EACCES') return `"${config.command ?? ''}" cannot be run (permission denied)`
  if (isMcpTimeout(error)) {
    return `did not answer initialize in ${Math.round(context.initTimeoutMs / 1000)} s${noise}${stderr}`
  }
  if (isMcpClosed(error)) {
    return config.transport === 'stdio' ? `exited before answering initialize${noise}${stderr}` : `closed the connection during initialize`
  }
  if (isStreamableHttpError(error) || isSseError(error)) {
    const status = error.code === 401 || error.code === 403 ? ' (check the token or headers)' : ''
    return `${config.url ?? ''} answered HTTP ${error.code ?? '?'}${status}: ${error.message.slice(0, 200)}`
  }
  const network = causeCode(error)
  if (network) return `cannot reach ${config.url ?? 'the server'} (${network})`
  const message = error instanceof Error ? error.message : String(error)
  return `${message.slice(0, 300)}${noise}${stderr}`
}

/** Every page of a list (bounded: a server that keeps handing out cursors stops at `pageLimit`). */
export async function listAllPages<T>(pageLimit: number, page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  for (let n = 0; n < pageLimit; n++) {
    const result = await page(cursor)
    items.push(...result.items)
    if (!(cursor = result.nextCursor)) break
  }
  return items
}

/** A request error as an AppError naming the server and what was asked. */
export function mapRequestError(error: unknown, server: string, what: string, timeoutMs: number, signal?: AbortSignal): Error {
  if (signal?.aborted) return new McpCancelledError(server, what)
  if (isMcpError(error)) {
    if (isMcpTimeout(error)) return new McpToolTimeoutError(server, what, timeoutMs)
    if (isMcpClosed(error)) return new McpRequestError(server, what, 'the connection closed before it answered', { retryable: true, cause: error })
    return new McpRequestError(server, what, error.message.replace(/^MCP error -?\d+: /, ''), { cause: error })
  }
  const network = causeCode(error)
  if (network) return new McpRequestError(server, what, `the server cannot be reached (${network})`, { retryable: true, cause: error })
  return new McpRequestError(server, what, error instanceof Error ? error.message : String(error), { cause: error })
}

/** A connected server: its client and transport. */
export interface Live {
  client: Client
  transport: Transport
}

/** A stdio server's process tree is signalled if it is still running (taskkill /T on Windows). */
export function killIfAlive(live: Live, signal: NodeJS.Signals): void {
  if (live.transport instanceof StdioProcessTransport) live.transport.kill(signal)
}

/** Closes the client; a stdio child that lingers past the SDK's own grace period is killed. */
export async function closeLive(live: Live): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))
  await Promise.race([live.client.close().catch(() => undefined), grace])
  clearTimeout(timer)
  killIfAlive(live, 'SIGKILL')
}
