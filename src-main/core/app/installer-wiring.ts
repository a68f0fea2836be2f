import { Ollama } from 'ollama/browser'
import { DEFAULT_RELEASE_URL, type InstallProgress, type OllamaDetection } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { checkLatestRelease, compareVersions, DEFAULT_RELEASE_API, defaultInstallerEnv, detectOllama, portConflictError, strategyFor, type InstallEvent, type InstallerEnv, type InstallStrategy } from '../installer'
import { mapOllamaError } from '../models'
import { normalizeOllamaHost, type FetchLike } from '../ollama'
import { streamCallbacks } from '../streaming'
import type { CapabilityWiring } from './capability'
import type { BaseWiringContext } from './wiring-context'

export interface InstallerHandlerDeps {
  /** The machine as the installer sees it; tests pass a temp HOME or another platform. */
  installerEnv: () => InstallerEnv
  /** OLLAMA_HOST wins over the saved setting. */
  ollamaHost: () => string
  /** The app's environment: OLLAMA_DESK_RELEASE_URL points installs at a mirror (or a test server). */
  env: Record<string, string | undefined>
  fetch?: FetchLike
  /** Limit for `ollama.try`; a first answer may have to load the model from disk. */
  tryTimeoutMs?: number
  /** Saves `ollama.autoStart` in the settings. */
  saveAutoStart?: (enabled: boolean) => void
}

const RELEASE_CACHE_MS = 6 * 3600_000
const RELEASE_RETRY_MS = 10 * 60_000

/** The newest release, asked at most every few hours (and again 10 minutes after a failure). */
function latestReleaseCache(deps: InstallerHandlerDeps): (signal: AbortSignal) => Promise<string | undefined> {
  let cached: { at: number; version: string | undefined } | undefined
  return async (signal) => {
    const url = deps.env.OLLAMA_DESK_RELEASE_API || DEFAULT_RELEASE_API
    if (url === 'off') return undefined
    const now = Date.now()
    if (cached && now - cached.at < (cached.version ? RELEASE_CACHE_MS : RELEASE_RETRY_MS)) return cached.version
    const version = await checkLatestRelease(deps.installerEnv(), { url, signal })
    if (!signal.aborted) cached = { at: now, version }
    return version
  }
}

/** Install events as they cross the contract: one flat shape the progress bar can read. */
export function toProgress(event: InstallEvent): InstallProgress {
  if (event.type === 'phase') return { phase: event.phase, ...(event.detail ? { message: event.detail } : {}) }
  if (event.type === 'log') return { phase: 'log', message: event.message }
  return {
    phase: 'download',
    bytes: event.bytes,
    bytesPerSecond: event.bytesPerSecond,
    ...(event.total !== undefined ? { total: event.total } : {}),
    ...(event.etaSeconds !== undefined ? { etaSeconds: event.etaSeconds } : {}),
  }
}

function methodsOf(env: InstallerEnv): string[] {
  try {
    return [...strategyFor(env).methods]
  } catch (error) {
    if (error instanceof AppError && error.code === 'E_UNSUPPORTED') return []
    throw error
  }
}

function strategy(deps: InstallerHandlerDeps, method?: string): InstallStrategy {
  const chosen = strategyFor(deps.installerEnv())
  if (method !== undefined && !chosen.methods.includes(method)) {
    throw new AppError('E_VALIDATION', `“${method}” is not a way to install Ollama here.`, { hint: `Choose one of: ${chosen.methods.join(', ')}.` })
  }
  return chosen
}

export function createInstallerHandlers(deps: InstallerHandlerDeps): CapabilityWiring<'installer'>['handlers'] {
  const latestRelease = latestReleaseCache(deps)
  return {
    'ollama.detect': async (_input, { signal }): Promise<OllamaDetection> => {
      const env = deps.installerEnv()
      const [found, latest] = await Promise.all([detectOllama(env, deps.ollamaHost(), signal), latestRelease(signal)])
      const conflict = found.host.conflict ? portConflictError(found.host) : undefined
      const current = found.host.version ?? found.installs.find((install) => install.version)?.version
      const order = latest && current ? compareVersions(latest, current) : undefined
      return {
        reachable: found.host.reachable,
        ...(found.host.version ? { version: found.host.version } : {}),
        host: found.host.host,
        installs: found.installs.map((install) => ({ ...install, ours: install.kind === 'ours' })),
        ...(conflict ? { portConflict: { message: conflict.message, hint: conflict.hint ?? '' } } : {}),
        platform: found.platform,
        methods: methodsOf(env),
        ...(latest ? { latestVersion: latest } : {}),
        ...(order !== undefined ? { updateAvailable: order > 0 } : {}),
      }
    },
    'ollama.autoStart': async ({ enabled }) => {
      let result: { supported: boolean; detail: string }
      try {
        result = await strategyFor(deps.installerEnv()).setAutoStart(enabled)
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'E_UNSUPPORTED')) throw error
        result = { supported: false, detail: error.message }
      }
      deps.saveAutoStart?.(enabled)
      return { enabled, ...result }
    },
    'ollama.start': (_input, { signal }) => strategy(deps).start({ host: deps.ollamaHost(), signal }),
    'ollama.stop': () => strategy(deps).stop(),
    'ollama.uninstall': () => strategy(deps).uninstall(),
    'ollama.try': async ({ model, prompt }, { signal }) => {
      const host = normalizeOllamaHost(deps.ollamaHost())
      const base = deps.fetch ?? fetch
      const limit = AbortSignal.timeout(deps.tryTimeoutMs ?? 60_000)
      const wrapped = ((input: string | URL | Request, init?: RequestInit) =>
        base(String(input), { ...init, signal: AbortSignal.any([signal, limit, ...(init?.signal ? [init.signal] : [])]) } as RequestInit & { signal?: AbortSignal })) as typeof fetch
      const started = Date.now()
      try {
        const response = await new Ollama({ host, fetch: wrapped }).chat({ model, messages: [{ role: 'user', content: prompt }], stream: false })
        return { reply: response.message.content, ms: Date.now() - started }
      } catch (error) {
        throw mapOllamaError(error, { host, action: 'chat', name: model })
      }
    },
  }
}

export function createInstallerStreamHandlers(deps: InstallerHandlerDeps): CapabilityWiring<'installer'>['streamHandlers'] {
  return {
    async *'ollama.install'({ method, baseUrl, force }, { signal }) {
      const chosen = strategy(deps, method)
      const host = deps.ollamaHost()
      if (!force) {
        const found = await detectOllama(deps.installerEnv(), host, signal)
        if (found.host.reachable) {
          const install = found.installs[0]
          return { version: found.host.version ?? '', binary: install?.path ?? '', service: 'already-running' }
        }
      }
      return yield* streamCallbacks((emit: (progress: InstallProgress) => void) =>
        chosen.install({
          ...(method ? { method } : {}),
          baseUrl: baseUrl ?? (deps.env.OLLAMA_DESK_RELEASE_URL || DEFAULT_RELEASE_URL),
          host,
          signal,
          onEvent: (event) => emit(toProgress(event)),
        }),
      )
    },
  }
}

export interface InstallerWiring extends CapabilityWiring<'installer'> {
  /** The machine as the installer sees it (also what starts our Ollama with the app). */
  installerEnv: () => InstallerEnv
}

/** Installing, starting, stopping and updating the Ollama that Ollama Desk manages. */
export function wireInstaller(ctx: BaseWiringContext): InstallerWiring {
  const { options, env } = ctx
  const deps: InstallerHandlerDeps = {
    installerEnv: options.installerEnv ?? (() => defaultInstallerEnv({ env, home: ctx.home, ...(options.fetch ? { probeFetch: options.fetch } : {}) })),
    ollamaHost: ctx.ollamaHost,
    env,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    saveAutoStart: (enabled: boolean) => void ctx.settings.update({ ollama: { autoStart: enabled } }),
  }
  return { installerEnv: deps.installerEnv, handlers: createInstallerHandlers(deps), streamHandlers: createInstallerStreamHandlers(deps) }
}
