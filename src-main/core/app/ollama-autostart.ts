import { AppError } from '../errors'
import { checkHost, strategyFor, type InstallerEnv } from '../installer'

export type AutoStartOutcome = 'off' | 'not-owner' | 'unsupported' | 'not-ours' | 'already-running' | 'port-conflict' | 'started' | 'failed'

interface Log {
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
}

/**
 * At app start: starts the Ollama that Ollama Desk installed, when the setting is on and nothing
 * answers at the host. Never touches an Ollama it did not install; never throws.
 */
export async function autoStartOllama(options: { enabled: boolean; env: InstallerEnv; host: string; log: Log; healthTimeoutMs?: number }): Promise<AutoStartOutcome> {
  const { env, host, log } = options
  if (!options.enabled) return 'off'
  try {
    let strategy
    try {
      strategy = strategyFor(env)
    } catch (error) {
      if (error instanceof AppError && error.code === 'E_UNSUPPORTED') return 'unsupported'
      throw error
    }
    if (!(await strategy.owned())) return 'not-ours'
    const status = await checkHost(env, host)
    if (status.reachable) {
      log.info({ host: status.host, version: status.version }, 'ollama already answering; not started')
      return 'already-running'
    }
    if (status.conflict) {
      log.warn({ host: status.host, conflict: status.conflict }, 'ollama not started: the port is taken')
      return 'port-conflict'
    }
    const started = await strategy.start({ host, ...(options.healthTimeoutMs !== undefined ? { healthTimeoutMs: options.healthTimeoutMs } : {}) })
    log.info({ host, service: started.service, version: started.version }, 'started the Ollama that Ollama Desk installed')
    return 'started'
  } catch (error) {
    log.warn({ err: error, host }, 'could not start the Ollama that Ollama Desk installed')
    return 'failed'
  }
}
