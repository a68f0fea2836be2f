import fs from 'node:fs'
import path from 'node:path'
import { McpServerConfigSchema, type McpServerConfig, type McpServerConfigInput } from '../../../src-shared/contract/mcp'
import { ValidationError, issuesOf } from '../errors'
import type { Logger } from '../log'
import type { SecretStore } from '../secrets'
import { parseServerEntry, type McpSecretValues } from './import-export'
import { userPathError } from '../paths'

export interface McpConfigStoreOptions {
  dataDir: string
  secrets: SecretStore
  log: Pick<Logger, 'warn'>
  now?: () => Date
}

export const secretEnvName = (server: string, key: string): string => `mcp.${server}.env.${key}`
export const secretHeaderName = (server: string, header: string): string => `mcp.${server}.header.${header}`

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The file entry: Claude Desktop's fields plus ours; the name is the map key. */
function toEntry(config: McpServerConfig): Record<string, unknown> {
  const { name: _name, ...rest } = config
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined))
}

/**
 * MCP servers in `<dataDir>/mcp.json` as `{ "mcpServers": { name: {...} } }`. Secret env values
 * and headers live in the secret store; the file only lists their names.
 */
export class McpConfigStore {
  readonly file: string
  private readonly now: () => Date

  constructor(private readonly options: McpConfigStoreOptions) {
    this.file = path.join(options.dataDir, 'mcp.json')
    this.now = options.now ?? (() => new Date())
  }

  list(): McpServerConfig[] {
    const configs: McpServerConfig[] = []
    for (const [name, raw] of Object.entries(this.readRaw())) {
      const entry = parseServerEntry(name, raw, { detectSecrets: false })
      if (entry.ok) configs.push(entry.config)
      else this.options.log.warn({ server: name, reason: entry.reason }, 'mcp.json: skipping an invalid server entry')
    }
    return configs.sort((a, b) => a.name.localeCompare(b.name))
  }

  get(name: string): McpServerConfig | undefined {
    return this.list().find((c) => c.name === name)
  }

  /** Adds or replaces a server. Secret values given here go to the secret store; their names join secretEnv/secretHeaders. */
  /** Validates a config from the window or an import; throws ValidationError naming the bad fields. */
  parse(input: McpServerConfigInput): McpServerConfig {
    const parsed = McpServerConfigSchema.safeParse(input)
    if (!parsed.success) throw new ValidationError('This MCP server configuration is not valid.', issuesOf(parsed.error))
    return parsed.data
  }

  save(input: McpServerConfigInput, secrets: McpSecretValues = {}): McpServerConfig {
    const config = this.parse(input)
    const env = { ...config.env }
    const headers = { ...config.headers }
    const secretEnv = new Set(config.secretEnv)
    const secretHeaders = new Set(config.secretHeaders)
    for (const key of Object.keys(secrets.env ?? {})) {
      secretEnv.add(key)
      delete env[key]
    }
    for (const key of Object.keys(secrets.headers ?? {})) {
      secretHeaders.add(key)
      delete headers[key]
    }
    const saved: McpServerConfig = { ...config, env, headers, secretEnv: [...secretEnv], secretHeaders: [...secretHeaders] }

    const previous = this.get(config.name)
    for (const key of previous?.secretEnv ?? []) if (!secretEnv.has(key)) this.options.secrets.delete(secretEnvName(config.name, key))
    for (const key of previous?.secretHeaders ?? []) if (!secretHeaders.has(key)) this.options.secrets.delete(secretHeaderName(config.name, key))
    for (const [key, value] of Object.entries(secrets.env ?? {})) this.options.secrets.set(secretEnvName(config.name, key), value)
    for (const [key, value] of Object.entries(secrets.headers ?? {})) this.options.secrets.set(secretHeaderName(config.name, key), value)

    this.writeRaw({ ...this.readRaw(), [config.name]: toEntry(saved) })
    return saved
  }

  /** Removes a server and its secrets; false when there was none. */
  remove(name: string): boolean {
    const raw = this.readRaw()
    if (!(name in raw)) return false
    const config = this.get(name)
    for (const key of config?.secretEnv ?? []) this.options.secrets.delete(secretEnvName(name, key))
    for (const key of config?.secretHeaders ?? []) this.options.secrets.delete(secretHeaderName(name, key))
    delete raw[name]
    this.writeRaw(raw)
    return true
  }

  /** The config with secret values filled in, for connecting only (never for the window or the log). */
  resolved(name: string): McpServerConfig | undefined {
    const config = this.get(name)
    return config === undefined ? undefined : resolveSecrets(config, this.options.secrets)
  }

  private readRaw(): Record<string, unknown> {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw userPathError(error, this.file, `Cannot read ${this.file}`, 'Check the folder and the file permissions.')
    }
    let document: unknown
    try {
      document = JSON.parse(text)
    } catch {
      return this.setAside('it is not valid JSON')
    }
    if (!isRecord(document) || (document.mcpServers !== undefined && !isRecord(document.mcpServers))) return this.setAside('it has no "mcpServers" object')
    return isRecord(document.mcpServers) ? { ...document.mcpServers } : {}
  }

  /** An unreadable file is kept beside it, and the list starts empty rather than failing the app. */
  private setAside(reason: string): Record<string, unknown> {
    const stamp = this.now().toISOString().replace(/[:.]/g, '-')
    const copy = `${this.file}.bad-${stamp}`
    fs.renameSync(this.file, copy)
    this.options.log.warn({ file: this.file, copy, reason }, 'mcp.json is invalid; it was set aside and the server list starts empty')
    return {}
  }

  private writeRaw(servers: Record<string, unknown>): void {
    // Write-then-rename so a crash mid-write never leaves a truncated file.
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(temp, `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`, { mode: 0o600 })
    fs.renameSync(temp, this.file)
  }
}

/** Fills secret env values and headers from the store (plus values not saved yet, for a test connection). */
export function resolveSecrets(config: McpServerConfig, store: SecretStore, extra: McpSecretValues = {}): McpServerConfig {
  const env = { ...config.env }
  const headers = { ...config.headers }
  for (const key of config.secretEnv) {
    const value = extra.env?.[key] ?? store.get(secretEnvName(config.name, key))
    if (value !== undefined) env[key] = value
  }
  for (const key of config.secretHeaders) {
    const value = extra.headers?.[key] ?? store.get(secretHeaderName(config.name, key))
    if (value !== undefined) headers[key] = value
  }
  return { ...config, env: { ...env, ...extra.env }, headers: { ...headers, ...extra.headers } }
}
