import { isRecord, stringsIn, type SecretNameSource } from '../secrets'
import { secretEnvName, secretHeaderName } from './config-store'

/** MCP servers in mcp.json keep their secret env values and headers in the secret store. */
export const mcpSecretNames: SecretNameSource = {
  file: 'mcp.json',
  names(config) {
    const servers = isRecord(config) && isRecord(config.mcpServers) ? config.mcpServers : {}
    return Object.entries(servers).flatMap(([server, entry]) =>
      isRecord(entry) ? [...stringsIn(entry.secretEnv).map((key) => secretEnvName(server, key)), ...stringsIn(entry.secretHeaders).map((header) => secretHeaderName(server, header))] : [],
    )
  },
}
