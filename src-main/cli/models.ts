import type { LocalModel, PullEvent, RunningModel } from '../../src-shared/contract'
import { apiCommand, printJson, subcommandArgument, unwrap, type ApiSubcommand } from './api-command'
import type { Io, ParsedArgs } from './command'
import { commandSpecs } from './specs'
import { progressLine } from './progress-line'


export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

const day = (ms: number): string => (ms > 0 ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '-')

/** Rows padded into columns, the first row the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')
}

export function formatModels(models: LocalModel[]): string {
  if (models.length === 0) return 'No models installed. Pull one: ollama-desk models pull llama3.2'
  return table([
    ['NAME', 'SIZE', 'FAMILY', 'PARAMS', 'QUANT', 'MODIFIED'],
    ...models.map((m) => [m.name, formatBytes(m.size), m.family || '-', m.parameterSize || '-', m.quantization || '-', day(m.modifiedAt)]),
  ])
}

export function formatRunning(models: RunningModel[]): string {
  if (models.length === 0) return 'No models are loaded.'
  return table([
    ['NAME', 'SIZE', 'IN GPU', 'UNTIL'],
    ...models.map((m) => [m.name, formatBytes(m.size), m.size > 0 ? `${Math.round((m.sizeVram / m.size) * 100)}%` : '-', m.expiresAt ? day(m.expiresAt) : 'forever']),
  ])
}

/** One line per progress update: `pulling 6a0746a1ec1a  45.2% 1.2 GB/2.0 GB  overall 40.1%  12 MB/s`. */
export function formatPullEvent(event: PullEvent): string {
  const parts = [event.status]
  if (event.total) parts.push(`${((100 * (event.completed ?? 0)) / event.total).toFixed(1)}% ${formatBytes(event.completed ?? 0)}/${formatBytes(event.total)}`)
  if (event.percent !== undefined && event.digest) parts.push(`overall ${event.percent.toFixed(1)}%`)
  if (event.bytesPerSecond) parts.push(`${formatBytes(event.bytesPerSecond)}/s`)
  return parts.join('  ')
}

const named = (args: ParsedArgs, io: Io, verb: string): string | undefined =>
  subcommandArgument(args.positionals, io, `name the model to ${verb}, e.g. \`ollama-desk models ${verb} llama3.2\``)

export const modelSubcommands: Record<string, ApiSubcommand> = {
  async list(api, { values }, io) {
    const found = unwrap(await api.call('models.list', {}), io)
    if (!found) return 1
    if (values.json) return printJson(io, found)
    io.out(`${formatModels(found.models)}\n`)
    return 0
  },
  async ps(api, { values }, io) {
    const found = unwrap(await api.call('models.running', {}), io)
    if (!found) return 1
    if (values.json) return printJson(io, found)
    io.out(`${formatRunning(found.models)}\n`)
    return 0
  },
  async show(api, args, io) {
    const name = named(args, io, 'show')
    if (!name) return 2
    const d = unwrap(await api.call('models.show', { name }), io)
    if (!d) return 1
    if (args.values.json) return printJson(io, d)
    const lines = [
      `${d.name}`,
      `  family        ${d.family || '-'}`,
      `  parameters    ${d.parameterSize || '-'}`,
      `  quantisation  ${d.quantization || '-'}`,
      ...(d.contextLength ? [`  context       ${d.contextLength}`] : []),
      `  capabilities  ${d.capabilities.join(', ') || '-'}`,
      '',
      'Parameters:',
      d.parameters.trim() || '(none)',
      '',
      'Template:',
      d.template.trim() || '(none)',
      '',
      'Licence:',
      d.license.trim().split('\n').slice(0, 5).join('\n') || '(none)',
    ]
    io.out(`${lines.join('\n')}\n`)
    return 0
  },
  async rm(api, args, io) {
    const name = named(args, io, 'rm')
    if (!name) return 2
    if (args.values.yes !== true) {
      io.err(`error: deleting ${name} removes its files; add --yes to confirm\n`)
      return 2
    }
    const done = unwrap(await api.call('models.delete', { name, confirm: true }), io)
    if (!done) return 1
    io.out(`deleted ${done.name}\n`)
    return 0
  },
  async unload(api, args, io) {
    const name = named(args, io, 'unload')
    if (!name) return 2
    const done = unwrap(await api.call('models.unload', { name }), io)
    if (!done) return 1
    io.out(`unloaded ${done.name}\n`)
    return 0
  },
  async pull(api, args, io) {
    const name = named(args, io, 'pull')
    if (!name) return 2
    const progress = progressLine(args.values.json ? { ...io, terminal: false } : io)
    const stream = api.stream('models.pull', { name }, (event) => {
      if (args.values.json) io.out(`${JSON.stringify(event)}\n`)
      // A layer's download redraws its line; the steps between (manifest, verifying) are lines of their own.
      else if (event.total) progress.update(event.digest ?? event.status, formatPullEvent(event))
      else progress.print(`${formatPullEvent(event)}\n`)
    })
    let stopped = false
    void io.untilStopped().then(() => {
      stopped = true
      stream.cancel()
    })
    const result = await stream.done
    progress.end()
    if (!result.ok && stopped) {
      io.err(`cancelled; run \`ollama-desk models pull ${name}\` again to resume\n`)
      return 130
    }
    const done = unwrap(result, io)
    if (!done) return 1
    io.out(`pulled ${done.name}\n`)
    return 0
  },
}

export const modelsCommand = apiCommand({
  ...commandSpecs.models,
  subcommands: modelSubcommands,
})
