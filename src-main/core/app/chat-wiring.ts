import { chatContext, ChatService, ChatSettingsService, compactBeforeSend, createProviderSummarizer, generateTitle, isFixedTarget, latestModel, type AgentRuntime, type ChatClock, type ChatServiceDeps, type ContextWindowDeps, type SessionCompactor } from '../chat'
import type { DocumentUploads } from '../documents'
import type { SessionStore, Summarizer } from '../sessions'
import type { Tracing } from '../telemetry'
import type { CapabilityWiring } from './capability'
import type { ProviderWiring } from './provider-wiring'
import type { BaseWiringContext } from './wiring-context'

export interface ChatWiringDeps {
  sessions: () => Promise<SessionStore>
  /** Documents staged by `attachments.upload` (see attachments-wiring.ts). */
  documents?: DocumentUploads
  providers: ProviderWiring
  /** Hooks, tools and permissions for chats (see agent-wiring.ts). */
  agent: AgentRuntime
  runSkill: ChatServiceDeps['runSkill']
  /** Chat request spans (see core/telemetry); none when tracing is off. */
  tracing: Tracing
  /** Tests swap in time and randomness (CoreOptions.providers.clock). */
  clock?: Partial<ChatClock>
  /** Compacts with the app's summarizer and PreCompact hooks (session-wiring.ts): automatic compaction before a send. */
  compact?: SessionCompactor
  /** Knowledge passages for a prompt (knowledge-wiring.ts). */
  knowledge?: ChatServiceDeps['knowledge']
}

export interface ChatWiring extends CapabilityWiring<'chat'> {
  service: ChatService
  /** Writes the summaries of `sessions.compact` with the same providers, routing and breakers as chats. */
  summarizer: Summarizer
  /** Per-chat settings and drafts (answered by chat-settings-wiring.ts). */
  settings: ChatSettingsService
}

/** How long a title may take: the CLI waits for it after printing the reply, so it waits less. */
const TITLE_TIMEOUT_MS = { app: 30_000, cli: 8_000 }

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })

/** The chat turn: a message in, the reply streamed back with retries and fallbacks, saved as it streams. */
export function wireChat(ctx: BaseWiringContext, deps: ChatWiringDeps): ChatWiring {
  const { providers } = deps
  const clock: ChatClock = { now: providers.now, sleep: deps.clock?.sleep ?? sleep, random: deps.clock?.random ?? Math.random }
  const routing = () => providers.configs.routing()
  const compact = deps.compact
  const chatDefaults = () => ctx.settings.get().chat
  const settings = new ChatSettingsService({ sessions: deps.sessions, defaults: chatDefaults, registry: providers.registry, catalog: providers.catalog })
  const contextDeps: ContextWindowDeps = {
    sessions: deps.sessions,
    catalog: providers.catalog,
    settings: () => ctx.settings.get().compaction,
    compact: compact ?? (() => Promise.reject(new Error('no compactor'))),
    chatContextLength: (sessionId, target, params) => settings.contextLength(sessionId, target, params),
  }
  const titleDeps = {
    sessions: deps.sessions,
    registry: providers.registry,
    titleTarget: () => chatDefaults().titleTarget,
    enabled: () => ctx.options.autoTitles !== false && chatDefaults().autoTitle,
    changed: (ids: string[]) => ctx.broadcast('sessions.changed', { ids }),
    log: ctx.logger.log.child({ component: 'titles' }),
  }
  // One-shot CLI commands do not own the history; the desktop app and web companion do.
  const titleTimeout = ctx.options.ownsHistory === true ? TITLE_TIMEOUT_MS.app : TITLE_TIMEOUT_MS.cli
  const service = new ChatService({
    sessions: deps.sessions,
    registry: providers.registry,
    catalog: providers.catalog,
    routing,
    priceOverrides: () => providers.configs.priceOverrides(),
    breakers: providers.breakers,
    ledger: providers.ledger,
    recorder: providers.traffic,
    markActive: () => providers.monitor.markActive(),
    changed: (ids) => ctx.broadcast('sessions.changed', { ids }),
    clock,
    log: ctx.logger.log.child({ component: 'providers' }),
    agent: deps.agent,
    runSkill: deps.runSkill,
    ...(deps.documents ? { documents: deps.documents } : {}),
    homeDir: ctx.home,
    tracing: deps.tracing,
    ...(compact ? { compactBeforeSend: (sessionId, target, text, signal, params) => compactBeforeSend(contextDeps, sessionId, target, text, signal, params) } : {}),
    chatSettings: settings,
    ...(deps.knowledge ? { knowledge: deps.knowledge } : {}),
    title: (sessionId, answeredBy) => generateTitle(titleDeps, sessionId, answeredBy, titleTimeout),
  })
  // A chat's summary is written by its own model: the one its settings name, else its latest reply's.
  const chatModel = async (sessionId: string) => {
    const { target } = (await settings.get(sessionId)).settings
    return isFixedTarget(target) ? target : latestModel(await deps.sessions(), sessionId)
  }
  const summarizer = createProviderSummarizer({ registry: providers.registry, catalog: providers.catalog, routing, breakers: providers.breakers, clock, recorder: providers.traffic, chatModel })
  return {
    service,
    summarizer,
    settings,
    handlers: {
      'chat.context': (input, { signal }) => chatContext(contextDeps, input, signal),
    },
    streamHandlers: {
      'chat.send': (input, { signal }) => service.send(input, signal),
    },
  }
}
