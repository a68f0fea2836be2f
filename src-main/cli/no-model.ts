import type { ErrorShape } from '../../src-shared/contract'
import type { CliApi } from './api-command'
import type { Io } from './command'

type Step = [command: string, why: string]

/** Next steps as aligned `command   why` lines. */
function steps(list: Step[]): string[] {
  const width = Math.max(...list.map(([command]) => command.length))
  return ['Next steps:', ...list.map(([command, why]) => `  ${command.padEnd(width)}   ${why}`)]
}

/** What is wrong with the local Ollama, if anything, and the steps that fix it. */
async function ollamaDiagnosis(api: CliApi): Promise<{ lines: string[]; steps: Step[] }> {
  const status = await api.call('ollama.status', {})
  if (!status.ok) return { lines: [], steps: [] }
  const { host, reachable, version, error } = status.value
  if (!reachable) {
    return {
      lines: [`Ollama is not reachable at ${host}${error ? `: ${error}` : ''}.`],
      steps: [
        ['ollama-desk ollama install', 'install Ollama here and start it'],
        ['ollama-desk ollama start', 'start an Ollama that is installed'],
      ],
    }
  }
  const models = await api.call('models.list', {})
  if (models.ok && models.value.models.length === 0) {
    return { lines: [`Ollama${version ? ` ${version}` : ''} answers at ${host} but has no models yet.`], steps: [['ollama-desk models pull llama3.2', 'download a small general model (about 2 GB)']] }
  }
  return { lines: [], steps: [['ollama-desk providers list', 'see which providers are set up and whether they answer']] }
}

/**
 * `ollama-desk chat` found no model to answer: say what is wrong with the local Ollama, if that is
 * the reason, and what to type next — terminal steps, not directions to the window's screens.
 */
export async function explainNoModel(api: CliApi, io: Io, error: ErrorShape): Promise<void> {
  const diagnosis = await ollamaDiagnosis(api)
  const lines = [
    `error: ${error.message}`,
    ...diagnosis.lines,
    ...steps([
      ...diagnosis.steps,
      ['ollama-desk chat -m provider:model "…"', 'or use another provider’s model, e.g. -m openai:gpt-4o-mini'],
      ['ollama-desk doctor', 'check the whole set-up'],
    ]),
  ]
  io.err(`${lines.join('\n')}\n`)
}
