import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { runCli } from './run'

afterEach(() => removeTempDirs())

const server = path.join(import.meta.dirname, '..', 'core', 'mcp', 'testdata', 'stdio-server.mjs')

function setup() {
  const home = makeTempDir()
  const dir = makeTempDir()
  const run = async (args: string[]) => {
    const io = testIo({ HOME: home, PATH: process.env.PATH })
    const code = await runCli([...args, '--data-dir', dir], io)
    return { code, out: io.stdout(), err: io.stderr() }
  }
  return { home, dir, run }
}

describe('ollama-desk mcp', () => {
  it('adds a stdio server with a secret variable, tests it (listing its tools) and removes it', async () => {
    const { dir, run } = setup()
    expect((await run(['mcp', 'list'])).out).toContain('No MCP servers.')
    const added = await run(['mcp', 'add', 'test', process.execPath, server, '--secret-env', 'SECRET_TOKEN=tok-0123456789abcdef'])
    expect(added).toMatchObject({ code: 0, out: expect.stringMatching(/^added test/) })
    expect(fs.readFileSync(path.join(dir, 'mcp.json'), 'utf8')).not.toContain('tok-0123456789abcdef')
    expect((await run(['mcp', 'list'])).out).toMatch(/test\s+stdio\s+on\s+\w+\s+\d+\s+.*stdio-server\.mjs/)
    const tested = await run(['mcp', 'test', 'test'])
    expect(tested.code).toBe(0)
    expect(tested.out).toMatch(/^ok {2}\d+ ms {2}\d+ tools\n/)
    expect(tested.out).toContain('mcp__test__echo')
    expect(await run(['mcp', 'remove', 'test'])).toMatchObject({ code: 0, out: 'removed test\n' })
    expect(await run(['mcp', 'remove', 'test'])).toMatchObject({ code: 1 })
  })

  it('imports Claude Desktop’s config, skipping broken entries with a reason', async () => {
    const { home, run } = setup()
    const file = path.join(home, '.config', 'Claude', 'claude_desktop_config.json')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { files: { command: process.execPath, args: ['-e', 'process.exit(0)'] }, broken: { args: ['no command'] } } }))
    const imported = await run(['mcp', 'import', 'claude-desktop', '--file', file])
    expect(imported.code).toBe(0)
    expect(imported.out).toContain('imported 1: files')
    expect(imported.out).toMatch(/skipped broken: /)
  })

  it('refuses incomplete commands with a usage line', async () => {
    const { run } = setup()
    expect(await run(['mcp', 'add', 'x'])).toMatchObject({ code: 2, err: expect.stringContaining('usage: ollama-desk mcp add') })
    expect(await run(['mcp', 'import', 'somewhere'])).toMatchObject({ code: 2 })
    expect(await run(['mcp', 'test'])).toMatchObject({ code: 2 })
  })
})
