import type { Logger } from 'pino'
import type { UpdateState, UpdateStatus, UpdatesSettings } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { describeUpdateFailure } from './errors'
import type { UpdateInfo, UpdaterPort } from './port'

export interface UpdateTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface UpdateServiceDeps {
  /** The updater; without one (web companion, CLI) updates are off for `unavailableReason`. */
  port: UpdaterPort | null
  unavailableReason?: string
  currentVersion: string
  settings(): UpdatesSettings
  onSettingsChange(listener: (next: UpdatesSettings) => void): () => void
  /** Chat replies streaming right now: the app never restarts under one. */
  activeReplies(): number
  changed(status: UpdateStatus): void
  timers: UpdateTimers
  now(): number
  log?: Pick<Logger, 'info' | 'warn'>
  /** First automatic check after start, and the interval after it (ms). */
  firstCheckDelayMs?: number
  checkIntervalMs?: number
  /** How often a waiting install (and the "a reply is streaming" notice) looks again (ms). */
  idlePollMs?: number
}

export const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000
const FIRST_CHECK_DELAY_MS = 30_000
const IDLE_POLL_MS = 2_000
export const REPLY_STREAMING = 'A chat reply is streaming; the app restarts once it has finished.'
export const NOT_PACKAGED = 'Updates are off in a development build (the app is not packaged).'
export const HANDLED_BY_DESKTOP = 'Updates are handled by the desktop app.'

/**
 * The update policy: when to check, whether to download, and when a restart is allowed. It
 * drives an UpdaterPort and reports every change as an UpdateStatus.
 */
export class UpdateService {
  private state: UpdateState
  private lastCheckedAt: number | null = null
  private installPending = false
  private offered: UpdateInfo | null = null
  private busy: Promise<unknown> | null = null
  private checkTimer: unknown = null
  private pollTimer: unknown = null
  private lastBlocked: string | null = null
  private readonly unsubscribes: (() => void)[] = []
  private channel: UpdatesSettings['channel']

  constructor(private readonly deps: UpdateServiceDeps) {
    const settings = deps.settings()
    this.channel = settings.channel
    const reason = !deps.port ? (deps.unavailableReason ?? HANDLED_BY_DESKTOP) : deps.port.packaged ? null : NOT_PACKAGED
    this.state = reason ? { state: 'disabled', reason } : { state: 'idle' }
  }

  private get port(): UpdaterPort | null {
    return this.state.state === 'disabled' ? null : this.deps.port
  }

  /** Starts the automatic checks (when enabled) and follows settings changes. */
  start(): void {
    const port = this.port
    if (!port) return
    port.configure({ channel: this.channel })
    this.unsubscribes.push(
      port.on((event) => {
        if (event.type === 'progress' && this.state.state === 'downloading') this.set({ ...this.state, progress: event.progress })
        // Errors of a check or download reach us through their promise; this is the rest (e.g. install on quit).
        if (event.type === 'error' && !this.busy) this.fail(event.error)
      }),
      this.deps.onSettingsChange((next) => this.settingsChanged(next)),
    )
    if (this.deps.settings().enabled) this.scheduleCheck(this.deps.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS)
  }

  status(): UpdateStatus {
    return {
      currentVersion: this.deps.currentVersion,
      channel: this.channel,
      update: this.state,
      lastCheckedAt: this.lastCheckedAt,
      installBlockedBy: this.blockedBy(),
      installPending: this.installPending,
    }
  }

  /** Asks the feed of the current channel; a found update downloads at once when autoDownload is on. */
  async check(): Promise<UpdateStatus> {
    const port = this.requirePort()
    if (this.busy) {
      await this.busy.catch(() => undefined)
      return this.status()
    }
    // A downloaded update stays ready: a re-check would only offer the same version again.
    if (this.state.state === 'downloaded') return this.status()
    this.set({ state: 'checking' })
    const checked = await this.run(port.check())
    this.lastCheckedAt = this.deps.now()
    if (!checked.ok) return this.status()
    const found = checked.value
    this.offered = found
    if (!found) {
      this.set({ state: 'idle' })
      return this.status()
    }
    this.deps.log?.info({ version: found.version, channel: this.channel }, 'update available')
    this.set({ state: 'available', version: found.version, releaseNotes: found.releaseNotes, releaseDate: found.releaseDate })
    if (this.deps.settings().autoDownload) return this.download()
    return this.status()
  }

  /** Downloads the offered update in the background; progress arrives as `updates.changed`. */
  async download(): Promise<UpdateStatus> {
    const port = this.requirePort()
    const offered = this.offered
    if (this.state.state === 'downloading' || this.state.state === 'downloaded') return this.status()
    if (!offered || this.state.state !== 'available') throw new AppError('E_NOT_FOUND', 'There is no update to download; check for updates first.')
    this.set({ state: 'downloading', version: offered.version, releaseNotes: offered.releaseNotes, progress: { percent: 0, transferred: 0, total: 0, bytesPerSecond: 0 } })
    if (!(await this.run(port.download())).ok) return this.status()
    this.set({ state: 'downloaded', version: offered.version, releaseNotes: offered.releaseNotes })
    this.pollBlocked()
    return this.status()
  }

  /** The user's "Restart to update": now when no reply streams, else as soon as the last one ends. */
  install(): UpdateStatus {
    const port = this.requirePort()
    if (this.state.state !== 'downloaded') throw new AppError('E_NOT_FOUND', 'No update has been downloaded yet.')
    this.installPending = true
    this.tryInstall(port)
    return this.status()
  }

  close(): void {
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe())
    this.clearTimer('checkTimer')
    this.clearTimer('pollTimer')
  }

  private tryInstall(port: UpdaterPort): void {
    if (this.blockedBy()) {
      this.deps.log?.info('install waits for the streaming reply to finish')
      this.emit()
      return
    }
    this.deps.log?.info({ version: this.offered?.version }, 'restarting to install the update')
    this.clearTimer('pollTimer')
    this.installPending = false
    this.emit()
    port.quitAndInstall()
  }

  /** While an update waits, watch the replies: the UI learns when the restart button frees up. */
  private pollBlocked(): void {
    this.clearTimer('pollTimer')
    this.pollTimer = this.deps.timers.setTimeout(() => {
      this.pollTimer = null
      const port = this.port
      if (this.state.state !== 'downloaded' || !port) return
      if (this.installPending) {
        this.tryInstall(port)
        if (this.installPending) this.pollBlocked()
        return
      }
      if (this.blockedBy() !== this.lastBlocked) this.emit()
      this.pollBlocked()
    }, this.deps.idlePollMs ?? IDLE_POLL_MS)
  }

  private blockedBy(): string | null {
    return this.deps.activeReplies() > 0 ? REPLY_STREAMING : null
  }

  private settingsChanged(next: UpdatesSettings): void {
    const port = this.port
    if (!port) return
    if (next.channel !== this.channel) {
      this.channel = next.channel
      port.configure({ channel: next.channel })
      // What was found belongs to the old channel; a downloaded update stays (it installs on quit).
      if (this.state.state !== 'downloaded' && this.state.state !== 'downloading') {
        this.offered = null
        this.set({ state: 'idle' })
        if (next.enabled) this.scheduleCheck(0)
      } else this.emit()
    }
    if (!next.enabled) this.clearTimer('checkTimer')
    else if (this.checkTimer === null) this.scheduleCheck(this.deps.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS)
  }

  private scheduleCheck(delay: number): void {
    this.clearTimer('checkTimer')
    this.checkTimer = this.deps.timers.setTimeout(() => {
      this.checkTimer = null
      if (!this.deps.settings().enabled) return
      this.scheduleCheck(this.deps.checkIntervalMs ?? CHECK_INTERVAL_MS)
      void this.check().catch((error: unknown) => this.fail(error))
    }, delay)
  }

  /** Runs one port call; a failure becomes the `error` state and `{ ok: false }`, never a throw. */
  private async run<T>(work: Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    const guarded = work.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => {
        this.fail(error)
        return { ok: false as const }
      },
    )
    this.busy = guarded
    try {
      return await guarded
    } finally {
      this.busy = null
    }
  }

  private fail(error: unknown): void {
    const failure = describeUpdateFailure(error)
    this.deps.log?.warn({ code: failure.code, err: error }, 'update failed')
    this.installPending = false
    this.set({ state: 'error', message: failure.message, code: failure.code })
  }

  private requirePort(): UpdaterPort {
    const port = this.port
    if (!port) throw new AppError('E_UNSUPPORTED', this.state.state === 'disabled' ? this.state.reason : HANDLED_BY_DESKTOP)
    return port
  }

  private clearTimer(which: 'checkTimer' | 'pollTimer'): void {
    if (this[which] !== null) this.deps.timers.clearTimeout(this[which])
    this[which] = null
  }

  private set(state: UpdateState): void {
    this.state = state
    this.emit()
  }

  private emit(): void {
    const status = this.status()
    this.lastBlocked = status.installBlockedBy
    this.deps.changed(status)
  }
}
