import path from 'node:path'
import type { DiagnosticsBundle, DoctorCheck } from '../../src-shared/contract'
import type { Core } from '../core/app'
import type { Command, Io, ParsedArgs } from './command'
import { openCore } from './runtime'
import { commandSpecs } from './specs'

const mark: Record<DoctorCheck['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'fail' }

export function formatChecks(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((check) => check.title.length))
  return checks
    .map((check) => {
      const line = `${mark[check.status]}  ${check.title.padEnd(width)}  ${check.detail}`
      return check.hint && check.status !== 'ok' ? `${line}\n      ${' '.repeat(width)}  hint: ${check.hint}` : line
    })
    .join('\n')
}

const requestContext = () => ({ signal: new AbortController().signal, clientId: 'cli' })

/** `doctor --bundle [path]`: the zip a bug report needs (logs, redacted config, versions, checks). */
async function writeBundle(core: Core, { values, positionals }: ParsedArgs, io: Io): Promise<number> {
  const target = positionals[0]
  const result = await core.dispatcher.call('diagnostics.bundle', target ? { path: path.resolve(target) } : {}, requestContext())
  if (!result.ok) {
    io.err(`error: ${result.error.message}\n${result.error.hint ? `hint: ${result.error.hint}\n` : ''}`)
    return 1
  }
  const bundle = result.value as DiagnosticsBundle
  if (values.json) {
    io.out(`${JSON.stringify({ path: bundle.path, bytes: bundle.bytes, files: bundle.files, checks: bundle.checks }, null, 2)}\n`)
    return 0
  }
  io.out(`${formatChecks(bundle.checks)}\n\n`)
  io.out(`Diagnostics bundle written to ${bundle.path} (${Math.max(1, Math.round(bundle.bytes / 1024))} KB).\n`)
  io.out('It holds the recent logs, your configuration with keys and tokens removed, versions and these checks.\n')
  return 0
}

export const doctorCommand: Command = {
  ...commandSpecs.doctor,
  async run(args, io) {
    const { values } = args
    const core = openCore(values, io.env)
    try {
      if (values.bundle) return await writeBundle(core, args, io)
      const result = await core.dispatcher.call('diagnostics.doctor', {}, requestContext())
      if (!result.ok) {
        io.err(`error: ${result.error.message}\n`)
        return 1
      }
      const { checks } = result.value as { checks: DoctorCheck[] }
      const failed = checks.filter((check) => check.status === 'fail')
      if (values.json) io.out(`${JSON.stringify({ checks }, null, 2)}\n`)
      else io.out(`${formatChecks(checks)}\n`)
      if (failed.length === 0) return 0
      io.err(`\n${failed.length} check${failed.length > 1 ? 's' : ''} failed: ${failed.map((c) => `${c.title} ${c.detail}`).join('; ')}\n`)
      return 1
    } finally {
      await core.close()
    }
  },
}
