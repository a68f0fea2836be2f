import { spawn } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import type { FetchLike } from '../ollama'

/** Writes appended to one open file (the download's .part). */
export interface AppendHandle {
  write(data: Uint8Array): Promise<void>
  close(): Promise<void>
}

/** The file system calls the installer makes; tests wrap it to inject ENOSPC or EACCES. */
export interface InstallerFs {
  mkdir(path: string): Promise<void>
  writeFile(path: string, data: string | Uint8Array, mode?: number): Promise<void>
  readFile(path: string): Promise<Buffer>
  openAppend(path: string, truncate: boolean): Promise<AppendHandle>
  readStream(path: string): AsyncIterable<Uint8Array>
  /** Size in bytes, or undefined when nothing is there (symlinks are not followed). */
  size(path: string): Promise<number | undefined>
  exists(path: string): Promise<boolean>
  isDirectory(path: string): Promise<boolean>
  writable(path: string): Promise<boolean>
  readlink(path: string): Promise<string | undefined>
  symlink(target: string, path: string): Promise<void>
  rename(from: string, to: string): Promise<void>
  rm(path: string): Promise<void>
  chmod(path: string, mode: number): Promise<void>
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs programs; tests record the exact commands instead. */
export interface ProcessRunner {
  /** Runs to completion. A missing program resolves with code 127. */
  run(command: string, args: string[], options?: { env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<RunResult>
  /** Starts a long-lived detached process with output appended to `logFile`; returns its pid. */
  spawnDetached(command: string, args: string[], options: { env: Record<string, string | undefined>; logFile: string }): Promise<number>
  alive(pid: number): boolean
  kill(pid: number, signal: NodeJS.Signals): void
}

export type Platform = 'linux' | 'darwin' | 'win32'

/** Everything with a side effect, injected. */
export interface InstallerEnv {
  platform: Platform
  arch: 'x64' | 'arm64'
  home: string
  /** Prefix for system-wide paths (`/Applications`, `/usr/local/bin`); `''` for the real root. */
  root: string
  env: Record<string, string | undefined>
  fs: InstallerFs
  runner: ProcessRunner
  fetch: typeof fetch
  probeFetch?: FetchLike
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** Whether something accepts TCP connections on host:port. */
  canConnect(host: string, port: number): Promise<boolean>
}

export type InstallPhase = 'detect' | 'download' | 'verify' | 'extract' | 'install' | 'start' | 'health'

export type InstallEvent =
  | { type: 'phase'; phase: InstallPhase; detail?: string }
  | { type: 'progress'; bytes: number; total: number | undefined; bytesPerSecond: number; etaSeconds: number | undefined }
  | { type: 'log'; message: string }

export type ServiceMode = 'auto' | 'systemd' | 'process'

export interface StartOptions {
  host: string
  service?: ServiceMode
  signal?: AbortSignal
  onEvent?: (event: InstallEvent) => void
  healthTimeoutMs?: number
}

export interface InstallOptions extends StartOptions {
  baseUrl: string
  /** Start and health-check after unpacking (default true). */
  start?: boolean
}

export type StrategyInstallOptions = InstallOptions & { method?: string; force?: boolean }

/**
 * One way to install and run Ollama on one OS. The app, the CLI and the onboarding wizard only
 * ever talk to this interface; `strategyFor` picks the implementation for the machine.
 */
export interface InstallStrategy {
  readonly platform: Platform
  /** What the user can choose between, e.g. per-user vs system-wide, Homebrew, winget. */
  readonly methods: readonly string[]
  /** `force`: reinstall even when Ollama already answers at the host (macOS/Windows skip otherwise). */
  install(options: StrategyInstallOptions): Promise<{ version: string; binary: string; service: string }>
  start(options: StartOptions): Promise<{ service: string; version: string }>
  stop(): Promise<{ stopped: string[] }>
  uninstall(): Promise<{ removed: string[] }>
  /** Whether Ollama Desk installed the Ollama here (only then may it start it on its own). */
  owned(): Promise<boolean>
  /** Start on login on or off; `supported: false` with the reason where the OS's own switch applies. */
  setAutoStart(enabled: boolean): Promise<AutoStartResult>
}

export interface AutoStartResult {
  supported: boolean
  detail: string
}

/** What we installed and where, recorded so start and uninstall only ever touch our own install. */
export interface InstallMarker {
  method: string
  /** The app bundle (macOS), install folder (Windows) or system-wide tree (Linux) we put there. */
  path: string
}

export async function readMarker(env: InstallerEnv, file: string): Promise<InstallMarker | undefined> {
  try {
    const data = JSON.parse((await env.fs.readFile(file)).toString('utf8')) as Partial<InstallMarker>
    return typeof data.method === 'string' && typeof data.path === 'string' ? { method: data.method, path: data.path } : undefined
  } catch {
    return undefined
  }
}

export async function writeMarker(env: InstallerEnv, file: string, marker: InstallMarker): Promise<void> {
  await env.fs.mkdir(path.dirname(file))
  await env.fs.writeFile(file, `${JSON.stringify({ ...marker, installedAt: new Date(env.now()).toISOString() }, null, 2)}\n`)
}

export const nodeFs: InstallerFs = {
  mkdir: async (p) => void (await fsp.mkdir(p, { recursive: true })),
  writeFile: (p, data, mode) => fsp.writeFile(p, data, mode === undefined ? undefined : { mode }),
  readFile: (p) => fsp.readFile(p),
  async openAppend(p, truncate) {
    const handle = await fsp.open(p, truncate ? 'w' : 'a')
    return { write: async (data) => void (await handle.write(data)), close: () => handle.close() }
  },
  readStream: (p) => fs.createReadStream(p, { highWaterMark: 1 << 16 }),
  size: async (p) => (await fsp.lstat(p).catch(() => undefined))?.size,
  exists: async (p) => (await fsp.lstat(p).catch(() => undefined)) !== undefined,
  isDirectory: async (p) => (await fsp.stat(p).catch(() => undefined))?.isDirectory() ?? false,
  writable: (p) => fsp.access(p, fs.constants.W_OK).then(() => true, () => false),
  readlink: (p) => fsp.readlink(p).catch(() => undefined),
  symlink: (target, p) => fsp.symlink(target, p),
  rename: (from, to) => fsp.rename(from, to),
  rm: (p) => fsp.rm(p, { recursive: true, force: true }),
  chmod: (p, mode) => fsp.chmod(p, mode),
}

export const nodeRunner: ProcessRunner = {
  run(command, args, options = {}) {
    return new Promise((resolve) => {
      const child = spawn(command, args, { env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 30_000 })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code === 'ENOENT' ? 127 : 1, stdout, stderr: stderr || error.message }))
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
    })
  },
  async spawnDetached(command, args, { env, logFile }) {
    const out = fs.openSync(logFile, 'a')
    try {
      const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, detached: true, stdio: ['ignore', out, out] })
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve)
        child.once('error', reject)
      })
      child.unref()
      return child.pid as number
    } finally {
      fs.closeSync(out)
    }
  },
  alive(pid) {
    try {
      process.kill(pid, 0)
      return true
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM'
    }
  },
  kill: (pid, signal) => void process.kill(pid, signal),
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms)
    const onAbort = () => (clearTimeout(timer), reject(signal?.reason))
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 })
    const done = (ok: boolean) => (socket.destroy(), resolve(ok))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

/** The real machine. */
export function defaultInstallerEnv(overrides: Partial<InstallerEnv> = {}): InstallerEnv {
  const platform = (overrides.platform ?? process.platform) as Platform
  return {
    platform,
    arch: process.arch === 'arm64' ? 'arm64' : 'x64',
    home: overrides.home ?? process.env.HOME ?? process.env.USERPROFILE ?? '',
    root: '',
    env: process.env,
    fs: nodeFs,
    runner: nodeRunner,
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep,
    canConnect,
    ...overrides,
  }
}
