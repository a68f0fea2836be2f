import os from 'node:os'
import { APP_VERSION, createCore, type Core, type CoreOptions } from '../core/app'
import { resolveDataDir, userHome } from '../core/paths'

let sessionWorker: CoreOptions['sessionWorker']
let voice: CoreOptions['voice']
let knowledgeWorker: CoreOptions['knowledgeWorker']

/** Set once by the process entry (the bundled worker's and speech engine's paths are only known there). */
export function configureRuntime(options: Pick<CoreOptions, 'sessionWorker' | 'voice' | 'knowledgeWorker'>): void {
  sessionWorker = options.sessionWorker
  knowledgeWorker = options.knowledgeWorker
  voice = options.voice
}

/** Builds the core for CLI commands: same data dir rules and logs as the desktop app. */
export function openCore(
  values: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
  { ownsHistory = false }: { ownsHistory?: boolean } = {},
): Core {
  const dataDir = resolveDataDir({
    override: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
    env,
    platform: process.platform,
    home: userHome(process.platform, env, os.homedir()),
  })
  return createCore({
    dataDir: dataDir.root,
    mode: 'web',
    ownsHistory,
    ...(sessionWorker ? { sessionWorker } : {}),
    ...(knowledgeWorker ? { knowledgeWorker } : {}),
    ...(voice ? { voice } : {}),
    version: APP_VERSION,
    env,
    logEcho: values.verbose === true,
    home: userHome(process.platform, env, os.homedir()),
  })
}
