import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import type { AppInfo, EventName, EventPayload } from '../../../src-shared/contract'
import { JsonFileStorage, SettingsService, type SettingsStorage } from '../config'
import { createLogger, type AppLogger, type LogSink } from '../log'
import type { FetchLike } from '../ollama'
import { dataPaths, type DataPaths } from '../paths'
import { createDispatcher, type Dispatcher } from '../rpc/dispatcher'
import { FileSecretStore, type SecretStore } from '../secrets'
import { createRouteHandlers, createStreamHandlers } from './handlers'

export interface CoreOptions {
  dataDir: string
  mode: AppInfo['mode']
  version: string
  env?: Record<string, string | undefined>
  electronVersion?: string
  settingsStorage?: SettingsStorage
  secrets?: SecretStore
  openExternal?: (url: string) => Promise<boolean>
  fetch?: FetchLike
  logSink?: LogSink
  logLevel?: string
  /** Echo log lines to stderr as well (CLI --verbose). */
  logEcho?: boolean
  /** Finds the Electron binary; defaults to asking the installed `electron` package. */
  locateElectron?: () => string | Error
}

export interface Core {
  paths: DataPaths
  settings: SettingsService
  secrets: SecretStore
  logger: AppLogger
  dispatcher: Dispatcher
  ollamaHost(): string
  /** Pushes an event to every connected client; adapters subscribe here. */
  onBroadcast(listener: Broadcast): () => void
  close(): void
}

export type Broadcast = <K extends EventName>(name: K, payload: EventPayload<K>) => void

/** The one place that wires the core together; every adapter (Electron, web, CLI) calls it. */
export function createCore(options: CoreOptions): Core {
  const paths = dataPaths(options.dataDir)
  fs.mkdirSync(paths.root, { recursive: true })
  const env = options.env ?? process.env
  const logger = createLogger({ sink: options.logSink, file: options.logSink ? undefined : paths.logFile, level: options.logLevel, echo: options.logEcho })
  const settings = new SettingsService(options.settingsStorage ?? new JsonFileStorage(paths.settings), logger.log)
  const secrets = options.secrets ?? new FileSecretStore(paths.secrets)
  const ollamaHost = (): string => env.OLLAMA_HOST || settings.get().ollama.host

  const broadcasts = new Set<Broadcast>()
  const broadcast: Broadcast = (name, payload) => broadcasts.forEach((send) => send(name, payload))
  const unsubscribe = settings.onChange((next) => broadcast('settings.changed', next))

  const handlers = createRouteHandlers({
    info: {
      name: 'Ollama Desk',
      version: options.version,
      mode: options.mode,
      platform: process.platform,
      arch: process.arch,
      versions: { node: process.versions.node, ...(options.electronVersion ? { electron: options.electronVersion } : {}) },
      dataDir: paths.root,
      ...(env.OLLAMA_HOST ? { ollamaHostFromEnv: env.OLLAMA_HOST } : {}),
    },
    settings,
    ollamaHost,
    doctor: {
      dataDir: paths.root,
      settingsFile: paths.settings,
      nodeVersion: process.version,
      locateElectron: options.locateElectron ?? (() => locateElectronBinary(undefined, env)),
      fetch: options.fetch,
    },
    openExternal: options.openExternal ?? (async () => false),
    fetch: options.fetch,
  })
  const dispatcher = createDispatcher(handlers, createStreamHandlers(), logger.log)
  logger.log.info({ mode: options.mode, dataDir: paths.root }, 'core started')

  return {
    paths,
    settings,
    secrets,
    logger,
    dispatcher,
    ollamaHost,
    onBroadcast(listener) {
      broadcasts.add(listener)
      return () => broadcasts.delete(listener)
    },
    close() {
      unsubscribe()
      broadcasts.clear()
      logger.close()
    },
  }
}

/**
 * Where the installed `electron` package keeps its binary. Reads the package's own `path.txt`
 * instead of `require('electron')`, which in plain Node starts a download from GitHub when the
 * binary is missing (and prints to stdout, breaking `doctor --json`).
 */
export function locateElectronBinary(
  require: Pick<NodeRequire, 'resolve'> = createRequire(import.meta.url),
  env: Record<string, string | undefined> = process.env,
): string | Error {
  let dir: string
  try {
    dir = path.dirname(require.resolve('electron/package.json'))
  } catch {
    return new Error('the electron package is not installed')
  }
  let name: string | undefined
  try {
    name = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim() || undefined
  } catch {
    name = undefined
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH
  let binary: string
  if (override) binary = path.join(override, name ?? 'electron')
  else if (name) binary = path.join(dir, 'dist', name)
  else return new Error('the Electron binary was never downloaded')
  return fs.existsSync(binary) ? binary : new Error(`binary missing at ${binary}`)
}
