import path from 'node:path'
import { AppError } from '../errors'
import { normalizeOllamaHost } from '../ollama'
import { checkHost, portConflictError, throwIfCancelled, waitHealthy } from './service'
import { readMarker, type InstallerEnv, type StartOptions } from './types'

// Running the Linux Ollama we installed: where it lives, start and stop, login start.

export const UNIT_NAME = 'ollama-desk-ollama.service'

export interface LinuxPaths {
  dataRoot: string
  installDir: string
  binary: string
  link: string
  unitFile: string
  pidFile: string
  logFile: string
  downloads: string
  /** Records a system-wide (pkexec) install, so start and uninstall know it is ours. */
  systemMarker: string
}

export function linuxPaths(home: string): LinuxPaths {
  const dataRoot = path.join(home, '.local/share/ollama-desk')
  const installDir = path.join(dataRoot, 'ollama')
  return {
    dataRoot,
    installDir,
    binary: path.join(installDir, 'bin/ollama'),
    link: path.join(home, '.local/bin/ollama'),
    unitFile: path.join(home, '.config/systemd/user', UNIT_NAME),
    pidFile: path.join(dataRoot, 'ollama-serve.pid'),
    logFile: path.join(dataRoot, 'ollama-serve.log'),
    downloads: path.join(dataRoot, 'downloads'),
    systemMarker: path.join(dataRoot, 'system-wide.json'),
  }
}

/** The Ollama we installed: the per-user one, else the system-wide one recorded by a pkexec install. */
export async function ourLinuxBinary(env: InstallerEnv): Promise<{ binary: string; systemWide: boolean } | undefined> {
  const paths = linuxPaths(env.home)
  if (await env.fs.exists(paths.binary)) return { binary: paths.binary, systemWide: false }
  const marker = await readMarker(env, paths.systemMarker)
  const binary = marker && path.join(marker.path, 'bin/ollama')
  return binary && (await env.fs.exists(binary)) ? { binary, systemWide: true } : undefined
}

/**
 * Login start on or off: enables or disables our systemd user unit. Without one, Ollama Desk
 * starts its managed process when it opens (when the setting is on), so there is nothing to change.
 */
export async function setAutoStartLinux(env: InstallerEnv, enabled: boolean): Promise<{ supported: boolean; detail: string }> {
  const paths = linuxPaths(env.home)
  if (!(await env.fs.exists(paths.unitFile))) {
    return { supported: true, detail: enabled ? 'Ollama Desk starts its Ollama when it opens.' : 'Ollama Desk no longer starts its Ollama when it opens.' }
  }
  const verb = enabled ? 'enable' : 'disable'
  const result = await env.runner.run('systemctl', ['--user', verb, UNIT_NAME], { timeoutMs: 10_000 })
  if (result.code !== 0) {
    throw new AppError('E_IO', `systemctl --user ${verb} ${UNIT_NAME} failed (exit code ${result.code}).`, { hint: `Run \`systemctl --user ${verb} ${UNIT_NAME}\` in a terminal to see why.` })
  }
  return { supported: true, detail: `systemd user unit ${UNIT_NAME} ${enabled ? 'enabled' : 'disabled'}` }
}

export function unitText(binary: string, hostPort: string): string {
  return `[Unit]
Description=Ollama (installed by Ollama Desk)
After=network-online.target

[Service]
ExecStart=${binary} serve
Environment=OLLAMA_HOST=${hostPort}
Restart=on-failure
RestartSec=3

[Install]
WantedBy=default.target
`
}

async function systemdWorks(env: InstallerEnv): Promise<boolean> {
  return (await env.runner.run('systemctl', ['--user', 'show-environment'], { timeoutMs: 5000 })).code === 0
}

/** Starts the installed Ollama (systemd user unit, else a managed background process) and waits for it. */
export async function startLinux(env: InstallerEnv, options: StartOptions): Promise<{ service: 'systemd' | 'process' | 'already-running'; version: string }> {
  const paths = linuxPaths(env.home)
  const hostCheck = await checkHost(env, options.host, options.signal)
  if (hostCheck.reachable) return { service: 'already-running', version: hostCheck.version ?? '' }
  if (hostCheck.conflict) throw portConflictError(hostCheck)
  const ours = await ourLinuxBinary(env)
  if (!ours) {
    throw new AppError('E_NOT_FOUND', 'Ollama is not installed by Ollama Desk.', { hint: 'Run `ollama-desk ollama install` first.' })
  }
  throwIfCancelled(options.signal)
  options.onEvent?.({ type: 'phase', phase: 'start' })
  const hostPort = new URL(normalizeOllamaHost(options.host)).host
  // A system-wide install runs as our managed process (a system service is out of scope).
  const mode = ours.systemWide ? 'process' : (options.service ?? 'auto')
  const tried: string[] = []
  let service: 'systemd' | 'process' = 'process'
  if (mode === 'systemd' || (mode === 'auto' && (await systemdWorks(env)))) {
    await env.fs.mkdir(path.dirname(paths.unitFile))
    await env.fs.writeFile(paths.unitFile, unitText(ours.binary, hostPort))
    const reload = await env.runner.run('systemctl', ['--user', 'daemon-reload'])
    const enable = await env.runner.run('systemctl', ['--user', 'enable', '--now', UNIT_NAME])
    tried.push(`systemctl --user enable --now ${UNIT_NAME} (exit ${enable.code})`)
    if (reload.code === 0 && enable.code === 0) service = 'systemd'
    else await env.fs.rm(paths.unitFile)
  }
  if (service === 'process') {
    await env.fs.mkdir(paths.dataRoot)
    const pid = await env.runner.spawnDetached(ours.binary, ['serve'], { env: { ...env.env, OLLAMA_HOST: hostPort }, logFile: paths.logFile })
    await env.fs.writeFile(paths.pidFile, `${pid}\n`)
    tried.push(`${ours.binary} serve (pid ${pid}, log ${paths.logFile})`)
  }
  const version = await waitHealthy(env, options.host, {
    ...(options.healthTimeoutMs !== undefined ? { timeoutMs: options.healthTimeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    tried,
    logFile: paths.logFile,
  })
  return { service, version }
}

/** Stops what we started (the unit or the managed process); leaves other Ollamas alone. */
export async function stopLinux(env: InstallerEnv): Promise<{ stopped: string[] }> {
  const paths = linuxPaths(env.home)
  const stopped: string[] = []
  if (await env.fs.exists(paths.unitFile)) {
    const result = await env.runner.run('systemctl', ['--user', 'stop', UNIT_NAME])
    if (result.code === 0) stopped.push(`systemd unit ${UNIT_NAME}`)
  }
  const pid = Number((await env.fs.readFile(paths.pidFile).catch(() => Buffer.from(''))).toString().trim())
  if (Number.isInteger(pid) && pid > 0) {
    if (env.runner.alive(pid)) {
      env.runner.kill(pid, 'SIGTERM')
      for (let i = 0; i < 50 && env.runner.alive(pid); i++) await env.sleep(100)
      if (env.runner.alive(pid)) env.runner.kill(pid, 'SIGKILL')
      stopped.push(`ollama serve (pid ${pid})`)
    }
    await env.fs.rm(paths.pidFile)
  }
  return { stopped }
}

