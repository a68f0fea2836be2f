import type { DoctorCheck } from '../../src-shared/contract'
import type { Command } from './command'
import { openCore } from './runtime'

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

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check the data folder, settings, Ollama and Electron; exits 1 when something is broken.',
  usage: 'doctor [--json] [--data-dir DIR]',
  options: [{ name: 'json', type: 'boolean', summary: 'Print the checks as JSON' }],
  async run({ values }, io) {
    const core = openCore(values, io.env)
    try {
      const result = await core.dispatcher.call('diagnostics.doctor', {}, { signal: new AbortController().signal, clientId: 'cli' })
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
