import { AnalyticsEventTypeSchema, type AnalyticsSentEvent, type AnalyticsStatus, type Result } from '../../src-shared/contract'
import { answerRoutes, fail, ok, type FakeDeps } from './fake-route-helpers'

/*
 * The analytics.* routes as the core answers them, over the fake's settings: consent goes through
 * settings.update (and settings.changed is pushed, as the core does), the install id appears only
 * while granted, and the sent log is whatever the test puts in through `analytics.deliver`.
 */

export function withFakeAnalytics({ api, calls, emit, settings }: FakeDeps) {
  const world = { installId: null as string | null, ids: 0, sent: [] as AnalyticsSentEvent[], counts: { sent: 0, failed: 0, dropped: 0 }, lastError: null as string | null }
  const newId = (): string => `00000000-0000-4000-8000-${String(++world.ids).padStart(12, '0')}`
  const status = (): AnalyticsStatus => {
    const { consent, endpoint } = settings().analytics
    return { consent, endpoint, installId: consent === 'granted' ? world.installId : null, active: consent === 'granted' && endpoint !== '', queued: 0, ...world.counts, lastError: world.lastError }
  }
  // Consent goes through the fake's own settings.update, underneath these routes.
  const call = api.call

  const answer = async (route: string, input: unknown): Promise<Result<unknown>> => {
    switch (route) {
      case 'analytics.status':
        return ok(status())
      case 'analytics.setConsent': {
        const granted = (input as { granted: boolean }).granted
        const was = settings().analytics.consent
        await call('settings.update', { analytics: { consent: granted ? 'granted' : 'denied' } })
        world.installId = granted ? (was === 'granted' ? world.installId : newId()) : null
        emit('settings.changed', settings())
        emit('analytics.changed', status())
        return ok(status())
      }
      case 'analytics.resetId':
        if (settings().analytics.consent !== 'granted') return fail('E_CONFIG', 'Analytics is off, so there is no install id to reset.')
        world.installId = newId()
        return ok(status())
      case 'analytics.sent':
        return ok({ events: [...world.sent].reverse().slice(0, (input as { limit?: number }).limit ?? 1000) })
      case 'analytics.track': {
        const { type } = input as { type: string }
        if (!AnalyticsEventTypeSchema.safeParse(type).success) return fail('E_VALIDATION', `There is no analytics event named "${type}".`)
        return ok({ recorded: status().active })
      }
      default:
        return fail('E_UNKNOWN_ROUTE', `no ${route}`)
    }
  }

  answerRoutes({ api, calls }, 'analytics.', answer)

  return {
    analytics: {
      world,
      /** Events reach the endpoint (or fail to), as a flushed batch does; pushes `analytics.changed`. */
      deliver(events: Omit<AnalyticsSentEvent, 'installId' | 'endpoint'>[]) {
        for (const event of events) {
          world.sent.push({ ...event, installId: world.installId ?? 'none', endpoint: settings().analytics.endpoint })
          world.counts[event.outcome === 'sent' ? 'sent' : 'failed']++
          if (event.error) world.lastError = event.error
        }
        emit('analytics.changed', status())
      },
    },
  }
}
