import path from 'node:path'
import { watch, type FSWatcher } from 'chokidar'

/** How long a folder must stay quiet after a change before it is synced (a save often writes several times). */
export const WATCH_SETTLE_MS = 300

/**
 * Watches a base's folders (chokidar: native events, polling where those do not work, e.g. network
 * drives) and calls `changed` once things settle after files are added, changed or removed.
 * Hidden files and folders are ignored, as the sync ignores them.
 */
export class SourceWatcher {
  private readonly watcher: FSWatcher
  private timer: ReturnType<typeof setTimeout> | undefined
  readonly ready: Promise<void>

  constructor(folders: readonly string[], changed: () => void, options: { polling?: boolean } = {}) {
    this.watcher = watch([...folders], {
      ignoreInitial: true,
      ignored: (file) => path.basename(file).startsWith('.') || path.basename(file) === 'node_modules',
      usePolling: options.polling ?? false,
      awaitWriteFinish: { stabilityThreshold: WATCH_SETTLE_MS, pollInterval: 50 },
    })
    this.ready = new Promise((resolve) => this.watcher.once('ready', () => resolve()))
    const schedule = (): void => {
      clearTimeout(this.timer)
      this.timer = setTimeout(changed, WATCH_SETTLE_MS)
    }
    for (const event of ['add', 'change', 'unlink', 'unlinkDir'] as const) this.watcher.on(event, schedule)
  }

  async close(): Promise<void> {
    clearTimeout(this.timer)
    await this.watcher.close()
  }
}
