import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AppInfo, EventName, EventPayload } from '../../../src-shared/contract'
import { JsonFileStorage, SettingsService, type SettingsStorage } from '../config'
import { locateElectronBinary } from '../doctor'
import { AppError } from '../errors'
import { defaultInstallerEnv, type InstallerEnv } from '../installer'
import { createLogger, scrubbingSecretStore, type AppLogger, type LogSink } from '../log'
import { beginMark, trackMark } from '../profiling'
import { ModelService, probeMachine, type ModelServiceOptions } from '../models'
import type { FetchLike } from '../ollama'
import { dataPaths, type DataPaths } from '../paths'
import { createDispatcher, type Dispatcher } from '../rpc'
import { FileSecretStore, type SecretStore } from '../secrets'
import { SessionStore, type SessionStoreOptions, type Summarizer } from '../sessions'
import { createRouteHandlers, createStreamHandlers } from './handlers'
import { createInstallerHandlers, createInstallerStreamHandlers } from './installer-handlers'
import { createModelHandlers, createModelStreamHandlers } from './model-handlers'
import { autoStartOllama, type AutoStartOutcome } from './ollama-autostart'
import { McpManager } from '../mcp'
import { wireAgent } from './agent-wiring'
import { createMcpHandlers } from './mcp-handlers'
import { wireProviders, type ProviderWiringOptions } from './provider-wiring'
import { createSessionHandlers } from './session-handlers'
import { wireObservability } from './observability-wiring'
import { wireTelemetry } from './telemetry-wiring'
import { wireAnalytics } from './analytics-wiring'
import { wireUpdates } from './updates-wiring'
import { wireVoice } from './voice-wiring'
import { wireCluster } from './cluster-wiring'
import type { BaseWiringContext, WiringContext } from './wiring-context'

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
  /** The user's home folder, where ollama-cli kept its sessions; defaults to the OS's. */
  home?: string
  /**
   * The long-running app (desktop or web companion) owns the history: on open it marks replies a
   * crash interrupted and takes the daily backup. One-shot CLI commands must not, or they would
   * mark a reply the running app is still streaming.
   */
  ownsHistory?: boolean
  /** Where the session store's worker thread starts; without it the store runs in-process (tests, tools). */
  sessionWorker?: SessionStoreOptions['worker']
  /** Finds the Electron binary; defaults to asking the installed `electron` package. */
  locateElectron?: () => string | Error
  /** Writes the summaries of `sessions.compact`; without one that route answers E_UNSUPPORTED. */
  summarizer?: Summarizer
  /** Memory and disk for model recommendations; defaults to asking the OS. */
  machine?: ModelServiceOptions['machine']
  /** The machine as the Ollama installer sees it; defaults to this one (with `home` and `env`). */
  installerEnv?: () => InstallerEnv
  /** Provider kinds, clock and timers swapped for tests. */
  providers?: Pick<ProviderWiringOptions, 'factories' | 'clock' | 'timers'>
  /** The desktop app's updater (electron-updater); the web companion and CLI have none. */
  updater?: import('../updates').UpdaterPort
  /** Where analytics batches go once the user consents; defaults to an HTTP POST to the set endpoint. */
  analyticsTransport?: import('../analytics').AnalyticsTransport
  /** Where the sherpa-onnx child starts, and engines or a catalog swapped in for tests. */
  voice?: import('../voice').VoiceCoreOptions
  /** How long cluster peers and their Ollama servers may take to answer; tests on a busy machine wait longer. */
  cluster?: Pick<import('../cluster').ClusterControllerOptions, 'probeTimeoutMs' | 'handshakeTimeoutMs'>
}

export interface Core {
  paths: DataPaths
  settings: SettingsService
  secrets: SecretStore
  logger: AppLogger
  dispatcher: Dispatcher
  /** The session history, opened on first use. */
  sessions(): Promise<SessionStore>
  models: ModelService
  providers: ReturnType<typeof wireProviders>
  agent: ReturnType<typeof wireAgent>
  mcp: McpManager
  ollamaHost(): string
  /** Starting our Ollama at app start (long-running app only, setting `ollama.autoStart`); never rejects. */
  ollamaAutoStart: Promise<AutoStartOutcome>
  /** Pushes an event to every connected client; adapters subscribe here. */
  onBroadcast(listener: Broadcast): () => void
  close(): Promise<void>
}

export type Broadcast = <K extends EventName>(name: K, payload: EventPayload<K>) => void

/** The one place that wires the core together; every adapter (Electron, web, CLI) calls it. */
export function createCore(options: CoreOptions): Core {
  const coreStartup = beginMark('startup.core')
  const paths = dataPaths(options.dataDir)
  fs.mkdirSync(paths.root, { recursive: true })
  const env = options.env ?? process.env
  const logger = createLogger({ sink: options.logSink, file: options.logSink ? undefined : paths.logFile, level: options.logLevel, echo: options.logEcho })
  const settings = new SettingsService(options.settingsStorage ?? new JsonFileStorage(paths.settings), logger.log)
  const secrets = scrubbingSecretStore(options.secrets ?? new FileSecretStore(paths.secrets), logger.scrubber)
  const ollamaHost = (): string => env.OLLAMA_HOST || settings.get().ollama.host

  const broadcasts = new Set<Broadcast>()
  const broadcast: Broadcast = (name, payload) => {
    broadcasts.forEach((send) => send(name, payload))
    // Notification hooks hear what the app tells the user.
    if (name === 'app.notice') {
      const notice = payload as EventPayload<'app.notice'>
      void agent.fire('Notification', { message: notice.message, notification_type: notice.level }, { sessionId: null })
    }
  }
  const unsubscribe = settings.onChange((next) => broadcast('settings.changed', next))

  let store: Promise<SessionStore> | undefined
  const sessions = (): Promise<SessionStore> => {
    store ??= trackMark('startup.sessions.open', openSessions(paths.root, options, logger)).catch((error: unknown) => {
      store = undefined // let the next request try again (e.g. after the disk was freed)
      throw error
    })
    return store
  }

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
  const home = options.home ?? os.homedir()
  const base: BaseWiringContext = { options, mode: options.mode, version: options.version, paths, env, home, settings, secrets, logger, broadcast, onBroadcast: (listener) => (broadcasts.add(listener), () => void broadcasts.delete(listener)) }
  // Logs, diagnostics and tracing come first: the services built below report through them.
  const observability = wireObservability(base)
  const telemetry = wireTelemetry(base)
  const sessionHandlers = createSessionHandlers({
    store: sessions,
    dataDir: paths.root,
    home: options.home ?? os.homedir(),
    changed: (ids) => broadcast('sessions.changed', { ids }),
    summarizer: options.summarizer ?? { summarize: (messages, opts) => providers.summarizer.summarize(messages, opts) },
    ended: (ids) => ids.forEach((id) => void agent.fire('SessionEnd', { reason: 'delete' }, { sessionId: id })),
    beforeCompact: async (info) => {
      const outcome = await agent.hooks.fire('PreCompact', { trigger: info.trigger, custom_instructions: '', messages: info.messages, tokens_before: info.tokensBefore }, { sessionId: info.sessionId, cwd: options.home ?? os.homedir() })
      if (!outcome.allowed) throw new AppError('E_BLOCKED', `A PreCompact hook stopped the compaction: ${outcome.reason ?? 'no reason given'}`)
    },
  })
  const models = new ModelService({
    host: ollamaHost,
    fetch: options.fetch,
    machine: options.machine ?? (() => probeMachine(env, options.home)),
  })
  const modelDeps = {
    models,
    changed: () => {
      providers.catalog.invalidate()
      broadcast('models.changed', {})
    },
    pulled: ({ bytes }: { bytes: number }) => analytics.modelPulled(bytes),
  }
  const installerDeps = {
    installerEnv: options.installerEnv ?? (() => defaultInstallerEnv({ env, home: options.home ?? os.homedir(), ...(options.fetch ? { probeFetch: options.fetch } : {}) })),
    ollamaHost,
    env,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    saveAutoStart: (enabled: boolean) => void settings.update({ ollama: { autoStart: enabled } }),
  }
  const mcpLog = logger.log.child({ component: 'mcp' })
  const mcp = new McpManager({
    dataDir: paths.root,
    secrets,
    env,
    log: mcpLog,
    // OAuth sign-in for remote servers: the desktop app opens the browser; elsewhere the window is told the link.
    openExternal: async (url) => {
      if (await (options.openExternal?.(url) ?? Promise.resolve(false))) return
      mcpLog.info('an MCP server needs a sign-in; the link was shown to the user')
      broadcast('app.notice', { level: 'warning', message: 'An MCP server needs you to sign in. Open this address in a browser on this computer:', hint: url })
    },
    tracing: telemetry.tracing,
  })
  const unsubscribeMcp = mcp.onChange((servers) => broadcast('mcp.changed', { servers }))
  // Servers start in parallel in the background (long-running app only): a chat never waits for them.
  if (options.ownsHistory) mcp.startAll()
  const agent = wireAgent({ dataDir: paths.root, env, home: options.home ?? os.homedir(), logger, broadcast, mcp, tracing: telemetry.tracing })
  const providersStartup = beginMark('startup.providers')
  const providers = wireProviders({
    dataDir: paths.root,
    storage: new JsonFileStorage(path.join(paths.root, 'providers.json')),
    secrets,
    logger,
    env,
    ollamaHost,
    sessions,
    broadcast,
    sessionsChanged: (ids) => broadcast('sessions.changed', { ids }),
    monitor: options.ownsHistory === true,
    agent: agent.runtime,
    runSkill: agent.runNamedSkill,
    homeDir: options.home ?? os.homedir(),
    tracing: telemetry.tracing,
    ...options.providers,
  })
  providersStartup.end()
  const context: WiringContext = { ...base, sessions, providers, agent, mcp }
  const analytics = wireAnalytics(context)
  const updates = wireUpdates(context)
  const voice = wireVoice(context)
  const cluster = wireCluster(context, options.cluster)
  const capabilities = [observability, telemetry, analytics, updates, voice, cluster]
  const dispatcher = createDispatcher(
    {
      ...handlers,
      ...sessionHandlers,
      ...createModelHandlers(modelDeps),
      ...createInstallerHandlers(installerDeps),
      ...providers.handlers,
      ...agent.handlers,
      ...createMcpHandlers({ manager: mcp, home, env }),
      ...observability.handlers,
      ...telemetry.handlers,
      ...analytics.handlers,
      ...updates.handlers,
      ...voice.handlers,
      ...cluster.handlers,
    },
    {
      ...createStreamHandlers(),
      ...createModelStreamHandlers(modelDeps),
      ...createInstallerStreamHandlers(installerDeps),
      ...providers.streamHandlers,
      ...observability.streamHandlers,
      ...telemetry.streamHandlers,
      ...analytics.streamHandlers,
      ...updates.streamHandlers,
      ...voice.streamHandlers,
      ...cluster.streamHandlers,
    },
    logger.log,
  )
  logger.log.info({ mode: options.mode, dataDir: paths.root }, 'core started')
  coreStartup.end()
  // Setup hooks run once when the app (not a one-shot CLI command) starts.
  if (options.ownsHistory) void agent.fire('Setup', { trigger: 'init' }, { sessionId: null })
  // Not awaited: the app opens while Ollama starts.
  const ollamaAutoStart: Promise<AutoStartOutcome> = options.ownsHistory
    ? autoStartOllama({ enabled: settings.get().ollama.autoStart, env: installerDeps.installerEnv(), host: ollamaHost(), log: logger.log.child({ component: 'ollama-autostart' }) })
    : Promise.resolve('not-owner')

  return {
    paths,
    settings,
    secrets,
    logger,
    dispatcher,
    sessions,
    models,
    providers,
    agent,
    mcp,
    ollamaHost,
    ollamaAutoStart,
    onBroadcast(listener) {
      broadcasts.add(listener)
      return () => broadcasts.delete(listener)
    },
    async close() {
      unsubscribe()
      unsubscribeMcp()
      providers.close()
      // Last built, first closed: capabilities may still report through telemetry and logs.
      for (const capability of [...capabilities].reverse()) await capability.close()
      await mcp.stopAll()
      broadcasts.clear()
      const opened = store
      store = undefined
      try {
        await (await opened?.catch(() => undefined))?.close()
      } finally {
        logger.close()
      }
    },
  }
}

/** Opens the history, finishes replies a crash interrupted, and takes the daily backup. */
async function openSessions(dataDir: string, options: CoreOptions, logger: AppLogger): Promise<SessionStore> {
  const worker = options.sessionWorker
  const store = await SessionStore.open({ dataDir, ...(worker ? { worker } : {}) })
  const log = logger.log.child({ component: 'sessions' })
  log.info({ file: store.info.file, sessions: store.info.sessions, migration: store.info.migration }, 'session store opened')
  if (!options.ownsHistory) return store
  const recovered = await store.recoverInterruptedMessages()
  if (recovered > 0) log.warn({ recovered }, 'replies interrupted by a crash were kept and marked')
  try {
    const backup = await store.maybeDailyBackup()
    if (backup) log.info({ backup }, 'daily backup taken')
  } catch (error) {
    log.error({ err: error }, 'daily backup failed')
  }
  return store
}

export { locateElectronBinary }
