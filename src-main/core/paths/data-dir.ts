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
}

export interface DataDir {
  root: string
  source: 'flag' | 'env' | 'electron' | 'platform'
}

export function resolveDataDir(input: DataDirInput): DataDir {
  const pathApi = input.platform === 'win32' ? path.win32 : path.posix
  if (input.override) return { root: pathApi.resolve(input.override), source: 'flag' }
  const fromEnv = input.env.OLLAMA_DESK_HOME
  if (fromEnv) return { root: pathApi.resolve(fromEnv), source: 'env' }
  if (input.electronUserData) return { root: input.electronUserData, source: 'electron' }
  return { root: pathApi.join(platformAppData(input, pathApi), APP_DIR_NAME), source: 'platform' }
}

function platformAppData(input: DataDirInput, pathApi: path.PlatformPath): string {
  switch (input.platform) {
    case 'win32':
      return input.env.APPDATA ?? pathApi.join(input.home, 'AppData', 'Roaming')
    case 'darwin':
      return pathApi.join(input.home, 'Library', 'Application Support')
    default:
      return input.env.XDG_CONFIG_HOME ?? pathApi.join(input.home, '.config')
  }
}

/** Well-known files inside the data dir, in one place. */
export function dataPaths(root: string) {
  return {
    root,
    settings: path.join(root, 'settings.json'),
    secrets: path.join(root, 'secrets.json'),
    logs: path.join(root, 'logs'),
    logFile: path.join(root, 'logs', 'ollama-desk.log'),
  }
}
export type DataPaths = ReturnType<typeof dataPaths>
