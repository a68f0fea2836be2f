import path from 'node:path'
import { linuxPaths } from './linux-service'
import { checkHost, type HostCheck } from './service'
import type { InstallerEnv } from './types'

export interface FoundInstall {
  path: string
  kind: 'ours' | 'user' | 'system' | 'app' | 'brew'
  version?: string
}

export interface Detection {
  platform: string
  arch: string
  host: HostCheck
  installs: FoundInstall[]
  /** Installed by Ollama Desk (so start/stop/uninstall apply). */
  managed: boolean
}

/** Where each OS's installers put Ollama, most specific first. */
export function candidatePaths(env: InstallerEnv): Omit<FoundInstall, 'version'>[] {
  const sys = (p: string) => (env.root ? path.join(env.root, p) : p)
  if (env.platform === 'darwin') {
    return [
      { path: sys('/Applications/Ollama.app'), kind: 'app' },
      { path: path.join(env.home, 'Applications/Ollama.app'), kind: 'app' },
      { path: sys('/opt/homebrew/bin/ollama'), kind: 'brew' },
      { path: sys('/usr/local/bin/ollama'), kind: 'brew' },
    ]
  }
  if (env.platform === 'win32') {
    const local = env.env.LOCALAPPDATA ?? path.win32.join(env.home, 'AppData', 'Local')
    return [{ path: path.win32.join(local, 'Programs', 'Ollama', 'ollama.exe'), kind: 'user' }]
  }
  return [
    { path: linuxPaths(env.home).binary, kind: 'ours' },
    { path: path.join(env.home, '.local/bin/ollama'), kind: 'user' },
    { path: sys('/usr/local/bin/ollama'), kind: 'system' },
    { path: sys('/usr/bin/ollama'), kind: 'system' },
  ]
}

/** `ollama version is 0.12.0` / `Warning: client version is 0.12.0` → `0.12.0`. */
export function parseVersion(output: string): string | undefined {
  return /(\d+\.\d+\.\d+[\w.+-]*)/.exec(output)?.[1]
}

function executableOf(install: Omit<FoundInstall, 'version'>): string {
  return install.kind === 'app' ? path.join(install.path, 'Contents/Resources/ollama') : install.path
}

/** What is there: Ollama answering at `host`, installs in the usual places and their versions. */
export async function detectOllama(env: InstallerEnv, host: string, signal?: AbortSignal): Promise<Detection> {
  const installs: FoundInstall[] = []
  const seen = new Set<string>()
  for (const candidate of candidatePaths(env)) {
    if (!(await env.fs.exists(candidate.path))) continue
    const target = (await env.fs.readlink(candidate.path)) ?? candidate.path
    if (seen.has(target)) continue
    seen.add(target)
    const result = await env.runner.run(executableOf(candidate), ['--version'], { timeoutMs: 5000 })
    const version = result.code === 0 ? parseVersion(result.stdout + result.stderr) : undefined
    installs.push({ ...candidate, ...(version ? { version } : {}) })
  }
  return {
    platform: env.platform,
    arch: env.arch,
    host: await checkHost(env, host, signal),
    installs,
    managed: installs.some((install) => install.kind === 'ours'),
  }
}
