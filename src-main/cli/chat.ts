import type { ChatEvent, ChatTarget } from '../../src-shared/contract'
import { apiCommand, printJson, subcommandArgument, unwrap, type ApiSubcommand, type CliApi } from './api-command'
import type { Command, Io, ParsedArgs } from './command'
import { table } from './models'
import { explainNoModel } from './no-model'
import { openCore } from './runtime'
import { createLocalClient } from '../core/rpc'
import { commandSpecs } from './specs'

/** `provider:model` → a chat target; the model part may itself contain colons (`ollama:qwen3:8b`). */
export function parseModelOption(value: string | undefined): ChatTarget | Error {
  if (value === undefined || value === 'auto') return { auto: true }
  const at = value.indexOf(':')
  if (at <= 0 || at === value.length - 1) return new Error(`"${value}" is not provider:model (e.g. ollama:llama3.2, openai:gpt-4o-mini, or auto)`)
  return { providerId: value.slice(0, at), model: value.slice(at + 1) }
}

async function promptFrom(args: ParsedArgs, io: Io): Promise<string> {
  const typed = args.positionals.join(' ').trim()
  const piped = (await io.readStdin?.())?.trim() ?? ''
  // `cat notes.md | ollama-desk chat "summarise this"`: the words first, then what was piped.
  return [typed, piped].filter(Boolean).join('\n\n')
}

function describeEvent(event: ChatEvent): string | null {
  if (event.type === 'attempt' && event.attempt.outcome !== 'answered') return `${event.attempt.providerId}:${event.attempt.model} ${event.attempt.outcome}${event.attempt.reason ? ` (${event.attempt.reason})` : ''}`
  if (event.type === 'retry') return `retrying ${event.providerId}:${event.model} in ${(event.delayMs / 1000).toFixed(1)} s (${event.reason})`
  if (event.type === 'budget' || event.type === 'notice') return event.message
  return null
}

async function runChat(args: ParsedArgs, io: Io): Promise<number> {
  const target = parseModelOption(args.values.model as string | undefined)
  if (target instanceof Error) {
    io.err(`error: ${target.message}\n`)
    return 2
  }
  if (args.values.interactive) {
    const { runTerminalChat } = await import('./tui')
    return runTerminalChat(args, io, target)
  }
  const text = await promptFrom(args, io)
  if (!text) {
    io.err('error: say something: ollama-desk chat -m ollama:llama3.2 "hello", or pipe text on stdin\n')
    return 2
  }
  const asJson = args.values.json === true
  const core = openCore(args.values, io.env)
  try {
    const api = createLocalClient(core.dispatcher, 'cli')
    const input = { text, target, ...(typeof args.values.session === 'string' ? { sessionId: args.values.session } : {}), ...(typeof args.values.system === 'string' ? { system: args.values.system } : {}) }
    let endedWithNewline = true
    const stream = api.stream('chat.send', input, (event) => {
      if (asJson) return io.out(`${JSON.stringify(event)}\n`)
      if (event.type === 'text') {
        io.out(event.text)
        endedWithNewline = event.text.endsWith('\n')
        return
      }
      const note = describeEvent(event)
      if (note) io.err(`· ${note}\n`)
    })
    let stopped = false
    void io.untilStopped().then(() => {
      stopped = true
      stream.cancel()
    })
    const result = await stream.done
    if (!asJson && !endedWithNewline) io.out('\n')
    if (!result.ok && stopped) {
      io.err('stopped\n')
      return 130
    }
    if (!result.ok && result.error.code === 'E_NO_PROVIDER' && !asJson) {
      await explainNoModel(api, io, result.error)
      return 1
    }
    const done = unwrap(result, io)
    if (!done) return 1
    const m = done.message
    if (asJson) io.out(`${JSON.stringify({ type: 'result', ...done })}\n`)
    else {
      const usage = m.usage ? `${m.usage.inputTokens ?? 0} in / ${m.usage.outputTokens ?? 0} out${m.usage.estimated ? ' (est.)' : ''}` : ''
      const cost = m.cost === null ? '' : m.cost === 0 ? 'free' : `$${m.cost.toFixed(4)}`
      io.err(`· ${m.provider}:${m.model}  ${[usage, cost].filter(Boolean).join('  ')}  session ${done.sessionId}\n`)
    }
    // The reply is printed; the chat's title is written now, with a short timeout (never fails the command).
    await core.chat.service.titlesSettled()
    return 0
  } finally {
    await core.close()
  }
}

export const chatCommand: Command = {
  ...commandSpecs.chat,
  run: runChat,
}

export const providerSubcommands: Record<string, ApiSubcommand> = {
  async list(api: CliApi, { values }, io) {
    const found = unwrap(await api.call('providers.list', {}), io)
    if (!found) return 1
    if (values.json) return printJson(io, found.providers)
    const rows = found.providers.map(({ config, key }) => [config.id, config.kind, config.enabled ? 'on' : 'off', config.baseUrl || '(default)', key === null ? '-' : key.set ? `set …${key.last4 ?? ''}` : 'missing'])
    io.out(`${table([['ID', 'KIND', 'ENABLED', 'URL', 'KEY'], ...rows])}\n`)
    return 0
  },
  async test(api, { positionals, values }, io) {
    const id = subcommandArgument(positionals, io, 'name the provider to test, e.g. `ollama-desk providers test ollama`')
    if (!id) return 2
    const result = unwrap(await api.call('providers.test', { id }), io)
    if (!result) return 1
    if (values.json) printJson(io, result)
    else if (result.ok) io.out(`ok  ${result.understoodUrl}  ${result.latencyMs ?? '?'} ms  ${result.models} models\n`)
    else io.out(`down  ${result.understoodUrl}  ${result.error?.message ?? ''}${result.error?.hint ? `\nhint: ${result.error.hint}` : ''}\n`)
    return result.ok ? 0 : 1
  },
}

export const providersCommand = apiCommand({
  ...commandSpecs.providers,
  subcommands: providerSubcommands,
})
