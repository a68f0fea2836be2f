import { apiCommand, printJson, subcommandArgument, unwrap, type ApiSubcommand } from './api-command'
import type { ParsedArgs } from './command'
import { table } from './models'
import { commandSpecs } from './specs'

/** `--env KEY=VALUE` and `--header Name=Value` may repeat; parseArgs gives the last, so they come comma-joined or once. */
function pairs(value: string | boolean | undefined): Record<string, string> {
  if (typeof value !== 'string' || value === '') return {}
  const out: Record<string, string> = {}
  for (const part of value.split(',')) {
    const at = part.indexOf('=')
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1)
  }
  return out
}

function configFrom(args: ParsedArgs): { config: Record<string, unknown>; secrets: { env?: Record<string, string>; headers?: Record<string, string> } } | Error {
  const [, name, target, ...rest] = args.positionals
  if (!name || !target) return new Error('usage: ollama-desk mcp add <name> <command or URL> [args…] [--env K=V] [--header N=V] [--transport sse]')
  const isUrl = /^https?:\/\//.test(target)
  const secretEnv = pairs(args.values['secret-env'])
  const secretHeaders = pairs(args.values['secret-header'])
  const config = isUrl
    ? { name, transport: args.values.transport === 'sse' ? 'sse' : 'http', url: target, headers: pairs(args.values.header), secretHeaders: Object.keys(secretHeaders) }
    : { name, transport: 'stdio', command: target, args: rest, env: pairs(args.values.env), secretEnv: Object.keys(secretEnv) }
  return { config, secrets: { ...(Object.keys(secretEnv).length ? { env: secretEnv } : {}), ...(Object.keys(secretHeaders).length ? { headers: secretHeaders } : {}) } }
}

export const mcpSubcommands: Record<string, ApiSubcommand> = {
  async list(api, { values }, io) {
    const found = unwrap(await api.call('mcp.list', {}), io)
    if (!found) return 1
    if (values.json) return printJson(io, found)
    if (found.servers.length === 0) {
      io.out(`No MCP servers. Add one (ollama-desk mcp add <name> <command|url>) or import Claude Desktop's: ollama-desk mcp import claude-desktop\n`)
      return 0
    }
    const rows = found.servers.map(({ config, status }) => [config.name, config.transport, config.enabled ? 'on' : 'off', status.state, String(status.tools), config.transport === 'stdio' ? [config.command, ...config.args].join(' ') : (config.url ?? '')])
    io.out(`${table([['NAME', 'TRANSPORT', 'ON', 'STATE', 'TOOLS', 'COMMAND/URL'], ...rows])}\n`)
    return 0
  },
  async add(api, args, io) {
    const built = configFrom(args)
    if (built instanceof Error) {
      io.err(`error: ${built.message}\n`)
      return 2
    }
    const saved = unwrap(await api.call('mcp.save', built as never), io)
    if (!saved) return 1
    io.out(`added ${saved.config.name} (${saved.status.state})\n`)
    return 0
  },
  async remove(api, { positionals }, io) {
    const name = subcommandArgument(positionals, io, 'name the server to remove')
    if (!name) return 2
    const done = unwrap(await api.call('mcp.remove', { name }), io)
    if (!done) return 1
    io.out(done.removed ? `removed ${name}\n` : `no server named ${name}\n`)
    return done.removed ? 0 : 1
  },
  async test(api, { positionals, values }, io) {
    const name = subcommandArgument(positionals, io, 'name the server to test')
    if (!name) return 2
    const result = unwrap(await api.call('mcp.test', { name }), io)
    if (!result) return 1
    if (values.json) printJson(io, result)
    else if (result.ok) io.out(`ok  ${result.latencyMs ?? '?'} ms  ${result.tools.length} tools\n${result.tools.map((t) => `  ${t.qualifiedName}  ${t.description.split('\n')[0]}`).join('\n')}\n`)
    else io.out(`failed  ${result.error ?? ''}\n`)
    return result.ok ? 0 : 1
  },
  async import(api, { positionals, values }, io) {
    const from = positionals[1]
    if (from !== 'claude-desktop' && from !== 'json' && from !== 'ollama-cli') {
      io.err('error: import from claude-desktop, ollama-cli, or json (with --file)\n')
      return 2
    }
    let json: string | undefined
    if (from === 'json') {
      const file = values.file
      if (typeof file !== 'string') {
        io.err('error: give the JSON file with --file\n')
        return 2
      }
      json = (await import('node:fs')).readFileSync(file, 'utf8')
    }
    const done = unwrap(await api.call('mcp.import', { from, ...(json ? { json } : {}), ...(typeof values.workspace === 'string' ? { workspace: values.workspace } : {}), ...(from !== 'json' && typeof values.file === 'string' ? { path: values.file } : {}) }), io)
    if (!done) return 1
    io.out(`imported ${done.imported.length}: ${done.imported.join(', ') || '-'}\n${done.skipped.map((s) => `skipped ${s.name}: ${s.reason}`).join('\n')}${done.skipped.length ? '\n' : ''}`)
    return 0
  },
}

export const mcpCommand = apiCommand({
  ...commandSpecs.mcp,
  subcommands: mcpSubcommands,
})
