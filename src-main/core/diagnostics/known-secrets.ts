import fs from 'node:fs'
import path from 'node:path'
import type { SecretScrubber } from '../log'
import { secretEnvName, secretHeaderName } from '../mcp/config-store'
import { keyNameFor } from '../providers'
import type { SecretStore } from '../secrets'

interface Deps {
  dataDir: string
  secrets: Pick<SecretStore, 'get'>
  scrubber: Pick<SecretScrubber, 'register'>
}

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

/**
 * Registers every stored secret the config files name (provider keys, MCP env values and headers)
 * with the scrubber, so no log line, echo or bundle can carry them. Re-reads only when
 * providers.json or mcp.json changed since the last look.
 */
export class KnownSecrets {
  private seen = ''

  constructor(private readonly deps: Deps) {}

  refresh(): void {
    const providersFile = path.join(this.deps.dataDir, 'providers.json')
    const mcpFile = path.join(this.deps.dataDir, 'mcp.json')
    const stamp = [providersFile, mcpFile].map((file) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0).join(':')
    if (stamp === this.seen) return
    this.seen = stamp
    for (const name of this.names(readJson(providersFile), readJson(mcpFile))) {
      try {
        const value = this.deps.secrets.get(name)
        if (value) this.deps.scrubber.register(value)
      } catch {
        // An unreadable secret store is reported by the checks; the scrubber's key shapes still apply.
      }
    }
  }

  private names(providers: unknown, mcp: unknown): string[] {
    const names: string[] = []
    if (isRecord(providers) && Array.isArray(providers.providers)) {
      for (const provider of providers.providers) if (isRecord(provider) && typeof provider.id === 'string') names.push(keyNameFor(provider.id))
    }
    const servers = isRecord(mcp) && isRecord(mcp.mcpServers) ? mcp.mcpServers : {}
    for (const [server, entry] of Object.entries(servers)) {
      if (!isRecord(entry)) continue
      for (const key of strings(entry.secretEnv)) names.push(secretEnvName(server, key))
      for (const header of strings(entry.secretHeaders)) names.push(secretHeaderName(server, header))
    }
    return names
  }
}
