import { createCore, type Core, type CoreOptions } from '../../src-main/core/app'
import { makeTempDir } from './tmp'

export interface TestCore {
  core: Core
  dir: string
  /** Every log line the core wrote, already scrubbed. */
  lines: string[]
}

/** A real core over a temp data dir, logging into memory; no Electron, no network. */
export function createTestCore(options: Partial<CoreOptions> = {}): TestCore {
  const dir = options.dataDir ?? makeTempDir()
  const lines: string[] = []
  const core = createCore({
    dataDir: dir,
    mode: 'web',
    version: '9.9.9-test',
    env: {},
    logSink: { write: (line) => void lines.push(line) },
    locateElectron: () => new Error('not in tests'),
    // Never the real home: ollama-cli discovery reads it.
    home: makeTempDir('ollama-desk-home-'),
    // The provider fakes would answer the title request too; tests of titles turn them on.
    autoTitles: false,
    ...options,
  })
  return { core, dir, lines }
}

/** Re-exported so tests in layers that may not import src-main (the preload's) can reach a real connection. */
export { createConnection } from '../../src-main/core/rpc'
