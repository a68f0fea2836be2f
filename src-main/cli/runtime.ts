import os from 'node:os'
import { createCore, type Core } from '../core/app'
import { resolveDataDir } from '../core/paths'
import { APP_VERSION } from './version'

/** Builds the core for CLI commands: same data dir rules and logs as the desktop app. */
export function openCore(values: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>, mode: 'web' = 'web'): Core {
  const dataDir = resolveDataDir({
    override: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
    env,
    platform: process.platform,
    home: os.homedir(),
  })
  return createCore({
    dataDir: dataDir.root,
    mode,
    version: APP_VERSION,
    env,
    logEcho: values.verbose === true,
  })
}
