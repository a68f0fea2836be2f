import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { ValidationError } from '../errors'
import { FileSecretStore } from '../secrets'
import { McpConfigStore, resolveSecrets } from './config-store'

afterAll(removeTempDirs)

function setup(): { dir: string; store: McpConfigStore; secrets: FileSecretStore; warnings: { obj: unknown; msg: string }[] } {
  const dir = makeTempDir('mcp-store-')
  const secrets = new FileSecretStore(path.join(dir, 'secrets.json'))
  const warnings: { obj: unknown; msg: string }[] = []
  const log = { warn: (obj: unknown, msg: string) => void warnings.push({ obj, msg }) } as never
  const store = new McpConfigStore({ dataDir: dir, secrets, log, now: () => new Date('2026-01-02T03:04:05.000Z') })
  return { dir, store, secrets, warnings }
}

describe('McpConfigStore', () => {
  it('saves servers in Claude Desktop’s map with secret values in the secret store only', () => {
    const { dir, store, secrets } = setup()
    const saved = store.save(
      { name: 'github', transport: 'stdio', command: 'npx', args: ['-y', 'server-github'], env: { LOG_LEVEL: 'info', GITHUB_TOKEN: 'typed-in-plain-by-mistake' } },
      { env: { GITHUB_TOKEN: 'ghp_real' } },
    )
    expect(saved).toMatchObject({ env: { LOG_LEVEL: 'info' }, secretEnv: ['GITHUB_TOKEN'] })
    store.save({ name: 'remote', transport: 'http', url: 'https://mcp.example.com/mcp', headers: { 'X-Team': 'core' }, description: 'Remote' }, { headers: { Authorization: 'Bearer abc' } })

    const text = fs.readFileSync(path.join(dir, 'mcp.json'), 'utf8')
    expect(text).not.toContain('ghp_real')
    expect(text).not.toContain('typed-in-plain')
    expect(text).not.toContain('Bearer abc')
    const file = JSON.parse(text) as { mcpServers: Record<string, Record<string, unknown>> }
    expect(file.mcpServers.github).toMatchObject({ transport: 'stdio', command: 'npx', args: ['-y', 'server-github'], env: { LOG_LEVEL: 'info' }, secretEnv: ['GITHUB_TOKEN'] })
    expect(file.mcpServers.github).not.toHaveProperty('name')
    expect(secrets.get('mcp.github.env.GITHUB_TOKEN')).toBe('ghp_real')
    expect(secrets.get('mcp.remote.header.Authorization')).toBe('Bearer abc')

    expect(store.list().map((c) => c.name)).toEqual(['github', 'remote'])
    expect(store.resolved('github')?.env).toEqual({ LOG_LEVEL: 'info', GITHUB_TOKEN: 'ghp_real' })
    expect(store.resolved('remote')?.headers).toEqual({ 'X-Team': 'core', Authorization: 'Bearer abc' })
    expect(store.resolved('nope')).toBeUndefined()
  })

  it('keeps a stored secret when a save does not repeat it, and drops one the server no longer lists', () => {
    const { store, secrets } = setup()
    store.save({ name: 'gh', transport: 'stdio', command: 'npx' }, { env: { GITHUB_TOKEN: 't1', OTHER_KEY: 'k1' } })
    store.save({ name: 'gh', transport: 'stdio', command: 'npx', args: ['-y', 'x'], secretEnv: ['GITHUB_TOKEN'] })
    expect(secrets.get('mcp.gh.env.GITHUB_TOKEN')).toBe('t1')
    expect(secrets.get('mcp.gh.env.OTHER_KEY')).toBeUndefined()
    expect(store.get('gh')?.args).toEqual(['-y', 'x'])
  })

  it('removes a server together with its secrets', () => {
    const { store, secrets } = setup()
    store.save({ name: 'remote', transport: 'http', url: 'https://x.example/mcp' }, { headers: { Authorization: 'Bearer abc' } })
    store.save({ name: 'other', transport: 'stdio', command: 'node' })
    expect(store.remove('remote')).toBe(true)
    expect(store.remove('remote')).toBe(false)
    expect(secrets.get('mcp.remote.header.Authorization')).toBeUndefined()
    expect(store.list().map((c) => c.name)).toEqual(['other'])
  })

  it('rejects an invalid config with the bad field named', () => {
    const { store } = setup()
    const error = (() => {
      try {
        store.save({ name: 'x', transport: 'http', url: 'ftp://nope' })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues).toEqual([{ path: 'url', message: 'an http or sse server needs an http(s) URL' }])
  })

  it('sets an invalid file aside, starts empty and warns', () => {
    const { dir, store, warnings } = setup()
    fs.writeFileSync(path.join(dir, 'mcp.json'), '{ "mcpServers": { broken')
    expect(store.list()).toEqual([])
    expect(fs.readFileSync(path.join(dir, 'mcp.json.bad-2026-01-02T03-04-05-000Z'), 'utf8')).toBe('{ "mcpServers": { broken')
    expect(warnings[0]?.msg).toBe('mcp.json is invalid; it was set aside and the server list starts empty')
    store.save({ name: 'fresh', transport: 'stdio', command: 'node' })
    expect(store.list().map((c) => c.name)).toEqual(['fresh'])

    fs.writeFileSync(path.join(dir, 'mcp.json'), '{ "mcpServers": [] }')
    expect(store.list()).toEqual([])
    expect(warnings[1]?.obj).toMatchObject({ reason: 'it has no "mcpServers" object' })
  })

  it('skips an invalid entry (with a warning) but keeps it in the file', () => {
    const { dir, store, warnings } = setup()
    fs.writeFileSync(path.join(dir, 'mcp.json'), JSON.stringify({ mcpServers: { good: { command: 'node', args: ['a.js'] }, bad: { args: ['x'] } } }))
    expect(store.list().map((c) => c.name)).toEqual(['good'])
    expect(warnings[0]).toMatchObject({ obj: { server: 'bad', reason: 'neither "command" nor "url" is set' } })
    store.save({ name: 'more', transport: 'stdio', command: 'uvx' })
    const file = JSON.parse(fs.readFileSync(path.join(dir, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, unknown> }
    expect(Object.keys(file.mcpServers).sort()).toEqual(['bad', 'good', 'more'])
    // A file with no mcpServers key yet is simply empty.
    fs.writeFileSync(path.join(dir, 'mcp.json'), '{}')
    expect(store.list()).toEqual([])
  })

  it('fills in values given for a test connection before they are saved', () => {
    const { store, secrets } = setup()
    const config = store.parse({ name: 'new', transport: 'stdio', command: 'node', secretEnv: ['API_KEY'] })
    expect(resolveSecrets(config, secrets, { env: { API_KEY: 'k' } }).env).toEqual({ API_KEY: 'k' })
    expect(resolveSecrets(config, secrets).env).toEqual({})
  })
})
