import { HANDLED_BY_DESKTOP, UpdateService, type UpdateTimers } from '../updates'
import type { CapabilityWiring } from './capability'
import type { WiringContext } from './wiring-context'

export interface UpdatesWiring extends CapabilityWiring<'updates'> {
  service: UpdateService
}

const realTimers: UpdateTimers = {
  // Unref'd: a pending check never keeps a closing app (or a test) alive.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/** Automatic updates of the desktop app: channel, checks, download progress, install. */
export function wireUpdates(ctx: WiringContext, timers: UpdateTimers = realTimers): UpdatesWiring {
  const service = new UpdateService({
    port: ctx.options.updater ?? null,
    unavailableReason: HANDLED_BY_DESKTOP,
    currentVersion: ctx.version,
    settings: () => ctx.settings.get().updates,
    onSettingsChange: (listener) => ctx.settings.onChange((next) => listener(next.updates)),
    activeReplies: () => ctx.chat.service.activeReplies,
    changed: (status) => ctx.broadcast('updates.changed', status),
    timers,
    now: Date.now,
    log: ctx.logger.log.child({ component: 'updates' }),
  })
  service.start()
  return {
    service,
    handlers: {
      'updates.status': () => service.status(),
      'updates.check': () => service.check(),
      'updates.download': () => service.download(),
      'updates.install': () => service.install(),
    },
    streamHandlers: {},
    close: () => service.close(),
  }
}
