import type { Result, UpdateStatus } from '../../src-shared/contract'
import { answerRoutes, fail, ok, type FakeDeps } from './fake-route-helpers'

/*
 * The updates.* routes over an in-memory updater. It starts as the web companion sees it
 * (disabled: the desktop app updates itself); `updates.desktop()` makes it the packaged desktop
 * app. It wraps a fake API in place so fake-api.ts needs one line; tests steer it through the
 * returned `updates`.
 */

export const HANDLED_BY_DESKTOP = 'Updates are handled by the desktop app.'

export interface FakeUpdatesWorld {
  status: UpdateStatus
  /** What a check finds on the current channel (null: up to date). */
  offers: Record<string, { version: string; releaseNotes: string | null } | null>
  installs: number
}

export function withFakeUpdates({ api, calls, emit, settings }: FakeDeps) {
  const world: FakeUpdatesWorld = {
    status: { currentVersion: '9.9.9', channel: 'latest', update: { state: 'disabled', reason: HANDLED_BY_DESKTOP }, lastCheckedAt: null, installBlockedBy: null, installPending: false },
    offers: { latest: null, beta: null },
    installs: 0,
  }
  const current = (): UpdateStatus => ({ ...world.status, channel: settings().updates.channel })
  /** Sets part of the status and pushes `updates.changed`, as the core does. */
  const set = (patch: Partial<UpdateStatus>): void => {
    world.status = { ...world.status, ...patch }
    emit('updates.changed', current())
  }

  const answer = (route: string): Result<unknown> => {
    if (route === 'updates.status') return ok(current())
    if (world.status.update.state === 'disabled') return fail('E_UNSUPPORTED', world.status.update.reason)
    const update = world.status.update
    switch (route) {
      case 'updates.check': {
        const offer = world.offers[settings().updates.channel]
        if (!offer) set({ update: { state: 'idle' }, lastCheckedAt: Date.now() })
        else if (settings().updates.autoDownload) set({ update: { state: 'downloaded', ...offer }, lastCheckedAt: Date.now() })
        else set({ update: { state: 'available', ...offer, releaseDate: null }, lastCheckedAt: Date.now() })
        return ok(current())
      }
      case 'updates.download':
        if (update.state !== 'available') return fail('E_NOT_FOUND', 'There is no update to download; check for updates first.')
        set({ update: { state: 'downloaded', version: update.version, releaseNotes: update.releaseNotes } })
        return ok(current())
      case 'updates.install':
        if (update.state !== 'downloaded') return fail('E_NOT_FOUND', 'No update has been downloaded yet.')
        if (world.status.installBlockedBy) set({ installPending: true })
        else world.installs++
        return ok(current())
      default:
        return fail('E_UNKNOWN_ROUTE', `no ${route}`)
    }
  }

  answerRoutes({ api, calls }, 'updates.', answer)

  return {
    updates: {
      world,
      set,
      /** The packaged desktop app, idle and never checked. */
      desktop: (version = '1.0.0') => set({ currentVersion: version, update: { state: 'idle' } }),
    },
  }
}
