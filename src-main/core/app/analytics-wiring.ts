import path from 'node:path'
import type { EventName, EventPayload, UpdateState } from '../../../src-shared/contract'
import { Analytics, HttpAnalyticsTransport, SentLog, durationBucket, platformOf, sizeBucket, tokensBucket, type AnalyticsTimers } from '../analytics'
import type { CapabilityWiring } from './capability'
import type { WiringContext } from './wiring-context'

export type AnalyticsRouteHandlers = CapabilityWiring<'analytics'>['handlers']

export interface AnalyticsWiring extends CapabilityWiring<'analytics'> {
  analytics: Analytics
  /** A model pull finished (its download size in bytes). */
  modelPulled(bytes: number): void
}

export const ANALYTICS_SENT_FILE = 'analytics-sent.jsonl'
export const ANALYTICS_ID_FILE = 'analytics-id.json'

/** Batching and timers, swapped for tests. */
export interface AnalyticsWiringOptions {
  timers?: AnalyticsTimers
  flushDelayMs?: number
}

const UPDATE_OUTCOMES: Partial<Record<UpdateState['state'], 'up_to_date' | 'available' | 'failed'>> = {
  idle: 'up_to_date',
  available: 'available',
  downloading: 'available',
  downloaded: 'available',
  error: 'failed',
}

/** Opt-in usage analytics: consent, a closed set of events, and the local log of what was sent. */
export function wireAnalytics(ctx: WiringContext, options: AnalyticsWiringOptions = {}): AnalyticsWiring {
  const log = ctx.logger.log.child({ component: 'analytics' })
  /** The app's own moments: a mistake in one is logged, never thrown into what it observes. */
  const note = (type: string, fields: object): void => {
    try {
      analytics.record(type, fields)
    } catch (error) {
      log.warn({ err: error, type }, 'analytics event refused')
    }
  }
  const appStarted = (): void => note('app_started', { version: ctx.version, platform: platformOf(process.platform), mode: ctx.mode })

  const analytics = new Analytics({
    settings: () => ctx.settings.get().analytics,
    onSettingsChange: (listener) => ctx.settings.onChange((next) => listener(next.analytics)),
    transport: () => ctx.options.analyticsTransport ?? new HttpAnalyticsTransport(),
    sentLog: new SentLog({ file: path.join(ctx.paths.root, ANALYTICS_SENT_FILE), onError: (error) => log.warn({ err: error }, 'could not write the analytics log') }),
    idFile: path.join(ctx.paths.root, ANALYTICS_ID_FILE),
    // Granting in a running app counts this session as started.
    onGranted: appStarted,
    changed: (status) => ctx.broadcast('analytics.changed', status),
    log,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.flushDelayMs === undefined ? {} : { flushDelayMs: options.flushDelayMs }),
  })

  // One-shot CLI commands are not app starts.
  if (ctx.options.ownsHistory) appStarted()

  let onboarded = ctx.settings.get().onboarding.completed
  const unsubscribeSettings = ctx.settings.onChange((next) => {
    if (next.onboarding.completed && !onboarded) note('onboarding_completed', {})
    onboarded = next.onboarding.completed
  })

  const stopObservingChats = ctx.chat.service.onTurn((turn) => {
    const kind = turn.providerKind
    if (!kind) return
    note('chat_completed', { provider_kind: kind, duration_ms_bucket: durationBucket(turn.durationMs), tokens_bucket: tokensBucket(turn.tokens), tool_calls: Math.min(turn.toolCalls, 1000), fell_back: turn.fellBack })
  })

  // A check has finished when the updater leaves `checking`; the state it lands in is the outcome.
  let updateState: UpdateState['state'] | undefined
  const stopObservingUpdates = ctx.onBroadcast?.(<K extends EventName>(name: K, payload: EventPayload<K>) => {
    if (name !== 'updates.changed') return
    const status = payload as EventPayload<'updates.changed'>
    const outcome = UPDATE_OUTCOMES[status.update.state]
    if (updateState === 'checking' && outcome) note('update_checked', { channel: status.channel, outcome })
    updateState = status.update.state
  })

  const handlers: AnalyticsRouteHandlers = {
    'analytics.status': () => analytics.status(),
    'analytics.setConsent': ({ granted }) => {
      ctx.settings.update({ analytics: { consent: granted ? 'granted' : 'denied' } })
      return analytics.status()
    },
    'analytics.resetId': () => analytics.resetId(),
    'analytics.sent': async ({ limit }) => ({ events: await analytics.sent(limit) }),
    'analytics.track': ({ type, fields }) => ({ recorded: analytics.record(type, fields) }),
  }

  return {
    handlers,
    streamHandlers: {},
    analytics,
    /** A model pull finished: only its size bucket is counted, never its name. */
    modelPulled(bytes: number): void {
      note('model_pulled', { size_bucket: sizeBucket(bytes) })
    },
    async close() {
      unsubscribeSettings()
      stopObservingChats()
      stopObservingUpdates?.()
      await analytics.close()
    },
  }
}
