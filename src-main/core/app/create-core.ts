import os from 'node:os'
import path from 'node:path'
import type { AppInfo, EventName, EventPayload, ProviderKind as ProviderFactoryKind } from '../../../src-shared/contract'
import type { ChatClock } from '../chat'
import { JsonFileStorage, SettingsService, type SettingsStorage } from '../config'
import { locateElectronBinary } from '../doctor'
import { AppError, setDataFolderForDiskErrors } from '../errors'
import type { Timers } from '../health'
import type { InstallerEnv } from '../installer'
import { createLogger, scrubbingSecretStore, type AppLogger, type LogSink } from '../log'
import type { McpManager } from '../mcp'
import { beginMark } from '../profiling'
import type { ModelService, ModelServiceOptions } from '../models'
import type { FetchLike } from '../ollama'
import { dataPaths, makePrivateDir, tightenDataFolder, type DataPaths } from '../paths'
import type { ProviderFactory } from '../providers'
import { createDispatcher, type Dispatcher } from '../rpc'
import { FileSecretStore, type SecretStore } from '../secrets'
import type { SessionStore, SessionStoreOptions, Summarizer } from '../sessions'
import { wireAgent, type AgentWiring } from './agent-wiring'
import { wireAgents, type AgentsWiring } from './agents-wiring'
import { wireKnowledge } from './knowledge-wiring'
import { wireAnalytics } from './analytics-wiring'
import { wireApp } from './app-wiring'
import { closeWirings, routeHandlersOf, streamHandlersOf, type CoreWirings } from './capability'
import { wireChatSettings } from './chat-settings-wiring'
import { wireChat, type ChatWiring } from './chat-wiring'
import { wireCluster } from './cluster-wiring'
import { wireInstaller } from './installer-wiring'
import { wireMcp } from './mcp-wiring'
import { wireModels } from './model-wiring'
import { wireObservability } from './observability-wiring'
import { autoStartOllama, type AutoStartOutcome } from './ollama-autostart'
import { wireProviders, type ProviderWiring } from './provider-wiring'
import { wireSessions } from './session-wiring'
import { wireSettings } from './settings-wiring'
import { wireTelemetry } from './telemetry-wiring'
import { wireUpdates } from './updates-wiring'
import { wireVoice } from './voice-wiring'
import { wireAttachments } from './attachments-wiring'
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
   * crash interrupted and schedules the daily backup. One-shot CLI commands must not, or they would
   * mark a reply the running app is still streaming.
   */
  ownsHistory?: boolean
  /** How long after the history opens the daily backup is taken (default 60 s; see session-wiring.ts). */
  dailyBackupDelayMs?: number
  /** Where the session store's worker thread starts; without it the store runs in-process (tests, tools). */
  sessionWorker?: SessionStoreOptions['worker']
  /** Where the knowledge worker thread starts; without it knowledge bases are served in-process (tests, tools). */
  knowledgeWorker?: { entry: string | URL; workerData?: Record<string, unknown> }
  /** Finds the Electron binary; defaults to asking the installed `electron` package. */
  locateElectron?: () => string | Error
  /** Writes the summaries of `sessions.compact`; without one that route answers E_UNSUPPORTED. */
  summarizer?: Summarizer
  /** Memory and disk for model recommendations; defaults to asking the OS. */
  machine?: ModelServiceOptions['machine']
  /** The machine as the Ollama installer sees it; defaults to this one (with `home` and `env`). */
  installerEnv?: () => InstallerEnv
  /** Provider kinds, clock and timers swapped for tests. */
  providers?: { factories?: Partial<Record<ProviderFactoryKind, ProviderFactory>>; clock?: Partial<ChatClock>; timers?: Timers }
  /** false: never write chat titles with a model, whatever Settings → Chat says (test cores, whose fakes would answer the title request too). */
  autoTitles?: boolean
  /** The desktop app's updater (electron-updater); the web companion and CLI have none. */
  updater?: import('../updates').UpdaterPort
  /** Where analytics batches go once the user consents; defaults to an HTTP POST to the set endpoint. */
  analyticsTransport?: import('../analytics').AnalyticsTransport
  /** Where the sherpa-onnx child starts (the process entry passes the bundled path, as it does the session worker's), and engines or a catalog swapped in for tests. */
  voice?: import('../voice').VoiceCoreOptions
  /** How long cluster peers and their Ollama servers may take to answer; tests on a busy machine wait longer. */
  cluster?: Pick<import('../cluster').ClusterControllerOptions, 'probeTimeoutMs' | 'handshakeTimeoutMs' | 'networkInterfaces'>
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
  /** The providers' registry, configs, catalog, breakers and health; `chat` is the chat service (also core.chat.service). */
  providers: ProviderWiring & { chat: ChatWiring['service'] }
  chat: ChatWiring
  agent: AgentWiring
  /** Agent files (Claude Code subagents) and the starter library. */
  agents: AgentsWiring
  mcp: McpManager
  ollamaHost(): string
  /** Starting our Ollama at app start (long-running app only, setting `ollama.autoStart`); never rejects. */
  ollamaAutoStart: Promise<AutoStartOutcome>
  /** Pushes an event to every connected client; adapters subscribe here. */
  onBroadcast(listener: Broadcast): () => void
  close(): Promise<void>
}

export type Broadcast = <K extends EventName>(name: K, payload: EventPayload<K>) => void

/**
 * The one place that wires the core together; every adapter (Electron, web, CLI) calls it. Each
 * capability of the contract has its wire<X>() here, built in dependency order; the dispatcher
 * answers from all of them and closing goes the other way round.
 */
export function createCore(options: CoreOptions): Core {
  const coreStartup = beginMark('startup.core')
  const base = baseContext(options)
  const { paths, env, home, settings, logger, broadcast } = base
  // Every client hears each settings change; closing stops this first, before anything awaits.
  const stopSettingsBroadcast = settings.onChange((next) => broadcast('settings.changed', next))

  const app = wireApp(base)
  const settingsWiring = wireSettings(base)
  // Logs, diagnostics and tracing come first: the services built below report through them.
  const observability = wireObservability(base)
  const telemetry = wireTelemetry(base)
  const sessions = wireSessions(base, {
    summarizer: options.summarizer ?? { summarize: (messages, opts) => chat.summarizer.summarize(messages, opts) },
    // SessionEnd/SessionStart with Claude Code's reasons and sources; the mapping is in core/hooks/README.md.
    ended: (ids) => ids.forEach((id) => void agent.lifecycle.end(id, 'other').catch(() => undefined)),
    compacted: (session) => agent.lifecycle.start(session.id, 'compact', { cwd: session.workspace ?? home, workspace: session.workspace }).catch(() => undefined),
    lifecycle: (session, state) => agent.sessionState(session, state),
    beforeCompact: async (info) => {
      const outcome = await agent.hooks.fire('PreCompact', { trigger: info.trigger, custom_instructions: info.instructions ?? '', messages: info.messages, tokens_before: info.tokensBefore }, { sessionId: info.sessionId, cwd: home })
      if (!outcome.allowed) throw new AppError('E_BLOCKED', `A PreCompact hook stopped the compaction: ${outcome.reason ?? 'no reason given'}`)
    },
  })
  const models = wireModels(base, {
    changed: () => {
      providers.catalog.invalidate()
      broadcast('models.changed', {})
    },
    pulled: ({ bytes }) => analytics.modelPulled(bytes),
  })
  const installer = wireInstaller(base)
  const mcp = wireMcp(base, telemetry.tracing)
  const agent = wireAgent({ dataDir: paths.root, env, home, logger, broadcast, mcp: mcp.manager, tracing: telemetry.tracing })
  // Notification hooks hear what the app tells the user.
  base.onBroadcast((name, payload) => {
    if (name !== 'app.notice') return
    const notice = payload as EventPayload<'app.notice'>
    void agent.fire('Notification', { message: notice.message, notification_type: notice.level }, { sessionId: null })
  })
  const providersStartup = beginMark('startup.providers')
  const providers = wireProviders({
    dataDir: paths.root,
    storage: new JsonFileStorage(path.join(paths.root, 'providers.json')),
    secrets: base.secrets,
    logger,
    env,
    ollamaHost: base.ollamaHost,
    broadcast,
    monitor: options.ownsHistory === true,
    ...(options.providers?.factories ? { factories: options.providers.factories } : {}),
    ...(options.providers?.clock?.now ? { now: options.providers.clock.now } : {}),
    ...(options.providers?.timers ? { timers: options.providers.timers } : {}),
  })
  const attachments = wireAttachments({ sessions: sessions.store })
  const chat = wireChat(base, { sessions: sessions.store, documents: attachments.uploads, providers, agent: agent.runtime, runSkill: agent.runNamedSkill, tracing: telemetry.tracing, compact: sessions.compact, knowledge: (input) => knowledge.context(input), ...(options.providers?.clock ? { clock: options.providers.clock } : {}) })
  const chatSettings = wireChatSettings(chat, (ids) => broadcast('sessions.changed', { ids }))
  providersStartup.end()
  const context: WiringContext = { ...base, sessions: sessions.store, providers, chat, agent, mcp: mcp.manager }
  const agents = wireAgents(context)
  const analytics = wireAnalytics(context)
  const updates = wireUpdates(context)
  const voice = wireVoice(context)
  const cluster = wireCluster(context, options.cluster)
  const knowledge = wireKnowledge(context, options.knowledgeWorker ? { worker: options.knowledgeWorker } : {})

  // In the order built: closing runs backwards. A capability missing here, or a route missing from its wiring, does not compile.
  const wirings: CoreWirings = { app, settings: settingsWiring, observability, telemetry, sessions, models, installer, mcp, agent, providers, chat, chatSettings, attachments, agents, analytics, updates, voice, cluster, knowledge }
  const dispatcher = createDispatcher(routeHandlersOf(wirings), streamHandlersOf(wirings), logger.log)
  logger.log.info({ mode: options.mode, dataDir: paths.root }, 'core started')
  coreStartup.end()
  // Setup hooks run once when the app (not a one-shot CLI command) starts.
  if (options.ownsHistory) void agent.fire('Setup', { trigger: 'init' }, { sessionId: null })
  // Not awaited: the app opens while Ollama starts.
  const ollamaAutoStart: Promise<AutoStartOutcome> = options.ownsHistory
    ? autoStartOllama({ enabled: settings.get().ollama.autoStart, env: installer.installerEnv(), host: base.ollamaHost(), log: logger.log.child({ component: 'ollama-autostart' }) })
    : Promise.resolve('not-owner')

  return {
    paths,
    settings,
    secrets: base.secrets,
    logger,
    dispatcher,
    sessions: sessions.store,
    models: models.models,
    providers: { ...providers, chat: chat.service },
    chat,
    agent,
    agents,
    mcp: mcp.manager,
    ollamaHost: base.ollamaHost,
    ollamaAutoStart,
    onBroadcast: base.onBroadcast,
    async close() {
      stopSettingsBroadcast()
      try {
        // The app quits (or the companion, or a CLI command, exits): every open chat ends.
        await agent.lifecycle.endAll('prompt_input_exit').catch((error: unknown) => logger.log.warn({ err: error }, 'SessionEnd hooks failed'))
        await closeWirings(wirings)
      } finally {
        base.closeBroadcasts()
        logger.close()
      }
    },
  }
}

/** Earlier versions created the data folder 0755 and its files 0644; history is private, so fix that once at start. */
function tightenOlderInstall(root: string, log: AppLogger['log']): void {
  try {
    const changed = tightenDataFolder(root)
    if (changed > 0) log.info({ changed }, 'made the data folder readable by this user only')
  } catch (error) {
    log.warn({ err: error }, 'could not tighten the permissions of the data folder')
  }
}

/** Paths, logs, settings, secrets and the broadcast every wiring shares. */
function baseContext(options: CoreOptions): BaseWiringContext & { onBroadcast(listener: Broadcast): () => void; closeBroadcasts(): void } {
  const paths = dataPaths(options.dataDir)
  makePrivateDir(paths.root)
  setDataFolderForDiskErrors(paths.root)
  const env = options.env ?? process.env
  const logger = createLogger({ sink: options.logSink, file: options.logSink ? undefined : paths.logFile, level: options.logLevel, echo: options.logEcho })
  tightenOlderInstall(paths.root, logger.log)
  const settings = new SettingsService(options.settingsStorage ?? new JsonFileStorage(paths.settings), logger.log)
  const secrets = scrubbingSecretStore(options.secrets ?? new FileSecretStore(paths.secrets), logger.scrubber)
  const listeners = new Set<Broadcast>()
  const broadcast: Broadcast = (name, payload) => listeners.forEach((send) => send(name, payload))
  return {
    options,
    mode: options.mode,
    version: options.version,
    paths,
    env,
    home: options.home ?? os.homedir(),
    settings,
    secrets,
    logger,
    broadcast,
    onBroadcast: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
    closeBroadcasts: () => listeners.clear(),
    ollamaHost: () => env.OLLAMA_HOST || settings.get().ollama.host,
  }
}

export { locateElectronBinary }
