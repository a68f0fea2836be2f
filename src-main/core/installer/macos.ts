import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { AppError } from '../errors'
import { downloadVerified } from './download'
import { withRollback, type Rollback } from './rollback'
import { checkHost, detectPhase, keepRunningInstall, portConflictError, removeIfPresent, throwIfCancelled, waitHealthy } from './service'
import { readMarker, writeMarker, type InstallerEnv, type InstallStrategy, type StartOptions, type StrategyInstallOptions } from './types'

export const MAC_ARCHIVE = 'Ollama-darwin.zip'
export const MAC_APP = 'Ollama.app'
export const BREW_CASK = 'ollama-app'
export const QUIT_SCRIPT = 'tell application "Ollama" to quit'

export interface MacPaths {
  /** `/Applications` under the root prefix: used when writable. */
  systemApps: string
  /** `~/Applications`: the no-admin fallback. */
  userApps: string
  dataRoot: string
  downloads: string
  /** Records what we installed (so uninstall only touches our app). */
  marker: string
  /** Where Ollama.app writes its server log. */
  logFile: string
}

export function macPaths(env: InstallerEnv): MacPaths {
  const dataRoot = path.join(env.home, 'Library/Application Support/ollama-desk')
  return {
    systemApps: env.root ? path.join(env.root, '/Applications') : '/Applications',
    userApps: path.join(env.home, 'Applications'),
    dataRoot,
    downloads: path.join(dataRoot, 'downloads'),
    marker: path.join(dataRoot, 'installed-ollama.json'),
    logFile: path.join(env.home, '.ollama/logs/server.log'),
  }
}

function commandError(what: string, result: { code: number; stderr: string; stdout: string }, hint: string): AppError {
  const output = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n')
  return new AppError('E_IO', `${what} failed (exit code ${result.code})${output ? `: ${output}` : ''}.`, { hint })
}

async function brewAvailable(env: InstallerEnv): Promise<boolean> {
  return (await env.runner.run('brew', ['--version'], { timeoutMs: 10_000 })).code === 0
}

/** The app to start: the one we installed, else Ollama.app in the usual places. */
async function findApp(env: InstallerEnv): Promise<string | undefined> {
  const paths = macPaths(env)
  const marker = await readMarker(env, paths.marker)
  for (const candidate of [marker?.path, path.join(paths.systemApps, MAC_APP), path.join(paths.userApps, MAC_APP)]) {
    if (candidate && (await env.fs.exists(candidate))) return candidate
  }
  return undefined
}

/** Starts Ollama.app hidden (`open -a <app> --args hidden`), then waits for `/api/version`. */
export async function startMac(env: InstallerEnv, options: StartOptions): Promise<{ service: string; version: string }> {
  const paths = macPaths(env)
  const hostCheck = await checkHost(env, options.host, options.signal)
  if (hostCheck.reachable) return { service: 'already-running', version: hostCheck.version ?? '' }
  if (hostCheck.conflict) throw portConflictError(hostCheck)
  const app = await findApp(env)
  if (!app) throw new AppError('E_NOT_FOUND', 'Ollama.app is not installed.', { hint: 'Run `ollama-desk ollama install` first.' })
  throwIfCancelled(options.signal)
  options.onEvent?.({ type: 'phase', phase: 'start', detail: app })
  const opened = await env.runner.run('open', ['-a', app, '--args', 'hidden'])
  if (opened.code !== 0) throw commandError(`open -a ${app}`, opened, 'Open Ollama from the Applications folder once to see what macOS says.')
  const version = await waitHealthy(env, options.host, {
    ...(options.healthTimeoutMs !== undefined ? { timeoutMs: options.healthTimeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    tried: [`open -a ${app} --args hidden (exit ${opened.code})`],
    logFile: paths.logFile,
  })
  return { service: 'app', version }
}

/** Asks Ollama.app to quit (it stops its server with it). */
export async function stopMac(env: InstallerEnv): Promise<{ stopped: string[] }> {
  const result = await env.runner.run('osascript', ['-e', QUIT_SCRIPT], { timeoutMs: 10_000 })
  return { stopped: result.code === 0 ? ['Ollama.app'] : [] }
}

/** Removes only what we installed: our app bundle, or the Homebrew cask through brew itself. */
export async function uninstallMac(env: InstallerEnv): Promise<{ removed: string[] }> {
  const paths = macPaths(env)
  const marker = await readMarker(env, paths.marker)
  const removed: string[] = []
  if (!marker) return { removed }
  await stopMac(env)
  if (marker.method === 'homebrew') {
    const result = await env.runner.run('brew', ['uninstall', '--cask', BREW_CASK], { timeoutMs: 600_000 })
    if (result.code !== 0) throw commandError(`brew uninstall --cask ${BREW_CASK}`, result, 'Run `brew uninstall --cask ollama-app` in a terminal to see why.')
    removed.push(`brew cask ${BREW_CASK}`)
  } else if (path.basename(marker.path) === MAC_APP && (await env.fs.exists(marker.path))) {
    await env.fs.rm(marker.path)
    removed.push(marker.path)
  }
  removed.push(...(await removeIfPresent(env.fs, [paths.downloads, paths.marker])))
  return { removed }
}

/**
 * What Ollama's own macOS install does: download and verify `Ollama-darwin.zip`, unpack with
 * `ditto` next to the target, swap `Ollama.app` into /Applications (or ~/Applications without
 * admin) by rename, clear quarantine, start hidden and health-check. Homebrew when asked and
 * present. Any failure (including cancel) removes the temp folder and puts the previous app back.
 */
export async function installMac(env: InstallerEnv, options: StrategyInstallOptions): Promise<{ version: string; binary: string; service: string }> {
  const paths = macPaths(env)
  const emit = options.onEvent ?? (() => undefined)
  const hostCheck = await detectPhase(env, { ...options, onEvent: emit })
  if (keepRunningInstall(hostCheck, { ...options, onEvent: emit })) {
    return { version: hostCheck.version ?? '', binary: (await findApp(env)) ?? '', service: 'already-running' }
  }
  const id = randomBytes(4).toString('hex')
  return withRollback(env, paths.downloads, async (rollback) => {
    if (options.method === 'homebrew') {
      if (await brewAvailable(env)) return await installBrew(env, options, rollback)
      emit({ type: 'log', message: 'Homebrew is not available (`brew --version` failed); installing the app directly' })
    }
    await env.fs.mkdir(paths.dataRoot)
    const archive = await downloadVerified(env, { baseUrl: options.baseUrl, fileName: MAC_ARCHIVE, dir: paths.downloads, ...(options.signal ? { signal: options.signal } : {}), onEvent: emit })
    rollback.removeAtEnd(archive)
    throwIfCancelled(options.signal)
    emit({ type: 'phase', phase: 'extract' })
    const targetDir = (await env.fs.writable(paths.systemApps)) ? paths.systemApps : paths.userApps
    await env.fs.mkdir(targetDir)
    const temp = path.join(targetDir, `.ollama-desk-new-${id}`)
    rollback.removeAtEnd(temp)
    await env.fs.mkdir(temp)
    const unzip = await env.runner.run('ditto', ['-x', '-k', archive, temp], { timeoutMs: 300_000 })
    if (unzip.code !== 0) throw commandError('Unpacking Ollama-darwin.zip', unzip, 'Try the installation again; the download is verified, so free disk space is the usual cause.')
    const unpacked = path.join(temp, MAC_APP)
    if (!(await env.fs.isDirectory(unpacked))) {
      throw new AppError('E_IO', `${MAC_ARCHIVE} has no ${MAC_APP}.`, { hint: 'The mirror may serve the wrong file; try the default release address.' })
    }
    throwIfCancelled(options.signal)
    const app = path.join(targetDir, MAC_APP)
    emit({ type: 'phase', phase: 'install', detail: app })
    const backup = path.join(targetDir, `.ollama-desk-old-${id}.app`)
    if (await env.fs.exists(app)) {
      await stopMac(env)
      await env.fs.rename(app, backup)
      rollback.onFailure(() => env.fs.rename(backup, app))
    }
    await env.fs.rename(unpacked, app)
    rollback.onFailure(() => env.fs.rm(app))
    const xattr = await env.runner.run('xattr', ['-dr', 'com.apple.quarantine', app])
    if (xattr.code !== 0) emit({ type: 'log', message: `xattr -dr com.apple.quarantine exited ${xattr.code}; macOS may ask before the first start` })
    const previousMarker = await env.fs.readFile(paths.marker).catch(() => undefined)
    await writeMarker(env, paths.marker, { method: 'app', path: app })
    rollback.onFailure(() => (previousMarker ? env.fs.writeFile(paths.marker, previousMarker) : env.fs.rm(paths.marker)))
    throwIfCancelled(options.signal)
    const { service, version } = await startIfAsked(env, options, rollback)
    await env.fs.rm(backup)
    return { version, binary: path.join(app, 'Contents/Resources/ollama'), service }
  })
}

async function installBrew(env: InstallerEnv, options: StrategyInstallOptions, rollback: Rollback): Promise<{ version: string; binary: string; service: string }> {
  const paths = macPaths(env)
  const app = path.join(paths.systemApps, MAC_APP)
  options.onEvent?.({ type: 'phase', phase: 'install', detail: `brew install --cask ${BREW_CASK}` })
  const result = await env.runner.run('brew', ['install', '--cask', BREW_CASK], { timeoutMs: 1_800_000 })
  if (result.code !== 0) throw commandError(`brew install --cask ${BREW_CASK}`, result, 'Run `brew install --cask ollama-app` in a terminal to see why, or choose the direct download.')
  await writeMarker(env, paths.marker, { method: 'homebrew', path: app })
  // The cask stays (brew owns it and it may have been there before); only our record goes.
  rollback.onFailure(() => env.fs.rm(paths.marker))
  throwIfCancelled(options.signal)
  const { service, version } = await startIfAsked(env, options, rollback)
  return { version, binary: path.join(app, 'Contents/Resources/ollama'), service }
}

export function macosStrategy(env: InstallerEnv): InstallStrategy {
  return {
    platform: 'darwin',
    methods: ['app', 'homebrew'],
    install: (options) => installMac(env, options),
    start: (options) => startMac(env, options),
    stop: () => stopMac(env),
    uninstall: () => uninstallMac(env),
    owned: async () => {
      const marker = await readMarker(env, macPaths(env).marker)
      return marker !== undefined && (await env.fs.exists(marker.path))
    },
    setAutoStart: async () => ({
      supported: false,
      detail: 'Ollama.app registers its own login item; turn it off in System Settings → General → Login Items.',
    }),
  }
}

/** Starts the app unless the caller asked for no start; a later failure stops it again. */
async function startIfAsked(env: InstallerEnv, options: StrategyInstallOptions, rollback: Rollback): Promise<{ service: string; version: string }> {
  if (options.start === false) return { service: 'not started', version: '' }
  rollback.onFailure(() => stopMac(env))
  return startMac(env, options)
}
