import type { UpdateChannel, UpdateProgress } from '../../../src-shared/contract'

/** What a feed says about the newest version of a channel. */
export interface UpdateInfo {
  version: string
  /** Plain text or simple markdown; null when the release has none. */
  releaseNotes: string | null
  releaseDate: string | null
}

export type UpdaterEvent = { type: 'progress'; progress: UpdateProgress } | { type: 'error'; error: unknown }

/**
 * The updater as the core drives it. The desktop app backs it with electron-updater (see
 * src-main/electron/updater.ts); tests back it with a fake or with the real library against a
 * loopback feed.
 */
export interface UpdaterPort {
  /** False for a development run: nothing may touch the network then. */
  readonly packaged: boolean
  configure(options: { channel: UpdateChannel }): void
  /** Resolves with the newer version the channel offers, or null when there is none. */
  check(): Promise<UpdateInfo | null>
  /** Downloads the offered update and verifies its checksum; rejects when it does not match. */
  download(): Promise<void>
  /** Quits the app and runs the installer of the downloaded update. */
  quitAndInstall(): void
  on(listener: (event: UpdaterEvent) => void): () => void
}
