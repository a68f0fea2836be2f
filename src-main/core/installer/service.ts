import { AppError, CancelledError, TimeoutError } from '../errors'
import { normalizeOllamaHost, probeOllama } from '../ollama'
import type { InstallEvent, InstallerEnv, InstallerFs } from './types'

export interface HostCheck {
  host: string
  reachable: boolean
  version?: string
  /** Something answers on the port, but not like Ollama. */
  conflict?: string
}

/** Is Ollama answering at `host`, or is its port held by something else? */
export async function checkHost(env: InstallerEnv, host: string, signal?: AbortSignal): Promise<HostCheck> {
  const status = await probeOllama(host, { ...(env.probeFetch ? { fetch: env.probeFetch } : {}), timeoutMs: 2000, ...(signal ? { signal } : {}) })
  if (status.reachable) return { host: status.host, reachable: true, ...(status.version ? { version: status.version } : {}) }
  let url: URL
  try {
    url = new URL(normalizeOllamaHost(host))
  } catch {
    return { host, reachable: false }
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const taken = status.error?.startsWith('answered') || (await env.canConnect(url.hostname.replace(/^\[|\]$/g, ''), port))
  return taken ? { host: status.host, reachable: false, conflict: `port ${port} is in use by something that is not Ollama (${status.error ?? 'no answer'})` } : { host: status.host, reachable: false }
}

export function portConflictError(check: HostCheck): AppError {
  return new AppError('E_CONFIG', `Cannot start Ollama at ${check.host}: ${check.conflict}.`, {
    hint: 'Stop the other program, or pick another port for Ollama, e.g. OLLAMA_HOST=127.0.0.1:11435 (and set the same host in Ollama Desk).',
  })
}

/** Polls `/api/version` with backoff until it answers or `timeoutMs` passes. */
export async function waitHealthy(
  env: InstallerEnv,
  host: string,
  options: { timeoutMs?: number; signal?: AbortSignal; onEvent?: (event: InstallEvent) => void; tried?: string[]; logFile?: string } = {},
): Promise<string> {
  options.onEvent?.({ type: 'phase', phase: 'health', detail: host })
  const deadline = env.now() + (options.timeoutMs ?? 30_000)
  let delay = 100
  let last: string
  for (;;) {
    const status = await probeOllama(host, { ...(env.probeFetch ? { fetch: env.probeFetch } : {}), timeoutMs: 2000, ...(options.signal ? { signal: options.signal } : {}) })
    if (status.reachable) return status.version ?? ''
    last = status.error ?? ''
    if (options.signal?.aborted) throw new CancelledError('The installation was cancelled.')
    if (env.now() + delay > deadline) break
    await env.sleep(delay, options.signal).catch(() => {
      throw new CancelledError('The installation was cancelled.')
    })
    delay = Math.min(delay * 1.5, 2000)
  }
  let log = ''
  if (options.logFile) {
    const text = (await env.fs.readFile(options.logFile).catch(() => Buffer.alloc(0))).toString('utf8')
    log = text.split('\n').slice(-10).join('\n').trim()
  }
  const tried = options.tried?.length ? ` Tried: ${options.tried.join('; ')}.` : ''
  throw new TimeoutError(`Ollama did not answer at ${host} after starting (${last}).${tried}`, {
    hint: log ? `Last lines of the Ollama log:\n${log}` : 'Run `ollama serve` in a terminal to see why it does not start.',
  })
}

/** Stops an install at the next phase boundary once the user cancelled. */
export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError('The installation was cancelled.')
}

/** The detect phase every strategy starts with: a port held by something that is not Ollama stops it. */
export async function detectPhase(env: InstallerEnv, options: { host: string; signal?: AbortSignal | undefined; onEvent?: ((event: InstallEvent) => void) | undefined }): Promise<HostCheck> {
  options.onEvent?.({ type: 'phase', phase: 'detect' })
  const hostCheck = await checkHost(env, options.host, options.signal)
  throwIfCancelled(options.signal)
  if (hostCheck.conflict) throw portConflictError(hostCheck)
  return hostCheck
}

/** Removes each of `targets` that exists; returns the ones it removed, for the uninstall report. */
export async function removeIfPresent(fs: InstallerFs, targets: readonly string[]): Promise<string[]> {
  const removed: string[] = []
  for (const target of targets) {
    if (await fs.exists(target)) {
      await fs.rm(target)
      removed.push(target)
    }
  }
  return removed
}

/** Ollama already answers and no reinstall was forced: say so and leave it alone. */
export function keepRunningInstall(hostCheck: HostCheck, options: { force?: boolean | undefined; onEvent?: ((event: InstallEvent) => void) | undefined }): boolean {
  if (!hostCheck.reachable || options.force) return false
  options.onEvent?.({ type: 'log', message: `Ollama ${hostCheck.version ?? ''} already answers at ${hostCheck.host}; not reinstalling` })
  return true
}
