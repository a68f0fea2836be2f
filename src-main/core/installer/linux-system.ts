import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { AppError } from '../errors'
import { fetchRelease } from './linux-archive'
import { linuxPaths, startLinux, stopLinux } from './linux-service'
import { withRollback } from './rollback'
import { detectPhase } from './service'
import { readMarker, writeMarker, type InstallerEnv, type InstallOptions, type RunResult } from './types'

export interface LinuxSystemPaths {
  /** The whole release tree: `bin/ollama` and `lib/ollama`. */
  dir: string
  /** `/usr/local/bin/ollama`, a link to `dir/bin/ollama`. */
  link: string
}

export function linuxSystemPaths(env: InstallerEnv): LinuxSystemPaths {
  const sys = (p: string) => (env.root ? path.join(env.root, p) : p)
  return { dir: sys('/usr/local/lib/ollama'), link: sys('/usr/local/bin/ollama') }
}

/**
 * Run as root through one pkexec prompt. Paths arrive as positional arguments ($1 $2 $3), never
 * spliced into the script, so nothing needs quoting. Copies the unpacked tree next to the target,
 * swaps it in, and links the binary.
 */
export const SYSTEM_INSTALL_SCRIPT = [
  'set -eu',
  'src=$1; dir=$2; link=$3',
  'rm -rf "$dir.new" "$dir.old"',
  'mkdir -p "$(dirname "$dir")" "$(dirname "$link")"',
  'cp -R "$src" "$dir.new"',
  'chown -R 0:0 "$dir.new"',
  'chmod -R go-w "$dir.new"',
  'if [ -e "$dir" ]; then mv "$dir" "$dir.old"; fi',
  'mv "$dir.new" "$dir"',
  'ln -sfn "$dir/bin/ollama" "$link"',
  'rm -rf "$dir.old"',
].join('\n')

/** Removes the tree, and the link only when it still points into it. */
export const SYSTEM_UNINSTALL_SCRIPT = ['set -eu', 'dir=$1; link=$2', 'if [ "$(readlink "$link" || true)" = "$dir/bin/ollama" ]; then rm -f "$link"; fi', 'rm -rf "$dir"'].join('\n')

export function pkexecInstallArgs(unpacked: string, paths: LinuxSystemPaths): string[] {
  return ['/bin/sh', '-c', SYSTEM_INSTALL_SCRIPT, 'ollama-desk-install', unpacked, paths.dir, paths.link]
}

export function pkexecUninstallArgs(paths: LinuxSystemPaths): string[] {
  return ['/bin/sh', '-c', SYSTEM_UNINSTALL_SCRIPT, 'ollama-desk-uninstall', paths.dir, paths.link]
}

const PER_USER_HINT = 'Choose the per-user install instead: it needs no administrator rights.'
const REMOVE_HINT = 'Remove /usr/local/lib/ollama and /usr/local/bin/ollama as root yourself.'

/** pkexec's own failures (missing, prompt dismissed, not authorised) and the script's. */
export function pkexecError(what: 'installed' | 'removed', result: RunResult): AppError {
  const hint = what === 'installed' ? PER_USER_HINT : REMOVE_HINT
  const output = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n')
  if (result.code === 127 && /ENOENT|not found|No such file/i.test(output)) {
    return new AppError('E_IO', `pkexec is not available, so Ollama cannot be ${what} system-wide.`, { hint: `Install polkit (pkexec), or: ${hint}` })
  }
  if (result.code === 126 || result.code === 127) {
    return new AppError('E_IO', `Administrator approval for the system-wide ${what === 'installed' ? 'install' : 'removal'} was not given (pkexec exit code ${result.code}).`, { hint })
  }
  return new AppError('E_IO', `The system-wide ${what === 'installed' ? 'install' : 'removal'} failed (exit code ${result.code})${output ? `: ${output}` : ''}.`, { hint })
}

/**
 * System-wide install: the same verified download and in-process unpack as per-user, into a temp
 * folder we own, then one pkexec prompt copies it to /usr/local/lib/ollama and links
 * /usr/local/bin/ollama. It then runs as our managed process.
 */
export async function installLinuxSystem(env: InstallerEnv, options: InstallOptions): Promise<{ version: string; binary: string; service: string }> {
  const paths = linuxPaths(env.home)
  const system = linuxSystemPaths(env)
  const emit = options.onEvent ?? (() => undefined)
  await detectPhase(env, { ...options, onEvent: emit })
  const temp = path.join(paths.dataRoot, `.ollama-system-${randomBytes(4).toString('hex')}`)
  return withRollback(env, paths.downloads, async (rollback) => {
    await fetchRelease(env, options, paths, rollback, { into: temp, keepOnSuccess: false })
    emit({ type: 'phase', phase: 'install', detail: `pkexec: ${system.dir}, ${system.link}` })
    if (await readMarker(env, paths.systemMarker)) await stopLinux(env)
    const result = await env.runner.run('pkexec', pkexecInstallArgs(temp, system), { timeoutMs: 600_000 })
    if (result.code !== 0) throw pkexecError('installed', result)
    await writeMarker(env, paths.systemMarker, { method: 'system-wide', path: system.dir })
    let service = 'not started'
    let version = ''
    if (options.start !== false) {
      const started = await startLinux(env, { ...options, service: 'process' })
      service = started.service
      version = started.version
    }
    return { version, binary: path.join(system.dir, 'bin/ollama'), service }
  })
}

/** Removes our system-wide install (one pkexec prompt); nothing when we made none. */
export async function uninstallLinuxSystem(env: InstallerEnv): Promise<{ removed: string[] }> {
  const paths = linuxPaths(env.home)
  const marker = await readMarker(env, paths.systemMarker)
  if (!marker) return { removed: [] }
  await stopLinux(env)
  const system = { ...linuxSystemPaths(env), dir: marker.path }
  const result = await env.runner.run('pkexec', pkexecUninstallArgs(system), { timeoutMs: 120_000 })
  if (result.code !== 0) throw pkexecError('removed', result)
  await env.fs.rm(paths.systemMarker)
  return { removed: [system.dir, system.link] }
}
