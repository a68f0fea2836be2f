import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { McpServerConfig } from '../../../src-shared/contract/mcp'
import { windowsCommand } from './login-path'

export interface StdioSpawnOptions {
  /** The environment stdio servers inherit. */
  env: NodeJS.ProcessEnv
  /** The PATH for stdio servers (the login shell's); the env's PATH when omitted. */
  loginPath?: (() => Promise<string>) | undefined
  platform?: NodeJS.Platform | undefined
}

/**
 * The transport of a stdio server: its child gets the inherited environment with the login shell's
 * PATH (an app started from the desktop lacks the user's), the server's own env on top, and a piped
 * stderr for its log.
 */
export async function stdioTransport(config: McpServerConfig, options: StdioSpawnOptions): Promise<StdioClientTransport> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(options.env)) if (typeof value === 'string') env[key] = value
  const pathKey = Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH'
  if (options.loginPath) env[pathKey] = await options.loginPath()
  Object.assign(env, config.env)
  const command = config.command ?? ''
  const spawn = options.platform === 'win32' ? windowsCommand(command, config.args) : { command, args: config.args }
  return new StdioClientTransport({ command: spawn.command, args: spawn.args, env, stderr: 'pipe' })
}
