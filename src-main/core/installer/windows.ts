import path from 'node:path'
import { AppError } from '../errors'
import { normalizeOllamaHost } from '../ollama'
import { downloadVerified } from './download'
import { withRollback } from './rollback'
import { checkHost, detectPhase, keepRunningInstall, portConflictError, removeIfPresent, throwIfCancelled, waitHealthy } from './service'
import { readMarker, writeMarker, type InstallerEnv, type InstallStrategy, type StartOptions, type StrategyInstallOptions } from './types'

// Native Ollama for Windows needs no WSL2: OllamaSetup.exe installs a Windows build per user.

export const WIN_SETUP = 'OllamaSetup.exe'
export const WINGET_ID = 'Ollama.Ollama'
export const SETUP_ARGS = ['/VERYSILENT', '/NORESTART', '/SUPPRESSMSGBOXES']
export const WINGET_INSTALL_ARGS = ['install', '--id', WINGET_ID, '-e', '--silent', '--accept-package-agreements', '--accept-source-agreements']
export const WINGET_UNINSTALL_ARGS = ['uninstall', '--id', WINGET_ID, '-e', '--silent']

const win = path.win32

export interface WindowsPaths {
  localAppData: string
  /** `%LOCALAPPDATA%\Programs\Ollama`, where OllamaSetup.exe installs per user. */
  installDir: string
  binary: string
  trayApp: string
  /** Inno Setup's uninstaller. */
  uninstaller: string
  dataRoot: string
  downloads: string
  marker: string
  pidFile: string
  logFile: string
}

export function windowsPaths(env: InstallerEnv): WindowsPaths {
  const localAppData = env.env.LOCALAPPDATA || win.join(env.home, 'AppData', 'Local')
  const installDir = win.join(localAppData, 'Programs', 'Ollama')
  const dataRoot = win.join(localAppData, 'ollama-desk')
  return {
    localAppData,
    installDir,
    binary: win.join(installDir, 'ollama.exe'),
    trayApp: win.join(installDir, 'ollama app.exe'),
    uninstaller: win.join(installDir, 'unins000.exe'),
    dataRoot,
    downloads: win.join(dataRoot, 'downloads'),
    marker: win.join(dataRoot, 'installed-ollama.json'),
    pidFile: win.join(dataRoot, 'ollama-serve.pid'),
    logFile: win.join(dataRoot, 'ollama-serve.log'),
  }
}

const LOG_HINT = 'OllamaSetup.exe writes "Setup Log <date> #<n>.txt" to %TEMP%; its last lines say what went wrong. Inno Setup rolls a failed install back.'

async function wingetAvailable(env: InstallerEnv): Promise<boolean> {
  return (await env.runner.run('winget', ['--version'], { timeoutMs: 15_000 })).code === 0
}

/** Starts the tray app (`ollama app.exe`) when present, else `ollama.exe serve`, then waits for it. */
export async function startWindows(env: InstallerEnv, options: StartOptions): Promise<{ service: string; version: string }> {
  const paths = windowsPaths(env)
  const hostCheck = await checkHost(env, options.host, options.signal)
  if (hostCheck.reachable) return { service: 'already-running', version: hostCheck.version ?? '' }
  if (hostCheck.conflict) throw portConflictError(hostCheck)
  const tray = await env.fs.exists(paths.trayApp)
  if (!tray && !(await env.fs.exists(paths.binary))) {
    throw new AppError('E_NOT_FOUND', `Ollama is not installed (${paths.binary} is missing).`, { hint: 'Run `ollama-desk ollama install` first.' })
  }
  throwIfCancelled(options.signal)
  options.onEvent?.({ type: 'phase', phase: 'start' })
  await env.fs.mkdir(paths.dataRoot)
  const hostPort = new URL(normalizeOllamaHost(options.host)).host
  const command = tray ? paths.trayApp : paths.binary
  const args = tray ? [] : ['serve']
  const pid = await env.runner.spawnDetached(command, args, { env: { ...env.env, OLLAMA_HOST: hostPort }, logFile: paths.logFile })
  await env.fs.writeFile(paths.pidFile, `${pid}\n`)
  const version = await waitHealthy(env, options.host, {
    ...(options.healthTimeoutMs !== undefined ? { timeoutMs: options.healthTimeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    tried: [`${[command, ...args].join(' ')} (pid ${pid}, log ${paths.logFile})`],
    logFile: paths.logFile,
  })
  return { service: tray ? 'app' : 'process', version }
}

/** `taskkill` the tray app first (it would restart the server), then the server. */
export async function stopWindows(env: InstallerEnv): Promise<{ stopped: string[] }> {
  const paths = windowsPaths(env)
  const stopped: string[] = []
  for (const image of ['ollama app.exe', 'ollama.exe']) {
    const result = await env.runner.run('taskkill', ['/IM', image, '/F'], { timeoutMs: 15_000 })
    if (result.code === 0) stopped.push(image)
  }
  await env.fs.rm(paths.pidFile)
  return { stopped }
}

/** Uninstalls only what we installed: Inno Setup's uninstaller, or winget for a winget install. */
export async function uninstallWindows(env: InstallerEnv): Promise<{ removed: string[] }> {
  const paths = windowsPaths(env)
  const marker = await readMarker(env, paths.marker)
  const removed: string[] = []
  if (!marker) return { removed }
  await stopWindows(env)
  if (marker.method === 'winget') {
    const result = await env.runner.run('winget', WINGET_UNINSTALL_ARGS, { timeoutMs: 600_000 })
    if (result.code !== 0) throw new AppError('E_IO', `winget uninstall failed (exit code ${result.code}).`, { hint: 'Run `winget uninstall --id Ollama.Ollama -e` in a terminal to see why.' })
    removed.push(`winget ${WINGET_ID}`)
  } else if (await env.fs.exists(paths.uninstaller)) {
    const result = await env.runner.run(paths.uninstaller, ['/VERYSILENT', '/NORESTART'], { timeoutMs: 600_000 })
    if (result.code !== 0) throw new AppError('E_IO', `The Ollama uninstaller failed (exit code ${result.code}).`, { hint: 'Uninstall Ollama from Settings → Apps instead.' })
    removed.push(paths.installDir)
  }
  removed.push(...(await removeIfPresent(env.fs, [paths.downloads, paths.logFile, paths.marker])))
  return { removed }
}

/**
 * What Ollama's own Windows install does: download and verify `OllamaSetup.exe` and run it silently
 * per user (Inno Setup, rolls itself back on failure), or winget when asked and present; then start
 * and health-check. A failure after the installer ran (cancel, no answer) uninstalls what it put there.
 */
export async function installWindows(env: InstallerEnv, options: StrategyInstallOptions): Promise<{ version: string; binary: string; service: string }> {
  const paths = windowsPaths(env)
  const emit = options.onEvent ?? (() => undefined)
  const hostCheck = await detectPhase(env, { ...options, onEvent: emit })
  if (keepRunningInstall(hostCheck, { ...options, onEvent: emit })) {
    return { version: hostCheck.version ?? '', binary: paths.binary, service: 'already-running' }
  }
  const hadInstall = await env.fs.exists(paths.binary)
  const previousMarker = await env.fs.readFile(paths.marker).catch(() => undefined)
  return withRollback(env, paths.downloads, async (rollback) => {
    await env.fs.mkdir(paths.dataRoot)
    let method = 'installer'
    if (options.method === 'winget') {
      if (await wingetAvailable(env)) method = 'winget'
      else emit({ type: 'log', message: 'winget is not available (`winget --version` failed); running OllamaSetup.exe' })
    }
    if (method === 'winget') {
      emit({ type: 'phase', phase: 'install', detail: `winget install --id ${WINGET_ID}` })
      const result = await env.runner.run('winget', WINGET_INSTALL_ARGS, { timeoutMs: 1_800_000 })
      if (result.code !== 0) throw new AppError('E_IO', `winget install failed (exit code ${result.code}).`, { hint: 'Run `winget install --id Ollama.Ollama -e` in a terminal to see why, or choose the installer.' })
      if (!hadInstall) rollback.onFailure(() => env.runner.run('winget', WINGET_UNINSTALL_ARGS, { timeoutMs: 600_000 }))
    } else {
      const setup = win.normalize(await downloadVerified(env, { baseUrl: options.baseUrl, fileName: WIN_SETUP, dir: paths.downloads, ...(options.signal ? { signal: options.signal } : {}), onEvent: emit }))
      rollback.removeAtEnd(setup)
      throwIfCancelled(options.signal)
      emit({ type: 'phase', phase: 'install', detail: paths.installDir })
      const result = await env.runner.run(setup, SETUP_ARGS, { timeoutMs: 1_800_000 })
      if (result.code !== 0) throw new AppError('E_IO', `OllamaSetup.exe failed (exit code ${result.code}).`, { retryable: true, hint: LOG_HINT })
      if (!hadInstall) rollback.onFailure(() => env.runner.run(paths.uninstaller, ['/VERYSILENT', '/NORESTART'], { timeoutMs: 600_000 }))
    }
    if (!(await env.fs.exists(paths.binary))) {
      throw new AppError('E_IO', `The installer finished but ${paths.binary} is not there.`, { hint: LOG_HINT })
    }
    await writeMarker(env, paths.marker, { method, path: paths.installDir })
    rollback.onFailure(() => (previousMarker ? env.fs.writeFile(paths.marker, previousMarker) : env.fs.rm(paths.marker)))
    throwIfCancelled(options.signal)
    let service = 'not started'
    let version = ''
    if (options.start !== false) {
      rollback.onFailure(() => stopWindows(env))
      const started = await startWindows(env, options)
      service = started.service
      version = started.version
    }
    return { version, binary: paths.binary, service }
  })
}

export function windowsStrategy(env: InstallerEnv): InstallStrategy {
  return {
    platform: 'win32',
    methods: ['installer', 'winget'],
    install: (options) => installWindows(env, options),
    start: (options) => startWindows(env, options),
    stop: () => stopWindows(env),
    uninstall: () => uninstallWindows(env),
    owned: async () => {
      const marker = await readMarker(env, windowsPaths(env).marker)
      return marker !== undefined && (await env.fs.exists(marker.path))
    },
    setAutoStart: async () => ({
      supported: false,
      detail: 'Ollama for Windows adds its own Startup shortcut; turn it off in Settings → Apps → Startup.',
    }),
  }
}
