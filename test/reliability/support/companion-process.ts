import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'
import { createRpcClient, type Result, type ApiClient } from '../../../src-shared/contract'
import { httpRequest, openWs, wsPort } from '../../support/web'

const CHILD = fileURLToPath(new URL('./companion-child.mjs', import.meta.url))

/** How long a companion may take to print its address: far above a start on a busy 2-core machine. */
const START_CEILING_MS = 120_000

export interface CompanionProcess {
  child: ChildProcess
  pid: number
  port: number
  token: string
  /** Everything it printed on stdout and stderr so far. */
  output(): string
  /** `GUARD …` lines: what the host guard refused (connections off loopback, child processes). */
  guarded(): string[]
  /** One call over HTTP POST /api/rpc/<route>: the HTTP status and the parsed body. */
  call(route: string, input?: unknown): Promise<{ status: number; body: Result<unknown> }>
  /** A WebSocket client speaking the contract (closed by stop/kill). */
  client(): Promise<{ ws: WebSocket; api: ApiClient }>
  /** Resident set size of the process, in KiB (from /proc). */
  rssKib(): number
  alive(): boolean
  /** SIGKILL, then waits until it is gone. */
  kill(): Promise<void>
  /** SIGTERM (a clean stop), then waits until it is gone. */
  stop(): Promise<void>
}

export interface StartOptions {
  dataDir: string
  home: string
  /** Where Ollama answers (host:port). */
  ollamaHost: string
  cwd?: string
  env?: Record<string, string>
}

/** The real `ollama-desk serve` over the real core, as a process of its own, on 127.0.0.1 with port 0. */
export async function startCompanionProcess(options: StartOptions): Promise<CompanionProcess> {
  const settingsFile = `${options.dataDir}/settings.json`
  fs.mkdirSync(options.dataDir, { recursive: true })
  fs.mkdirSync(options.home, { recursive: true })
  if (!fs.existsSync(settingsFile)) {
    fs.writeFileSync(settingsFile, JSON.stringify({ version: 1, onboarding: { completed: true }, analytics: { consent: 'denied' }, chat: { autoTitle: false } }))
  }
  const child = spawn(
    process.execPath,
    ['--no-warnings', '--experimental-transform-types', CHILD, 'serve', '--port', '0', '--no-open', '--data-dir', options.dataDir],
    {
      cwd: options.cwd ?? options.home,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: options.home,
        TMPDIR: options.home,
        OLLAMA_HOST: options.ollamaHost,
        OLLAMA_DESK_RELEASE_API: 'off',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the companion did not print its address:\n${output}`)), START_CEILING_MS)
    const onData = (): void => {
      const match = /Open: (http:\/\/\S+)/.exec(output)
      if (!match?.[1]) return
      clearTimeout(timer)
      resolve(new URL(match[1]))
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the companion exited (${code ?? signal}) before printing its address:\n${output}`))
    })
  })
  const port = Number(url.port)
  const token = url.searchParams.get('token') ?? ''
  const headers = { authorization: `Bearer ${token}` }
  const sockets: WebSocket[] = []
  const alive = () => child.exitCode === null && child.signalCode === null
  const end = async (signal: NodeJS.Signals) => {
    for (const ws of sockets.splice(0)) ws.terminate()
    if (alive()) child.kill(signal)
    await exited
  }
  return {
    child,
    pid: child.pid ?? 0,
    port,
    token,
    output: () => output,
    guarded: () => output.split('\n').filter((line) => line.startsWith('GUARD ')),
    async call(route, input = {}) {
      const reply = await httpRequest(port, {
        method: 'POST',
        path: `/api/rpc/${encodeURIComponent(route)}`,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(input),
      })
      return { status: reply.status, body: JSON.parse(reply.body) as Result<unknown> }
    },
    async client() {
      const { ws } = await openWs(`ws://127.0.0.1:${port}/api/ws`, { headers })
      if (!ws) throw new Error(`could not open a WebSocket:\n${output}`)
      sockets.push(ws)
      return { ws, api: createRpcClient(wsPort(ws)) }
    },
    rssKib() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    },
    alive,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  }
}
