import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { SessionEngine } from '../engine'

/** A temp folder removed after the test. */
export function useTempDirs(): () => string {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-sessions-'))
    dirs.push(dir)
    return dir
  }
}

/** A clock the test moves by hand; every read advances it 1 ms so times stay distinct. */
export function testClock(start = Date.UTC(2024, 0, 15, 9, 0, 0)) {
  const clock = {
    t: start,
    now: () => clock.t++,
    advance: (ms: number) => void (clock.t += ms),
  }
  return clock
}

/** Engines opened here are closed after the test. */
export function useEngines(tempDir: () => string) {
  const open: SessionEngine[] = []
  afterEach(() => {
    for (const engine of open.splice(0)) engine.close()
  })
  return (options: { dataDir?: string; now?: () => number; backupRetention?: number } = {}) => {
    const engine = SessionEngine.open({ dataDir: options.dataDir ?? tempDir(), now: options.now ?? testClock().now, backupRetention: options.backupRetention })
    open.push(engine)
    return engine
  }
}
