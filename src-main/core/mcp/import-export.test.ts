import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { AppError, ValidationError } from '../errors'
import { SECRET_PLACEHOLDER, claudeDesktopConfigPath, exportMcpServersJson, looksSecret, ollamaCliConfigPath, parseMcpServersJson, readImportSource } from './import-export'

afterAll(removeTempDirs)

describe('claudeDesktopConfigPath', () => {
  it('knows where Claude Desktop keeps its config on each platform', () => {
    expect(claudeDesktopConfigPath('darwin', '/Users/me', {})).toBe('/Users/me/Library/Application Support/Claude/claude_desktop_config.json')
    expect(claudeDesktopConfigPath('win32', 'C:\\Users\\me', { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' })).toBe('C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json')
    expect(claudeDesktopConfigPath('win32', 'C:\\Users\\me', {})).toBe('C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json')
    expect(claudeDesktopConfigPath('linux', '/home/me', {})).toBe('/home/me/.config/Claude/claude_desktop_config.json')
    expect(claudeDesktopConfigPath('linux', '/home/me', { XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/Claude/claude_desktop_config.json')
    expect(ollamaCliConfigPath('/work/proj')).toBe('/work/proj/.ollama/mcp.json')
  })
})

describe('parseMcpServersJson', () => {
  it('reads stdio and remote entries and moves secret-looking values out', () => {
    const parsed = parseMcpServersJson(
      JSON.stringify({
        mcpServers: {
          github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x', LOG_LEVEL: 'debug' } },
          remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer abc', 'X-Team': 'core' } },
          legacy: { type: 'sse', url: 'https://old.example.com/events' },
          streamable: { type: 'streamable-http', url: 'https://new.example.com/mcp' },
          guessed: { url: 'https://guess.example.com/sse' },
        },
      }),
    )
    expect(parsed.skipped).toEqual([])
    const byName = Object.fromEntries(parsed.servers.map((s) => [s.config.name, s]))
    expect(byName.github?.config).toMatchObject({ transport: 'stdio', command: 'npx', env: { LOG_LEVEL: 'debug' }, secretEnv: ['GITHUB_PERSONAL_ACCESS_TOKEN'], enabled: true })
    expect(byName.github?.secrets).toEqual({ env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x' }, headers: {} })
    expect(byName.remote?.config).toMatchObject({ transport: 'http', headers: { 'X-Team': 'core' }, secretHeaders: ['Authorization'] })
    expect(byName.remote?.secrets.headers).toEqual({ Authorization: 'Bearer abc' })
    expect(byName.legacy?.config.transport).toBe('sse')
    expect(byName.streamable?.config.transport).toBe('http')
    expect(byName.guessed?.config.transport).toBe('sse')
  })

  it('accepts a bare map and honours description, enabled and disabled', () => {
    const parsed = parseMcpServersJson(
      JSON.stringify({
        files: { command: 'node', args: ['fs.js'], description: 'Project files', enabled: false },
        cline: { command: 'uvx', args: ['mcp-server-git'], disabled: true },
      }),
    )
    expect(parsed.servers.map((s) => [s.config.name, s.config.enabled, s.config.description])).toEqual([
      ['files', false, 'Project files'],
      ['cline', false, undefined],
    ])
  })

  it('skips invalid entries with a reason and keeps the rest', () => {
    const parsed = parseMcpServersJson(
      JSON.stringify({
        mcpServers: {
          ok: { command: 'node' },
          'bad name!': { command: 'node' },
          nothing: {},
          strange: { type: 'websocket', url: 'ws://x' },
          badArgs: { command: 'node', args: 'server.js' },
          badEnv: { command: 'node', env: { A: { nested: true } } },
          notHttp: { url: 'ftp://example.com' },
          notObject: 'node server.js',
          emptyCommand: { command: '  ' },
        },
      }),
    )
    expect(parsed.servers.map((s) => s.config.name)).toEqual(['ok'])
    expect(parsed.skipped).toEqual([
      { name: 'bad name!', reason: 'the name may use only letters, digits, _ and - (at most 64)' },
      { name: 'nothing', reason: 'neither "command" nor "url" is set' },
      { name: 'strange', reason: 'unknown transport type "websocket"' },
      { name: 'badArgs', reason: '"args" must be a list of strings' },
      { name: 'badEnv', reason: '"env.A" must be a string' },
      { name: 'notHttp', reason: 'url: an http or sse server needs an http(s) URL' },
      { name: 'notObject', reason: 'the entry is not an object' },
      { name: 'emptyCommand', reason: 'command: a stdio server needs a command' },
    ])
  })

  it('rejects text that is not a JSON object with a clear error', () => {
    expect(() => parseMcpServersJson('{ nope')).toThrow(ValidationError)
    expect(() => parseMcpServersJson('{ nope')).toThrow(/^This is not valid JSON/)
    expect(() => parseMcpServersJson('[1]')).toThrow('Expected a JSON object with "mcpServers" or a map of servers.')
    expect(() => parseMcpServersJson('{"mcpServers": []}')).toThrow('"mcpServers" must be an object mapping names to servers.')
  })

  it('tells secret names from plain ones', () => {
    for (const name of ['API_KEY', 'GITHUB_TOKEN', 'Authorization', 'X-Api-Key', 'DB_PASSWORD', 'CLIENT_SECRET', 'Cookie']) expect(looksSecret(name)).toBe(true)
    for (const name of ['PATH', 'LOG_LEVEL', 'HOME', 'X-Team', 'NODE_ENV']) expect(looksSecret(name)).toBe(false)
  })
})

describe('exportMcpServersJson', () => {
  it('writes Claude Desktop’s format without secret values, and reads back into the same configs', () => {
    const parsed = parseMcpServersJson(
      JSON.stringify({
        mcpServers: {
          github: { command: 'npx', args: ['-y', 'server-github'], env: { GITHUB_TOKEN: 'ghp_secret', LOG_LEVEL: 'info' }, description: 'GitHub' },
          remote: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer abc' }, enabled: false },
        },
      }),
    )
    const json = exportMcpServersJson(parsed.servers.map((s) => s.config))
    expect(json).not.toContain('ghp_secret')
    expect(json).not.toContain('Bearer abc')
    expect(JSON.parse(json)).toEqual({
      mcpServers: {
        github: { command: 'npx', args: ['-y', 'server-github'], env: { LOG_LEVEL: 'info', GITHUB_TOKEN: SECRET_PLACEHOLDER }, description: 'GitHub' },
        remote: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: SECRET_PLACEHOLDER }, enabled: false },
      },
    })
    const again = parseMcpServersJson(json)
    expect(again.servers.map((s) => s.config)).toEqual(parsed.servers.map((s) => s.config))
    // A placeholder marks the name secret but brings no value to store.
    expect(again.servers.map((s) => s.secrets)).toEqual([
      { env: {}, headers: {} },
      { env: {}, headers: {} },
    ])
  })
})

describe('readImportSource', () => {
  it('reads pasted JSON, Claude Desktop’s file in the home, a workspace’s .ollama/mcp.json or a given path', async () => {
    const home = makeTempDir('mcp-import-home-')
    const where = { platform: 'darwin' as const, home, env: {} }
    const claude = claudeDesktopConfigPath('darwin', home, {})
    fs.mkdirSync(path.dirname(claude), { recursive: true })
    fs.writeFileSync(claude, '{"mcpServers":{}}')
    const workspace = makeTempDir('mcp-import-ws-')
    fs.mkdirSync(path.join(workspace, '.ollama'))
    fs.writeFileSync(path.join(workspace, '.ollama', 'mcp.json'), '{"a":1}')

    expect(await readImportSource({ from: 'json', json: '{}' }, where)).toEqual({ text: '{}', file: null })
    expect(await readImportSource({ from: 'claude-desktop' }, where)).toEqual({ text: '{"mcpServers":{}}', file: claude })
    expect(await readImportSource({ from: 'ollama-cli', workspace }, where)).toEqual({ text: '{"a":1}', file: path.join(workspace, '.ollama', 'mcp.json') })
    expect((await readImportSource({ from: 'json', path: claude }, where)).file).toBe(claude)
  })

  it('says clearly what is missing', async () => {
    const where = { platform: 'linux' as const, home: makeTempDir('mcp-import-empty-'), env: {} }
    await expect(readImportSource({ from: 'json' }, where)).rejects.toThrow(new ValidationError('Paste the `mcpServers` JSON to import.'))
    await expect(readImportSource({ from: 'ollama-cli' }, where)).rejects.toThrow('Choose the workspace whose .ollama/mcp.json to import.')
    const missing = await readImportSource({ from: 'claude-desktop' }, where).catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(AppError)
    expect(missing).toMatchObject({ code: 'E_NOT_FOUND', message: `There is no file at ${path.join(where.home, '.config', 'Claude', 'claude_desktop_config.json')}.` })
  })

  it('refuses a named pipe at once, and never echoes a file that is not JSON (issue 19.4, 19.9)', async () => {
    const where = { platform: 'linux' as const, home: makeTempDir('mcp-import-fifo-'), env: {} }
    const pipe = path.join(where.home, 'mcp.json')
    execFileSync('mkfifo', [pipe])
    await expect(readImportSource({ from: 'json', path: pipe }, where)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/is a named pipe/) })
    const secret = path.join(where.home, 'passwd')
    fs.writeFileSync(secret, 'root:SECRET-HASH-1234:0:0:root:/root:/bin/bash\n')
    const { text } = await readImportSource({ from: 'json', path: secret }, where)
    const refused = (() => {
      try {
        return parseMcpServersJson(text)
      } catch (error) {
        return error as Error
      }
    })()
    expect(refused).toMatchObject({ code: 'E_VALIDATION', message: 'This is not valid JSON.' })
    expect(JSON.stringify(refused)).not.toContain('SECRET')
  })
})
