import { describe, expect, it } from 'vitest'
import type { UpdateChannel, UpdateStatus, UpdatesSettings } from '../../../src-shared/contract'
import { describeUpdateFailure } from './errors'
import type { UpdateInfo, UpdaterEvent, UpdaterPort } from './port'
import { CHECK_INTERVAL_MS, HANDLED_BY_DESKTOP, REPLY_STREAMING, UpdateService, type UpdateServiceDeps } from './update-service'

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

const release: UpdateInfo = { version: '1.1.0', releaseNotes: '- faster', releaseDate: '2026-11-20' }

/** A port whose answers the test gives; it records what the service asked of it. */
function fakePort(packaged = true) {
  const listeners = new Set<(event: UpdaterEvent) => void>()
  const port = {
    packaged,
    channels: [] as UpdateChannel[],
    checks: [] as Deferred<UpdateInfo | null>[],
    downloads: [] as Deferred<void>[],
    installs: 0,
    configure: ({ channel }: { channel: UpdateChannel }) => void port.channels.push(channel),
    check: () => {
      const next = deferred<UpdateInfo | null>()
      port.checks.push(next)
      return next.promise
    },
    download: () => {
      const next = deferred<void>()
      port.downloads.push(next)
      return next.promise
    },
    quitAndInstall: () => void port.installs++,
    on: (listener: (event: UpdaterEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit: (event: UpdaterEvent) => listeners.forEach((listener) => listener(event)),
    listeners: () => listeners.size,
  }
  return port satisfies UpdaterPort
}

/** Timers the test fires by hand, with the delay each was set for. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>()
  let id = 0
  return {
    setTimeout: (fn: () => void, ms: number) => (pending.set(++id, { fn, ms }), id),
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    delays: () => [...pending.values()].map((timer) => timer.ms),
    fire: (ms?: number) => {
      for (const [key, timer] of [...pending]) {
        if (ms !== undefined && timer.ms !== ms) continue
        pending.delete(key)
        timer.fn()
      }
    },
  }
}

function setup(options: { port?: UpdaterPort | null; settings?: Partial<UpdatesSettings> } = {}) {
  let settings: UpdatesSettings = { enabled: true, channel: 'latest', autoDownload: false, ...options.settings }
  const listeners = new Set<(next: UpdatesSettings) => void>()
  const timers = manualTimers()
  const changes: UpdateStatus[] = []
  const state = { replies: 0 }
  const port = options.port === undefined ? fakePort() : options.port
  const deps: UpdateServiceDeps = {
    port,
    currentVersion: '1.0.0',
    settings: () => settings,
    onSettingsChange: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    activeReplies: () => state.replies,
    changed: (status) => changes.push(status),
    timers,
    now: () => 42,
    firstCheckDelayMs: 10,
    idlePollMs: 5,
  }
  const service = new UpdateService(deps)
  const change = (patch: Partial<UpdatesSettings>) => {
    settings = { ...settings, ...patch }
    listeners.forEach((listener) => listener(settings))
  }
  return { service, timers, changes, state, change, listeners }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

/** Started with autoDownload on; a check found `release` and it has been downloaded. */
async function downloaded() {
  const port = fakePort()
  const harness = setup({ port, settings: { autoDownload: true } })
  harness.service.start()
  const checking = harness.service.check()
  port.checks[0]!.resolve(release)
  await flush()
  port.downloads[0]!.resolve()
  await checking
  return { port, ...harness }
}

describe('UpdateService', () => {
  it('without an updater (web companion, CLI) is disabled and says why', async () => {
    const { service, timers } = setup({ port: null })
    service.start()
    expect(service.status()).toEqual({ currentVersion: '1.0.0', channel: 'latest', update: { state: 'disabled', reason: HANDLED_BY_DESKTOP }, lastCheckedAt: null, installBlockedBy: null, installPending: false })
    await expect(service.check()).rejects.toMatchObject({ code: 'E_UNSUPPORTED', message: HANDLED_BY_DESKTOP })
    await expect(service.download()).rejects.toMatchObject({ code: 'E_UNSUPPORTED' })
    expect(() => service.install()).toThrow(HANDLED_BY_DESKTOP)
    expect(timers.delays()).toEqual([])
  })

  it('checks shortly after start and then every 6 hours, only while enabled', async () => {
    const port = fakePort()
    const { service, timers, change } = setup({ port })
    service.start()
    expect(port.channels).toEqual(['latest'])
    expect(timers.delays()).toEqual([10])
    timers.fire(10)
    expect(port.checks).toHaveLength(1)
    expect(timers.delays()).toEqual([CHECK_INTERVAL_MS])
    port.checks[0]!.resolve(null)
    await flush()
    expect(service.status()).toMatchObject({ update: { state: 'idle' }, lastCheckedAt: 42 })

    change({ enabled: false })
    expect(timers.delays()).toEqual([])
    change({ enabled: true })
    expect(timers.delays()).toEqual([10])
    service.close()
    expect(timers.delays()).toEqual([])
  })

  it('does not schedule checks when automatic checks are off, but "Check now" works', async () => {
    const port = fakePort()
    const { service, timers } = setup({ port, settings: { enabled: false } })
    service.start()
    expect(timers.delays()).toEqual([])
    const checking = service.check()
    port.checks[0]!.resolve(release)
    expect((await checking).update).toEqual({ state: 'available', version: '1.1.0', releaseNotes: '- faster', releaseDate: '2026-11-20' })
  })

  it('a timer that fires after checks were turned off does nothing', () => {
    const port = fakePort()
    const { service, timers, change, listeners } = setup({ port })
    service.start()
    listeners.clear() // the setting changes without the service hearing of it yet
    change({ enabled: false })
    timers.fire(10)
    expect(port.checks).toHaveLength(0)
  })

  it('downloads a found update in the background when autoDownload is on, with progress', async () => {
    const port = fakePort()
    const { service, changes } = setup({ port, settings: { autoDownload: true } })
    service.start()
    const checking = service.check()
    port.checks[0]!.resolve(release)
    await flush()
    expect(service.status().update).toMatchObject({ state: 'downloading', version: '1.1.0', progress: { percent: 0 } })
    port.emit({ type: 'progress', progress: { percent: 40, transferred: 400, total: 1000, bytesPerSecond: 100 } })
    expect(service.status().update).toMatchObject({ state: 'downloading', progress: { percent: 40, transferred: 400 } })
    port.downloads[0]!.resolve()
    expect((await checking).update).toEqual({ state: 'downloaded', version: '1.1.0', releaseNotes: '- faster' })
    expect(changes.map((change) => change.update.state)).toEqual(['checking', 'available', 'downloading', 'downloading', 'downloaded'])
  })

  it('waits for the user to download when autoDownload is off', async () => {
    const port = fakePort()
    const { service } = setup({ port })
    service.start()
    await expect(service.download()).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringMatching(/check for updates first/) })
    const checking = service.check()
    port.checks[0]!.resolve(release)
    expect((await checking).update.state).toBe('available')
    expect(port.downloads).toHaveLength(0)
    const downloading = service.download()
    expect((await service.download()).update.state).toBe('downloading') // a second click joins, no second download
    port.downloads[0]!.resolve()
    expect((await downloading).update.state).toBe('downloaded')
    expect(port.downloads).toHaveLength(1)
    expect(await service.check()).toMatchObject({ update: { state: 'downloaded' } })
    expect(port.checks).toHaveLength(1) // a ready update is not checked over
  })

  it('never installs while a reply is streaming, and installs once it ends', async () => {
    const port = fakePort()
    const { service, timers, state, changes } = setup({ port, settings: { autoDownload: true } })
    service.start()
    expect(() => service.install()).toThrow(/No update has been downloaded/)
    const checking = service.check()
    port.checks[0]!.resolve(release)
    await flush()
    port.downloads[0]!.resolve()
    await checking

    state.replies = 1
    timers.fire(5) // the watch notices the reply and tells the window
    expect(changes.at(-1)).toMatchObject({ installBlockedBy: REPLY_STREAMING, installPending: false })
    expect(service.install()).toMatchObject({ installPending: true, installBlockedBy: REPLY_STREAMING })
    timers.fire(5)
    timers.fire(5)
    expect(port.installs).toBe(0)

    state.replies = 0
    timers.fire(5)
    expect(port.installs).toBe(1)
    expect(changes.at(-1)).toMatchObject({ installPending: false, installBlockedBy: null })
    expect(timers.delays()).not.toContain(5)
  })

  it('installs at once on the click when nothing streams', async () => {
    const { port, service } = await downloaded()
    expect(service.install()).toMatchObject({ installPending: false })
    expect(port.installs).toBe(1)
  })

  it('a failed check or download is an error state with a clear message, never a throw', async () => {
    const port = fakePort()
    const { service } = setup({ port, settings: { autoDownload: true } })
    service.start()
    const first = service.check()
    port.checks[0]!.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))
    expect((await first).update).toEqual({ state: 'error', code: 'ECONNREFUSED', message: 'Could not reach the update server (ECONNREFUSED). Check the connection and try again.' })

    const second = service.check()
    port.checks[1]!.resolve(release)
    await flush()
    port.downloads[0]!.reject(Object.assign(new Error('sha512 checksum mismatch'), { code: 'ERR_CHECKSUM_MISMATCH' }))
    expect((await second).update).toMatchObject({ state: 'error', code: 'ERR_CHECKSUM_MISMATCH' })
    expect(() => service.install()).toThrow(/No update has been downloaded/)
  })

  it('a second check while one runs waits for it instead of asking again', async () => {
    const port = fakePort()
    const { service } = setup({ port })
    service.start()
    const first = service.check()
    const second = service.check()
    port.checks[0]!.resolve(null)
    await Promise.all([first, second])
    expect(port.checks).toHaveLength(1)
    expect((await second).update.state).toBe('idle')
  })

  it('switching channel forgets what the old channel offered and checks the new one', async () => {
    const port = fakePort()
    const { service, timers, change } = setup({ port })
    service.start()
    const checking = service.check()
    port.checks[0]!.resolve(release)
    await checking
    change({ channel: 'beta' })
    expect(port.channels).toEqual(['latest', 'beta'])
    expect(service.status()).toMatchObject({ channel: 'beta', update: { state: 'idle' } })
    await expect(service.download()).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    timers.fire(0)
    expect(port.checks).toHaveLength(2)
  })

  it('keeps a downloaded update when the channel changes (it still installs on quit)', async () => {
    const { change, changes } = await downloaded()
    change({ channel: 'beta' })
    expect(changes.at(-1)).toMatchObject({ channel: 'beta', update: { state: 'downloaded', version: '1.1.0' } })
  })

  it('reports an updater error that comes outside a check or download (install on quit)', () => {
    const port = fakePort()
    const { service } = setup({ port })
    service.start()
    port.emit({ type: 'error', error: new Error('No update filepath provided') })
    expect(service.status().update).toEqual({ state: 'error', code: null, message: 'The update failed: No update filepath provided' })
    service.close()
    expect(port.listeners()).toBe(0)
  })

  it('a periodic check that fails leaves an error state and keeps the schedule', async () => {
    const port = fakePort()
    const { service, timers } = setup({ port })
    service.start()
    timers.fire(10)
    port.checks[0]!.reject(new Error('boom'))
    await flush()
    expect(service.status().update).toMatchObject({ state: 'error', message: 'The update failed: boom' })
    expect(timers.delays()).toEqual([CHECK_INTERVAL_MS])
  })
})

describe('describeUpdateFailure', () => {
  it('words electron-updater and network errors for the user', () => {
    expect(describeUpdateFailure(Object.assign(new Error('Cannot find channel "beta-linux.yml" update info: HttpError: 404'), { code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' })).message).toBe(
      'The update server has no beta-linux.yml for this channel (HTTP 404).',
    )
    expect(describeUpdateFailure(Object.assign(new Error('odd'), { code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' })).message).toBe('The update server has no feed file for this channel (HTTP 404).')
    expect(describeUpdateFailure(Object.assign(new Error('No files provided'), { code: 'ERR_UPDATER_NO_FILES_PROVIDED' })).message).toBe('The update feed is malformed: No files provided')
    expect(describeUpdateFailure(new Error('HttpError: 503 Service Unavailable\n  at stack'))).toEqual({ code: null, message: 'The update server answered HTTP 503.' })
    expect(describeUpdateFailure(Object.assign(new Error('New version 1.1.0 is not signed by the application owner'), { code: 'ERR_UPDATER_INVALID_SIGNATURE' })).message).toMatch(/not signed by the expected publisher/)
    expect(describeUpdateFailure('plain words')).toEqual({ code: null, message: 'The update failed: plain words' })
    expect(describeUpdateFailure(undefined)).toEqual({ code: null, message: 'The update failed: unknown error' })
    expect(describeUpdateFailure({ code: 42 })).toEqual({ code: null, message: 'The update failed: unknown error' })
  })
})
