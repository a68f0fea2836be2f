import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Result } from '../../../src-shared/contract'
import { createTestCore } from '../../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import type { Core } from '.'

const cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()))
  removeTempDirs()
})

const fixture = (name: string): string => fs.readFileSync(path.join(import.meta.dirname, '..', 'agents', 'testdata', name), 'utf8')
const agentText = (name: string, description = 'Helps.', body = 'You help.'): string => `---\nname: ${name}\ndescription: ${description}\n---\n${body}\n`

function agentsCore() {
  const { core, dir } = createTestCore()
  cores.push(core)
  const workspace = makeTempDir('agents-ws-')
  const call = async (route: string, input: unknown): Promise<Result<Record<string, unknown>>> =>
    (await core.dispatcher.call(route, input, { signal: new AbortController().signal, clientId: 'test' })) as Result<Record<string, unknown>>
  const value = async (route: string, input: unknown): Promise<Record<string, unknown>> => {
    const result = await call(route, input)
    if (!result.ok) throw new Error(`${route}: ${JSON.stringify(result.error)}`)
    return result.value
  }
  return { core, dir, workspace, call, value, userDir: path.join(dir, 'agents') }
}

describe('agents routes', () => {
  it('import then export gives the file back byte for byte, unknown fields and comments included', async () => {
    const { value, userDir } = agentsCore()
    const text = fixture('every-field.md')
    const imported = await value('agents.import', { text, into: 'user' })
    expect(imported.agent).toMatchObject({ name: 'release-checker', source: 'user', file: path.join(userDir, 'release-checker.md'), unknownTools: ['NotebookRead', 'TodoWrite', 'KillShell'], extraFields: ['background', 'isolation', 'x-team'], mcpServers: ['github', 'docs'], hasHooks: true, editable: true })
    expect(fs.readFileSync(path.join(userDir, 'release-checker.md'), 'utf8')).toBe(text)
    expect(await value('agents.export', { name: 'release-checker' })).toEqual({ fileName: 'release-checker.md', text })
    expect(await value('agents.get', { name: 'release-checker' })).toMatchObject({ text, agent: { source: 'user' } })
  })

  it('lists clashes and broken files; a workspace agent wins over the data folder’s', async () => {
    const { value, workspace, userDir } = agentsCore()
    await value('agents.save', { text: agentText('helper', 'user level'), into: 'user' })
    await value('agents.save', { text: agentText('helper', 'workspace level'), into: 'workspace', workspace })
    fs.writeFileSync(path.join(userDir, 'broken.md'), '---\nname: broken\ndescription: [x\n---\nx\n')
    const listed = await value('agents.list', { workspace })
    const helper = (listed.agents as { name: string; source: string; description: string; shadows: unknown[] }[]).find((agent) => agent.name === 'helper')
    expect(helper).toMatchObject({ source: 'workspace', description: 'workspace level', shadows: [{ source: 'user', file: path.join(userDir, 'helper.md') }] })
    expect(listed.problems).toEqual([{ source: 'user', file: path.join(userDir, 'broken.md'), issues: [{ line: 3, message: 'missing "]" at the end of the list' }] }])
    expect((listed.roots as { source: string }[]).map((root) => root.source).slice(0, 5)).toEqual(['workspace', 'workspace-claude', 'workspace-github', 'user', 'home-claude'])
    // The shadowed one is still reachable by its source.
    expect(await value('agents.get', { name: 'helper', source: 'user' })).toMatchObject({ agent: { source: 'user', description: 'user level' } })
  })

  it('validates as the user types: every problem with its line, the agent when there is none', async () => {
    const { value } = agentsCore()
    expect(await value('agents.validate', { text: '---\nname: x\ndescription: d\nmaxTurns: -1\ncolor: 5\n---\nhi' })).toEqual({
      issues: [
        { line: 4, message: '"maxTurns" must be a whole number from 1 to 10000; found number -1' },
        { line: 5, message: '"color" must be non-empty text, found number 5' },
      ],
      agent: null,
    })
    expect(await value('agents.validate', { text: agentText('fine') })).toMatchObject({ issues: [], agent: { name: 'fine', description: 'Helps.', prompt: 'You help.', tools: null } })
  })

  it('edits in place, renames the file with the agent, and refuses a name that is taken', async () => {
    const { value, call, userDir } = agentsCore()
    await value('agents.save', { text: agentText('first'), into: 'user' })
    await value('agents.save', { text: agentText('second'), into: 'user' })
    expect(await call('agents.save', { text: agentText('first'), into: 'user' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('An agent named "first" already exists') } })
    await value('agents.save', { text: agentText('first', 'Changed.'), original: { name: 'first', source: 'user' } })
    expect(fs.readFileSync(path.join(userDir, 'first.md'), 'utf8')).toBe(agentText('first', 'Changed.'))
    const renamed = await value('agents.save', { text: agentText('renamed', 'Changed.'), original: { name: 'first', source: 'user' } })
    expect(renamed.agent).toMatchObject({ name: 'renamed', file: path.join(userDir, 'renamed.md') })
    expect(fs.readdirSync(userDir).sort()).toEqual(['renamed.md', 'second.md'])
    expect(await call('agents.save', { text: agentText('second'), original: { name: 'renamed', source: 'user' } })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    expect(fs.readFileSync(path.join(userDir, 'renamed.md'), 'utf8')).toBe(agentText('renamed', 'Changed.'))
  })

  it('refuses an invalid file with its line-numbered problems and changes nothing on disk', async () => {
    const { value, call, userDir } = agentsCore()
    await value('agents.save', { text: agentText('kept'), into: 'user' })
    const refused = await call('agents.save', { text: '---\nname: kept\ndescription: d\npermissionMode: yolo\n---\nx', original: { name: 'kept', source: 'user' } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', issues: [{ path: 'line 4', message: expect.stringContaining('"permissionMode" must be one of') }] } })
    expect(fs.readFileSync(path.join(userDir, 'kept.md'), 'utf8')).toBe(agentText('kept'))
    expect(await call('agents.import', { text: 'no frontmatter', into: 'user' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', issues: [{ path: 'line 1' }] } })
    expect(fs.readdirSync(userDir)).toEqual(['kept.md'])
  })

  it('duplicates (only the name changes), deletes, and never changes a plugin’s or the starter library’s file', async () => {
    const { value, call, dir, workspace } = agentsCore()
    const pluginFile = path.join(dir, 'plugins', 'acme', 'agents', 'release-checker.md')
    fs.mkdirSync(path.dirname(pluginFile), { recursive: true })
    fs.writeFileSync(pluginFile, fixture('every-field.md'))
    const copy = await value('agents.duplicate', { name: 'release-checker', newName: 'my-checker', into: 'workspace', workspace })
    const copyFile = path.join(workspace, '.ollama-desk', 'agents', 'my-checker.md')
    expect(copy.agent).toMatchObject({ name: 'my-checker', source: 'workspace', file: copyFile })
    expect(fs.readFileSync(copyFile, 'utf8')).toBe(fixture('every-field.md').replace('name: release-checker', 'name: my-checker'))
    expect(await call('agents.delete', { name: 'release-checker', source: 'plugin' })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', hint: expect.stringContaining('Duplicate') } })
    expect(await call('agents.save', { text: agentText('release-checker'), original: { name: 'release-checker', source: 'plugin' } })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } })
    expect(fs.readFileSync(pluginFile, 'utf8')).toBe(fixture('every-field.md'))
    expect(await value('agents.delete', { name: 'my-checker', source: 'workspace', workspace })).toEqual({ deleted: copyFile })
    expect(fs.existsSync(copyFile)).toBe(false)
    expect(await call('agents.delete', { name: 'my-checker', source: 'workspace', workspace })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
  })

  it('lists the starter library, read-only, and duplicating a starter gives an agent of your own', async () => {
    const { value, call, userDir } = agentsCore()
    const listed = (await value('agents.list', {})).agents as { name: string; source: string; editable: boolean }[]
    expect(listed.filter((agent) => agent.source === 'builtin').map((agent) => [agent.name, agent.editable])).toEqual([
      ['code-reviewer', false],
      ['shell-expert', false],
      ['summariser', false],
      ['translator', false],
      ['writing-editor', false],
    ])
    expect(await call('agents.delete', { name: 'translator', source: 'builtin' })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', message: expect.stringContaining('starter library') } })
    const copy = await value('agents.duplicate', { name: 'translator', newName: 'my-translator', into: 'user' })
    expect(copy.agent).toMatchObject({ name: 'my-translator', source: 'user', editable: true, tools: [] })
    expect(fs.readdirSync(userDir)).toEqual(['my-translator.md'])
  })

  it('import refuses a taken name unless told to overwrite', async () => {
    const { value, call, userDir } = agentsCore()
    await value('agents.import', { text: agentText('twin', 'first'), into: 'user' })
    expect(await call('agents.import', { text: agentText('twin', 'second'), into: 'user' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    await value('agents.import', { text: agentText('twin', 'second'), into: 'user', overwrite: true })
    expect(fs.readFileSync(path.join(userDir, 'twin.md'), 'utf8')).toBe(agentText('twin', 'second'))
  })

  it.each([
    ['agents.list', { workspace: '' }, 'workspace'],
    ['agents.list', { extra: 1 }, '(root)'],
    ['agents.get', { name: 'Bad Name' }, 'name'],
    ['agents.get', { name: 'a', source: 'elsewhere' }, 'source'],
    ['agents.validate', {}, 'text'],
    ['agents.validate', { text: 'x'.repeat(256 * 1024 + 1) }, 'text'],
    ['agents.save', { text: 'x', into: 'team' }, 'into'],
    ['agents.save', { text: 'x', original: { name: 'a' } }, 'original.source'],
    ['agents.delete', { name: 'a' }, 'source'],
    ['agents.duplicate', { name: 'a', newName: '../escape', into: 'user' }, 'newName'],
    ['agents.import', { text: 'x', into: 'user', overwrite: 'yes' }, 'overwrite'],
    ['agents.export', { name: 'x'.repeat(65) }, 'name'],
  ])('%s refuses %j with a clear error on %s', async (route, input, field) => {
    const { call } = agentsCore()
    const result = await call(route, input)
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    if (!result.ok) expect(result.error.issues?.map((issue) => issue.path)).toContain(field)
  })

  it('a workspace target needs the workspace, and one that is a file is named in a 4xx error', async () => {
    const { call, workspace } = agentsCore()
    const file = path.join(workspace, 'a-file')
    fs.writeFileSync(file, 'x')
    expect(await call('agents.save', { text: agentText('a'), into: 'workspace', workspace: file })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining(`${file} is a file, not a folder`) } })
    expect(await call('agents.list', { workspace: file })).toMatchObject({ ok: true, value: { problems: [] } })
    expect(await call('agents.save', { text: agentText('a'), into: 'workspace' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', issues: [{ path: 'workspace' }] } })
  })
})
