import path from 'node:path'
import { McpServerConfigSchema, McpServerNameSchema, type McpServerConfig, type McpTransport } from '../../../src-shared/contract/mcp'
import { AppError, ValidationError } from '../errors'
import { readUserTextFile } from '../paths'

/** Secret values of one server, kept apart from its config (they go to the secret store). */
export interface McpSecretValues {
  env?: Record<string, string>
  headers?: Record<string, string>
}

export interface ParsedServer {
  config: McpServerConfig
  secrets: Required<McpSecretValues>
}

export type ParsedEntry = ({ ok: true } & ParsedServer) | { ok: false; name: string; reason: string }

export interface ParsedServers {
  servers: ParsedServer[]
  skipped: { name: string; reason: string }[]
}

/** What an exported file holds instead of a secret value; importing it back marks the name secret without a value. */
export const SECRET_PLACEHOLDER = '<set in Ollama Desk>'

const SECRET_NAME = /TOKEN|KEY|SECRET|PASSWORD|PASSWD|PASSPHRASE|AUTH|CREDENTIAL|COOKIE|BEARER|SESSION/i

/** Whether an env or header name is likely to carry a secret (API_KEY, GITHUB_TOKEN, Authorization …). */
export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name)
}

export function claudeDesktopConfigPath(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv): string {
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json')
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json')
  return path.posix.join(env.XDG_CONFIG_HOME ?? path.posix.join(home, '.config'), 'Claude', 'claude_desktop_config.json')
}

/** ollama-cli keeps project servers in `<workspace>/.ollama/mcp.json`. */
export function ollamaCliConfigPath(workspace: string): string {
  return path.join(workspace, '.ollama', 'mcp.json')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringMap(value: unknown, field: string): Record<string, string> | string {
  if (value === undefined || value === null) return {}
  if (!isRecord(value)) return `"${field}" must be an object of strings`
  const out: Record<string, string> = {}
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') out[key] = item
    else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item)
    else return `"${field}.${key}" must be a string`
  }
  return out
}

function transportOf(raw: Record<string, unknown>): McpTransport | string {
  const declared = raw.transport ?? raw.type
  if (declared === undefined) {
    if (typeof raw.command === 'string') return 'stdio'
    if (typeof raw.url === 'string') return /\/sse\/?$/.test(raw.url) ? 'sse' : 'http'
    return 'neither "command" nor "url" is set'
  }
  if (declared === 'stdio' || declared === 'sse' || declared === 'http') return declared
  if (declared === 'streamable-http' || declared === 'streamableHttp' || declared === 'streamable_http') return 'http'
  return `unknown transport type "${String(declared).slice(0, 40)}"`
}

/** Splits secret-looking values out; a placeholder value means "secret, value kept elsewhere". */
function splitSecrets(values: Record<string, string>, declared: string[], detect: boolean): { plain: Record<string, string>; names: string[]; secrets: Record<string, string> } {
  const plain: Record<string, string> = {}
  const names = new Set(declared)
  const secrets: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) {
    const secret = names.has(key) || value === SECRET_PLACEHOLDER || (detect && looksSecret(key) && value !== '')
    if (!secret) {
      plain[key] = value
      continue
    }
    names.add(key)
    if (value !== SECRET_PLACEHOLDER) secrets[key] = value
  }
  return { plain, names: [...names], secrets }
}

/**
 * One `mcpServers` entry in Claude Desktop's shape (`command/args/env` or `url/headers`, optional
 * `type`), ollama-cli's (`description`, `enabled`) or ours (`transport`, `secretEnv` …).
 * `detectSecrets` moves secret-looking env and header values out of the config.
 */
export function parseServerEntry(name: string, raw: unknown, options: { detectSecrets: boolean }): ParsedEntry {
  const fail = (reason: string): ParsedEntry => ({ ok: false, name, reason })
  if (!McpServerNameSchema.safeParse(name).success) return fail('the name may use only letters, digits, _ and - (at most 64)')
  if (!isRecord(raw)) return fail('the entry is not an object')
  const transport = transportOf(raw)
  if (transport !== 'stdio' && transport !== 'http' && transport !== 'sse') return fail(transport)
  if (raw.args !== undefined && (!Array.isArray(raw.args) || raw.args.some((a) => typeof a !== 'string'))) return fail('"args" must be a list of strings')
  const env = stringMap(raw.env, 'env')
  if (typeof env === 'string') return fail(env)
  const headers = stringMap(raw.headers, 'headers')
  if (typeof headers === 'string') return fail(headers)
  const declaredEnv = Array.isArray(raw.secretEnv) ? raw.secretEnv.filter((n): n is string => typeof n === 'string') : []
  const declaredHeaders = Array.isArray(raw.secretHeaders) ? raw.secretHeaders.filter((n): n is string => typeof n === 'string') : []
  const envSplit = splitSecrets(env, declaredEnv, options.detectSecrets)
  const headerSplit = splitSecrets(headers, declaredHeaders, options.detectSecrets)
  const enabled = typeof raw.enabled === 'boolean' ? raw.enabled : raw.disabled === true ? false : undefined
  const candidate = {
    name,
    transport,
    ...(transport === 'stdio' ? { command: raw.command, args: raw.args ?? [], env: envSplit.plain, secretEnv: envSplit.names } : {}),
    ...(transport !== 'stdio' ? { url: raw.url, headers: headerSplit.plain, secretHeaders: headerSplit.names } : {}),
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    ...(enabled === undefined ? {} : { enabled }),
    ...(raw.timeoutMs === undefined ? {} : { timeoutMs: raw.timeoutMs }),
  }
  const parsed = McpServerConfigSchema.safeParse(candidate)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return fail(issue ? `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}` : 'invalid entry')
  }
  const secrets = transport === 'stdio' ? { env: envSplit.secrets, headers: {} } : { env: {}, headers: headerSplit.secrets }
  return { ok: true, config: parsed.data, secrets }
}

/** The entries of a `{ "mcpServers": {...} }` document or a bare map; bad entries are skipped with a reason. */
export function parseMcpServersJson(text: string): ParsedServers {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    // V8's message quotes the start of the text: never echo an arbitrary file's contents back.
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    throw new ValidationError(`This is not valid JSON${at === undefined ? '' : ` (near character ${at})`}.`, [], 'Paste the whole file, including the outer braces.')
  }
  if (!isRecord(document)) throw new ValidationError('Expected a JSON object with "mcpServers" or a map of servers.')
  const map = isRecord(document.mcpServers) ? document.mcpServers : document.mcpServers === undefined ? document : undefined
  if (map === undefined) throw new ValidationError('"mcpServers" must be an object mapping names to servers.')
  const result: ParsedServers = { servers: [], skipped: [] }
  for (const [name, raw] of Object.entries(map)) {
    const entry = parseServerEntry(name, raw, { detectSecrets: true })
    if (entry.ok) result.servers.push({ config: entry.config, secrets: entry.secrets })
    else result.skipped.push({ name: entry.name, reason: entry.reason })
  }
  return result
}

/** Claude Desktop's `mcpServers` JSON; secret values are replaced by a placeholder. */
export function exportMcpServersJson(configs: McpServerConfig[]): string {
  const mcpServers: Record<string, Record<string, unknown>> = {}
  for (const config of configs) {
    const secretValues = (names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, SECRET_PLACEHOLDER]))
    const entry: Record<string, unknown> =
      config.transport === 'stdio'
        ? { command: config.command, args: config.args, env: { ...config.env, ...secretValues(config.secretEnv) } }
        : { type: config.transport, url: config.url, headers: { ...config.headers, ...secretValues(config.secretHeaders) } }
    if (config.description !== undefined) entry.description = config.description
    if (!config.enabled) entry.enabled = false
    mcpServers[config.name] = entry
  }
  return `${JSON.stringify({ mcpServers }, null, 2)}\n`
}

export interface ImportSource {
  from: 'claude-desktop' | 'json' | 'ollama-cli'
  json?: string
  path?: string
  workspace?: string
}

/** The JSON text to import, from pasted text, an explicit file, Claude Desktop's config or a workspace's `.ollama/mcp.json`. */
/** An MCP config is a small JSON file: anything larger is not one. */
const MCP_IMPORT_LIMITS = { maxBytes: 4 * 1024 * 1024, what: 'The MCP config' }

export async function readImportSource(source: ImportSource, where: { platform: NodeJS.Platform; home: string; env: NodeJS.ProcessEnv }): Promise<{ text: string; file: string | null }> {
  if (source.from === 'json' && source.path === undefined) {
    if (source.json === undefined || source.json.trim() === '') throw new ValidationError('Paste the `mcpServers` JSON to import.')
    return { text: source.json, file: null }
  }
  let file = source.path
  if (file === undefined && source.from === 'claude-desktop') file = claudeDesktopConfigPath(where.platform, where.home, where.env)
  if (file === undefined && source.from === 'ollama-cli') {
    if (source.workspace === undefined) throw new ValidationError('Choose the workspace whose .ollama/mcp.json to import.')
    file = ollamaCliConfigPath(source.workspace)
  }
  if (file === undefined) throw new ValidationError('Nothing to import: give JSON or a file.')
  try {
    return { text: await readUserTextFile(file, MCP_IMPORT_LIMITS), file }
  } catch (error) {
    if (error instanceof AppError && error.code === 'E_NOT_FOUND') {
      throw new AppError('E_NOT_FOUND', `There is no file at ${file}.`, { hint: source.from === 'claude-desktop' ? 'Claude Desktop has not saved any MCP servers on this computer.' : undefined })
    }
    throw error
  }
}
