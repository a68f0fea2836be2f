import { CancelledError } from '../core/errors'
import {
  defaultInstallerEnv,
  detectOllama,
  strategyFor,
  type Detection,
  type InstallEvent,
  type InstallerEnv,
  type ServiceMode,
} from '../core/installer'
import { UsageError, type Command, type Io, type ParsedArgs } from './command'
import { commandSpecs } from './specs'
import { progressLine } from './progress-line'

export const DEFAULT_RELEASE_URL = 'https://github.com/ollama/ollama/releases/latest/download'
const actions = ['status', 'install', 'start', 'stop', 'uninstall'] as const

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

export function formatEvent(event: InstallEvent): string {
  if (event.type === 'phase') return `${event.phase}${event.detail ? `  ${event.detail}` : ''}\n`
  if (event.type === 'log') return `  ${event.message}\n`
  const total = event.total === undefined ? '' : ` / ${mb(event.total)}`
  const eta = event.etaSeconds === undefined ? '' : `  ETA ${event.etaSeconds}s`
  return `  ${mb(event.bytes)}${total}  ${mb(event.bytesPerSecond)}/s${eta}\n`
}

export function formatDetection(detection: Detection): string {
  const { host } = detection
  const lines = [
    host.reachable ? `running    Ollama ${host.version} at ${host.host}` : host.conflict ? `conflict   ${host.conflict}` : `stopped    nothing answers at ${host.host}`,
    ...detection.installs.map((install) => `installed  ${install.path} (${install.kind}${install.version ? `, ${install.version}` : ''})`),
  ]
  if (detection.installs.length === 0) lines.push('installed  none found')
  return `${lines.join('\n')}\n`
}

function installerEnv(io: Io): InstallerEnv {
  return defaultInstallerEnv({ env: io.env, home: io.env.HOME || io.env.USERPROFILE || '' })
}

async function run({ values, positionals }: ParsedArgs, io: Io): Promise<number> {
  const action = positionals[0]
  if (!action || !(actions as readonly string[]).includes(action)) throw new UsageError(`pick one of: ${actions.join(', ')}`)
  const env = installerEnv(io)
  const host = typeof values.host === 'string' ? values.host : io.env.OLLAMA_HOST || '127.0.0.1:11434'
  const service = (typeof values.service === 'string' ? values.service : 'auto') as ServiceMode
  if (!['auto', 'systemd', 'process'].includes(service)) throw new UsageError('--service is auto, systemd or process')
  const controller = new AbortController()
  void io.untilStopped().then(() => controller.abort())
  const signal = controller.signal
  const progress = progressLine(io)
  // Download progress redraws one line on a terminal; phases and log lines print below it.
  const onEvent = (event: InstallEvent) => (event.type === 'progress' ? progress.update('download', formatEvent(event).trimEnd()) : progress.print(formatEvent(event)))
  if (action === 'status') {
    const detection = await detectOllama(env, host, signal)
    io.out(values.json ? `${JSON.stringify(detection, null, 2)}\n` : formatDetection(detection))
    return detection.host.reachable ? 0 : 1
  }
  const strategy = strategyFor(env)
  try {
    if (action === 'install') {
      const detection = await detectOllama(env, host, signal)
      if ((detection.host.reachable || detection.installs.length > 0) && !values.force) {
        io.out(`${formatDetection(detection)}Ollama is already here; nothing to do (use --force to reinstall).\n`)
        return 0
      }
      const baseUrl = typeof values['base-url'] === 'string' ? values['base-url'] : io.env.OLLAMA_DESK_RELEASE_URL || DEFAULT_RELEASE_URL
      const result = await strategy.install({ baseUrl, host, service, signal, onEvent, force: values.force === true })
      io.out(`installed  Ollama ${result.version} (${result.binary}), started as ${result.service}\n`)
    } else if (action === 'start') {
      const result = await strategy.start({ host, service, signal, onEvent })
      io.out(result.service === 'already-running' ? `Ollama ${result.version} is already running at ${host}\n` : `started  Ollama ${result.version} (${result.service})\n`)
    } else if (action === 'stop') {
      const { stopped } = await strategy.stop()
      io.out(stopped.length ? `stopped  ${stopped.join(', ')}\n` : 'nothing of ours was running\n')
    } else {
      const { removed } = await strategy.uninstall()
      io.out(removed.length ? `removed  ${removed.join('\n         ')}\n` : 'nothing of ours was installed\n')
    }
    return 0
  } catch (error) {
    if (signal.aborted && !(error instanceof CancelledError)) throw new CancelledError('The installation was cancelled.')
    throw error
  } finally {
    progress.end()
  }
}

export const ollamaCommand: Command = {
  ...commandSpecs.ollama,
  positionals: actions,
  run,
}
