import { AppError } from '../errors'
import { linuxStrategy } from './linux'
import { macosStrategy } from './macos'
import type { InstallerEnv, InstallStrategy, Platform } from './types'
import { windowsStrategy } from './windows'

/** One strategy per system; others can register more. */
const strategies: Partial<Record<Platform, (env: InstallerEnv) => InstallStrategy>> = { linux: linuxStrategy, darwin: macosStrategy, win32: windowsStrategy }

export function registerStrategy(platform: Platform, make: (env: InstallerEnv) => InstallStrategy): void {
  strategies[platform] = make
}

export function strategyFor(env: InstallerEnv): InstallStrategy {
  const make = strategies[env.platform]
  if (!make) {
    throw new AppError('E_UNSUPPORTED', `Installing Ollama on ${env.platform} is not supported yet.`, {
      hint: 'Install it from ollama.com, then Ollama Desk finds it.',
    })
  }
  return make(env)
}
