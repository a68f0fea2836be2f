import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fetchRelease } from './linux-archive'
import { linuxPaths, ourLinuxBinary, setAutoStartLinux, startLinux, stopLinux, UNIT_NAME } from './linux-service'
import { installLinuxSystem, uninstallLinuxSystem } from './linux-system'
import { withRollback } from './rollback'
import { detectPhase, removeIfPresent, throwIfCancelled } from './service'
import type { InstallerEnv, InstallOptions, InstallStrategy } from './types'

/**
 * Per-user install without root: download and verify the release, unpack into a temp folder next
 * to the install, swap it in, link `~/.local/bin/ollama`, start and health-check. Any failure
 * (including cancel) puts the previous state back.
 */
export async function installLinux(env: InstallerEnv, options: InstallOptions): Promise<{ version: string; binary: string; service: string }> {
  const paths = linuxPaths(env.home)
  const emit = options.onEvent ?? (() => undefined)
  await detectPhase(env, { ...options, onEvent: emit })
  const id = randomBytes(4).toString('hex')
  const temp = path.join(paths.dataRoot, `.ollama-new-${id}`)
  const backup = path.join(paths.dataRoot, `.ollama-old-${id}`)
  return withRollback(env, paths.downloads, async (rollback) => {
    await fetchRelease(env, options, paths, rollback, { into: temp, keepOnSuccess: true })
    emit({ type: 'phase', phase: 'install', detail: paths.installDir })
    if (await env.fs.exists(paths.installDir)) {
      await stopLinux(env)
      await env.fs.rename(paths.installDir, backup)
      rollback.onFailure(() => env.fs.rename(backup, paths.installDir))
    }
    await env.fs.rename(temp, paths.installDir)
    rollback.onFailure(() => env.fs.rm(paths.installDir))
    const previousLink = await env.fs.readlink(paths.link)
    if (previousLink === undefined && (await env.fs.exists(paths.link))) {
      emit({ type: 'log', message: `${paths.link} exists and is not a link; left as it is` })
    } else if (previousLink !== paths.binary) {
      await env.fs.mkdir(path.dirname(paths.link))
      const tempLink = `${paths.link}.ollama-desk-${id}`
      await env.fs.symlink(paths.binary, tempLink)
      rollback.onFailure(() => env.fs.rm(tempLink))
      await env.fs.rename(tempLink, paths.link)
      rollback.onFailure(async () => (await env.fs.rm(paths.link), previousLink ? env.fs.symlink(previousLink, paths.link) : undefined))
    }
    throwIfCancelled(options.signal)
    let service = 'not started'
    let version = ''
    if (options.start !== false) {
      rollback.onFailure(async () => {
        await stopLinux(env)
        if (await env.fs.exists(paths.unitFile)) {
          await env.runner.run('systemctl', ['--user', 'disable', UNIT_NAME])
          await env.fs.rm(paths.unitFile)
        }
      })
      const started = await startLinux(env, options)
      service = started.service
      version = started.version
    }
    await env.fs.rm(backup)
    return { version, binary: paths.binary, service }
  })
}

/** Removes exactly what we installed: the unit, the link (when it is ours), the folder. */
export async function uninstallLinux(env: InstallerEnv): Promise<{ removed: string[] }> {
  const paths = linuxPaths(env.home)
  await stopLinux(env)
  const removed: string[] = []
  if (await env.fs.exists(paths.unitFile)) {
    await env.runner.run('systemctl', ['--user', 'disable', UNIT_NAME])
    await env.fs.rm(paths.unitFile)
    await env.runner.run('systemctl', ['--user', 'daemon-reload'])
    removed.push(paths.unitFile)
  }
  if ((await env.fs.readlink(paths.link)) === paths.binary) {
    await env.fs.rm(paths.link)
    removed.push(paths.link)
  }
  removed.push(...(await removeIfPresent(env.fs, [paths.installDir, paths.downloads, paths.logFile])))
  return { removed }
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
