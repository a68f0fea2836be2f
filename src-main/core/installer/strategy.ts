import { AppError } from '../errors'
import { installLinux, ourLinuxBinary, setAutoStartLinux, startLinux, stopLinux, uninstallLinux, type InstallOptions, type StartOptions } from './linux'
import { installLinuxSystem, uninstallLinuxSystem } from './linux-system'
import { macosStrategy } from './macos'
import type { InstallerEnv, Platform } from './types'
import { windowsStrategy } from './windows'

/**
 * One way to install and run Ollama on one OS. The app, the CLI and the onboarding wizard only
 * ever talk to this interface; `strategyFor` picks the implementation for the machine.
 */
export interface InstallStrategy {
  readonly platform: Platform
  /** What the user can choose between, e.g. per-user vs system-wide, Homebrew, winget. */
  readonly methods: readonly string[]
  /** `force`: reinstall even when Ollama already answers at the host (macOS/Windows skip otherwise). */
  install(options: InstallOptions & { method?: string; force?: boolean }): Promise<{ version: string; binary: string; service: string }>
  start(options: StartOptions): Promise<{ service: string; version: string }>
  stop(): Promise<{ stopped: string[] }>
  uninstall(): Promise<{ removed: string[] }>
  /** Whether Ollama Desk installed the Ollama here (only then may it start it on its own). */
  owned(): Promise<boolean>
  /** Start on login on or off; `supported: false` with the reason where the OS's own switch applies. */
  setAutoStart(enabled: boolean): Promise<AutoStartResult>
}

export interface AutoStartResult {
  supported: boolean
  detail: string
}

export function linuxStrategy(env: InstallerEnv): InstallStrategy {
  return {
    platform: 'linux',
    methods: ['per-user', 'system-wide'],
    install: (options) => (options.method === 'system-wide' ? installLinuxSystem(env, options) : installLinux(env, options)),
    start: (options) => startLinux(env, options),
    stop: () => stopLinux(env),
    async uninstall() {
      const user = await uninstallLinux(env)
      const system = await uninstallLinuxSystem(env)
      return { removed: [...user.removed, ...system.removed] }
    },
    owned: async () => (await ourLinuxBinary(env)) !== undefined,
    setAutoStart: (enabled) => setAutoStartLinux(env, enabled),
  }
}

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
