import fs from 'node:fs'
import path from 'node:path'
import type { SecretScrubber } from '../log'
import type { SecretNameSource, SecretStore } from '../secrets'

export interface SecretScannerDeps {
  dataDir: string
  secrets: Pick<SecretStore, 'get'>
  scrubber: Pick<SecretScrubber, 'register'>
  /** The config files that name secrets, one per capability that keeps some (see app/known-secrets.ts). */
  sources: readonly SecretNameSource[]
}

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

/**
 * Registers every stored secret the sources' config files name with the scrubber, so no log
 * line, echo or bundle can carry them. Re-reads only when one of those files changed since the
 * last look. Which files and names is the capabilities' business: they declare a SecretNameSource.
 */
export class SecretScanner {
  private seen = ''

  constructor(private readonly deps: SecretScannerDeps) {}

  refresh(): void {
    const files = this.deps.sources.map((source) => path.join(this.deps.dataDir, source.file))
    const stamp = files.map((file) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0).join(':')
    if (stamp === this.seen) return
    this.seen = stamp
    const names = this.deps.sources.flatMap((source, i) => source.names(readJson(files[i]!)))
    for (const name of names) {
      try {
        const value = this.deps.secrets.get(name)
        if (value) this.deps.scrubber.register(value)
      } catch {
        // An unreadable secret store is reported by the checks; the scrubber's key shapes still apply.
      }
    }
  }
}
