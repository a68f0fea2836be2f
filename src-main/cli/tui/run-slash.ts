import type { ApiSubcommand, CliApi } from '../api-command'
import { parseModelOption, providerSubcommands } from '../chat'
import type { Io } from '../command'
import { mcpSubcommands } from '../mcp'
import { modelSubcommands } from '../models'
import { KEYS_HELP, findSlash, slashSpecs } from './slash'
import type { TuiSession } from './tui-session'

/** Names the original ollama-cli had whose feature is not in this version, and what to use meanwhile. */
const NOT_YET: Record<string, string> = {
  agents: 'Agents are not in this version yet; /model picks who answers.',
  chain: 'Multi-agent chains are not in this version yet.',
  remember: 'Memory is not in this version yet.',
  recall: 'Memory is not in this version yet; /history finds earlier chats.',
  memory: 'Memory is not in this version yet.',
  init: 'Project instruction files are not in this version yet.',
  diff: 'Reviewing changes is not in this version yet.',
  config: 'Settings live in the app (ollama-desk serve opens it in a browser); providers: ollama-desk providers.',
}

const USAGE_WIDTH = Math.max(...slashSpecs.map((s) => s.usage.length))

export type SlashOutcome = 'quit' | 'handled'

/** Runs one of the CLI's own subcommands and shows what it printed, so both say the same thing. */
async function showSubcommand(session: TuiSession, api: CliApi, sub: ApiSubcommand, positionals: string[]): Promise<void> {
  const out: string[] = []
  const err: string[] = []
  const io: Io = { out: (text) => void out.push(text), err: (text) => void err.push(text), env: {}, untilStopped: () => new Promise(() => undefined) }
  await sub(api, { values: {}, positionals }, io)
  if (out.length) session.add('info', out.join('').trimEnd())
  if (err.length) session.add('error', err.join('').replace(/^error: /, '').trimEnd())
}

/** The chats of /history, newest first, kept so that `/load 3` means the third one shown. */
let listed: string[] = []

async function history(session: TuiSession, api: CliApi, query: string): Promise<void> {
  if (query) {
    const found = await api.call('sessions.search', { query, limit: 20 })
    if (!found.ok) return void session.fail(found.error)
    listed = [...new Set(found.value.hits.map((hit) => hit.sessionId))]
    const titles = new Map(found.value.hits.map((hit) => [hit.sessionId, hit.sessionTitle]))
    session.add('info', listed.length ? listed.map((id, i) => `${String(i + 1).padStart(2)}  ${titles.get(id)}`).join('\n') : `No chat matches “${query}”.`)
    return
  }
  const page = await api.call('sessions.list', { limit: 20 })
  if (!page.ok) return void session.fail(page.error)
  listed = page.value.sessions.map((s) => s.id)
  const rows = page.value.sessions.map((s, i) => `${String(i + 1).padStart(2)}  ${new Date(s.updatedAt).toISOString().slice(0, 16).replace('T', ' ')}  ${String(s.messageCount).padStart(4)} msg  ${s.title}`)
  session.add('info', rows.length ? `${rows.join('\n')}\n/load <number> continues one.` : 'No chats yet.')
}

async function model(session: TuiSession, api: CliApi, args: string): Promise<void> {
  if (!args) {
    session.add('info', `Answering with ${session.status.model}. /model provider:model (e.g. ollama:llama3.2) or /model auto changes it. Local models:`)
    return showSubcommand(session, api, modelSubcommands.list!, ['list'])
  }
  const target = parseModelOption(args)
  if (target instanceof Error) return void session.add('error', target.message)
  if (!('auto' in target)) {
    const check = await api.call('chat.model.check', { target })
    if (check.ok && !check.value.available) {
      const others = check.value.alternatives.map((a) => `${a.providerId}:${a.model}`).slice(0, 3)
      return void session.add('error', `${args} is not offered by its provider.${others.length ? ` Try ${others.join(', ')}.` : ''}`)
    }
  }
  session.target = target
  session.status.model = 'auto' in target ? 'auto' : args
  session.add('info', `From now on ${session.status.model} answers.`)
}

/** Runs `/name args`; 'quit' asks the UI to leave. */
export async function runSlash(session: TuiSession, api: CliApi, name: string, args: string): Promise<SlashOutcome> {
  const spec = findSlash(name)
  if (!spec) {
    session.add('error', NOT_YET[name] ?? `There is no /${name}. /help lists the commands.`)
    return 'handled'
  }
  switch (spec.name) {
    case 'quit':
      return 'quit'
    case 'help':
      session.add('info', [...slashSpecs.map((s) => `${s.usage.padEnd(USAGE_WIDTH)} ${s.summary}`), '', ...KEYS_HELP].join('\n'))
      break
    case 'model':
      await model(session, api, args)
      break
    case 'provider':
      await showSubcommand(session, api, providerSubcommands.list!, ['list'])
      break
    case 'new':
      session.newChat()
      session.add('info', 'New chat: your next message starts it.')
      break
    case 'clear':
      session.newChat()
      session.clearScreen()
      break
    case 'history':
      await history(session, api, args)
      break
    case 'load': {
      const id = /^\d+$/.test(args) ? listed[Number(args) - 1] : args
      if (!id) session.add('error', args ? `There is no chat ${args} in the last /history.` : 'Say which chat: /load <number from /history> or /load <id>.')
      else await session.open(id)
      break
    }
    case 'save':
      await save(session, api, args)
      break
    case 'compact':
      await compact(session, api)
      break
    case 'tools':
      await tools(session, api)
      break
    case 'mcp':
      await showSubcommand(session, api, mcpSubcommands.list!, ['list'])
      break
    case 'status':
      session.add('info', statusText(session))
      break
  }
  return 'handled'
}

async function tools(session: TuiSession, api: CliApi): Promise<void> {
  const found = await api.call('mcp.tools', {})
  if (!found.ok) return void session.fail(found.error)
  const lines = found.value.tools.map((tool) => `${tool.qualifiedName}  ${tool.description.split('\n')[0]}`)
  session.add('info', lines.length ? lines.join('\n') : 'No MCP tools: no server is connected (/mcp lists them; ollama-desk mcp add adds one).')
}

async function save(session: TuiSession, api: CliApi, title: string): Promise<void> {
  const id = session.status.sessionId
  if (!id) return void session.add('info', 'Nothing to save yet: chats are saved as you go, from the first message.')
  if (!title) return void session.add('info', `This chat is saved as you go (session ${id}). /save <title> names it.`)
  const updated = await api.call('sessions.update', { id, title })
  if (!updated.ok) return void session.fail(updated.error)
  session.status.title = updated.value.title
  session.add('info', `Saved as “${updated.value.title}”.`)
}

async function compact(session: TuiSession, api: CliApi): Promise<void> {
  const id = session.status.sessionId
  if (!id) return void session.add('info', 'Nothing to compact yet.')
  const result = await api.call('sessions.compact', { sessionId: id, force: true })
  if (!result.ok) return void session.fail(result.error)
  session.add('info', result.value.compacted ? 'Compacted: older messages are summarised for the model; the originals stay in the history.' : 'There is not enough to compact yet.')
}

export function statusText(session: TuiSession): string {
  const s = session.status
  return [
    `model      ${s.model}`,
    `chat       ${s.sessionId ? `${s.title ?? '(untitled)'} · ${s.sessionId}` : 'new (starts with your next message)'}`,
    `tokens     ${s.inputTokens} in / ${s.outputTokens} out this run`,
    `cost       ${s.costUsd === null || s.costUsd === 0 ? 'free' : `$${s.costUsd.toFixed(4)}`}`,
    `workspace  ${s.workspace}`,
  ].join('\n')
}
