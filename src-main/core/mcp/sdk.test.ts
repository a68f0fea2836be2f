import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { McpServerConfigSchema } from '../../../src-shared/contract/mcp'
import { silentLogger } from '../log'
import { McpConnection } from './connection'
import { meansServerLost } from './reconnect'
import { isMcpError, isUnauthorizedError, loadedMcpSdk } from './sdk'

/**
 * The MCP SDK is imported by the first connection, not at start-up (this file has its own module
 * registry, so nothing else here has loaded it). test/startup-imports.test.ts checks the static graph.
 */
describe('the MCP SDK on first use', () => {
  it('is not loaded by the MCP code until a server connects, and then it is', async () => {
    expect(loadedMcpSdk()).toBeUndefined()
    // Before that no error can be one of the SDK's: the predicates answer without loading it.
    const lookalike = Object.assign(new Error('MCP error -32000: closed'), { name: 'McpError', code: -32000 })
    expect(isMcpError(lookalike)).toBe(false)
    expect(isUnauthorizedError(new Error('Unauthorized'))).toBe(false)
    expect(meansServerLost(lookalike)).toBe(false)
    expect(loadedMcpSdk()).toBeUndefined()

    const config = McpServerConfigSchema.parse({ name: 'srv', transport: 'stdio', command: process.execPath, args: [path.join(import.meta.dirname, 'testdata', 'stdio-server.mjs')] })
    const connection = new McpConnection({ config, env: { PATH: process.env.PATH }, log: silentLogger(), autoRestart: false })
    try {
      expect((await connection.start()).state).toBe('connected')
      const sdk = loadedMcpSdk()
      expect(sdk).toBeDefined()
      expect(meansServerLost(new sdk!.McpError(sdk!.ErrorCode.ConnectionClosed, 'closed'))).toBe(true)
    } finally {
      await connection.stop()
    }
  })
})
