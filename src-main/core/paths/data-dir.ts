import path from 'node:path'

/** Same folder name Electron gives `app.getPath('userData')`, so desktop, CLI and web share one store. */
export const APP_DIR_NAME = 'Ollama Desk'

export interface DataDirInput {
  /** `--data-dir` from the command line: wins over everything. */
  override?: string | undefined
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  home: string
  /** Electron's userData path when running in the desktop app. */
  electronUserData?: string | undefined
  /** What a relative `--data-dir` or OLLAMA_DESK_HOME is taken against; the current folder by default. */
  cwd?: string | undefined
}

export interface DataDir {
  root: string
  source: 'flag' | 'env' | 'electron' | 'platform'
}

/**
 * The user's home folder as the platform names it. On Windows USERPROFILE (HOME there is often
 * Git Bash's `/c/Users/ada`, which Windows paths cannot use), else HOMEDRIVE + HOMEPATH; elsewhere
 * HOME; `fallback` (os.homedir()) when none is set.
 */
export function userHome(platform: NodeJS.Platform, env: Record<string, string | undefined>, fallback: string): string {
  if (platform !== 'win32') return env.HOME || fallback
  if (env.USERPROFILE) return env.USERPROFILE
  return env.HOMEDRIVE && env.HOMEPATH ? path.win32.join(env.HOMEDRIVE, env.HOMEPATH) : fallback
}

/** The path rules of a platform: Windows' (drive letters, UNC shares, either slash) or POSIX's. */
export function pathsOf(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix
}

/**
 * The data folder, by the platform's rules whatever machine this runs on: `platform` picks the
 * path flavour, so Windows' is worked out (and tested) on Linux too. Relative overrides are taken
 * against `cwd`; empty values count as unset.
 */
export function resolveDataDir(input: DataDirInput): DataDir {
  const pathApi = pathsOf(input.platform)
  const absolute = (value: string): string => pathApi.resolve(input.cwd ?? process.cwd(), value)
  if (input.override) return { root: absolute(input.override), source: 'flag' }
  const fromEnv = input.env.OLLAMA_DESK_HOME
  if (fromEnv) return { root: absolute(fromEnv), source: 'env' }
  if (input.electronUserData) return { root: pathApi.normalize(input.electronUserData), source: 'electron' }
  return { root: pathApi.join(platformAppData(input, pathApi), APP_DIR_NAME), source: 'platform' }
}

function platformAppData(input: DataDirInput, pathApi: path.PlatformPath): string {
  switch (input.platform) {
    case 'win32':
      return input.env.APPDATA || pathApi.join(input.home, 'AppData', 'Roaming')
    case 'darwin':
      return pathApi.join(input.home, 'Library', 'Application Support')
    default: {
      // The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored.
      const xdg = input.env.XDG_CONFIG_HOME
      return xdg && pathApi.isAbsolute(xdg) ? xdg : pathApi.join(input.home, '.config')
    }
  }
}

/** Well-known files inside the data dir, in one place (`pathApi`: the platform's path rules, this machine's by default). */
export function dataPaths(root: string, pathApi: path.PlatformPath = path) {
  return {
    root,
    settings: pathApi.join(root, 'settings.json'),
    secrets: pathApi.join(root, 'secrets.json'),
    logs: pathApi.join(root, 'logs'),
    logFile: pathApi.join(root, 'logs', 'ollama-desk.log'),
  }
}
export type DataPaths = ReturnType<typeof dataPaths>
