import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { discoverAgents, type AgentDiscoveryOptions } from './discover'

afterEach(() => removeTempDirs())

const file = (name: string, description: string, extra = ''): string => `---\nname: ${name}\ndescription: ${description}\n${extra}---\nYou are ${description}.\n`

function write(dir: string, name: string, text: string): string {
  fs.mkdirSync(dir, { recursive: true })
  const target = path.join(dir, name)
  fs.writeFileSync(target, text)
  return target
}

/** Every folder discovery reads, each holding an agent called `same` (and one of its own). */
function everyFolder() {
  const workspace = makeTempDir('agents-ws-')
  const home = makeTempDir('agents-home-')
  const data = makeTempDir('agents-data-')
  const options: AgentDiscoveryOptions = {
    workspace,
    home,
    userDir: path.join(data, 'agents'),
    pluginsDir: path.join(data, 'plugins'),
    startersDir: path.join(data, 'starters'),
  }
  const dirs = {
    workspace: path.join(workspace, '.ollama-desk', 'agents'),
    'workspace-claude': path.join(workspace, '.claude', 'agents'),
    'workspace-github': path.join(workspace, '.github', 'agents'),
    user: path.join(data, 'agents'),
    'home-claude': path.join(home, '.claude', 'agents'),
    plugin: path.join(data, 'plugins', 'acme', 'agents'),
    builtin: path.join(data, 'starters'),
  }
  const files = Object.fromEntries(
    Object.entries(dirs).map(([source, dir]) => {
      const suffix = source === 'workspace-github' ? '.agent.md' : '.md'
      write(dir, `own-${source}${suffix}`, file(`own-${source}`, `only in ${source}`))
      return [source, write(dir, `same${suffix}`, file('same', `the one in ${source}`))]
    }),
  )
  return { options, dirs, files }
}

describe('discoverAgents', () => {
  it('finds agents in every folder and, on a clash, uses the highest priority and shows the others', async () => {
    const { options, files } = everyFolder()
    const { agents, problems } = await discoverAgents(options)
    expect(problems).toEqual([])
    expect(agents.map((agent) => [agent.definition.name, agent.source])).toEqual([
      ['own-builtin', 'builtin'],
      ['own-home-claude', 'home-claude'],
      ['own-plugin', 'plugin'],
      ['own-user', 'user'],
      ['own-workspace', 'workspace'],
      ['own-workspace-claude', 'workspace-claude'],
      ['own-workspace-github', 'workspace-github'],
      ['same', 'workspace'],
    ])
    const same = agents.find((agent) => agent.definition.name === 'same')
    expect(same?.file).toBe(files.workspace)
    expect(same?.shadows).toEqual([
      { source: 'workspace-claude', file: files['workspace-claude'] },
      { source: 'workspace-github', file: files['workspace-github'] },
      { source: 'user', file: files.user },
      { source: 'home-claude', file: files['home-claude'] },
      { source: 'plugin', file: files.plugin },
      { source: 'builtin', file: files.builtin },
    ])
  })

  it('goes down the priorities as the higher folders lose their file', async () => {
    const { options, files } = everyFolder()
    const order = ['workspace', 'workspace-claude', 'workspace-github', 'user', 'home-claude', 'plugin', 'builtin'] as const
    for (const [index, source] of order.entries()) {
      const same = (await discoverAgents(options)).agents.find((agent) => agent.definition.name === 'same')
      expect(same?.source).toBe(source)
      expect(same?.shadows.map((shadow) => shadow.source)).toEqual(order.slice(index + 1))
      fs.rmSync(files[source] ?? '')
    }
    expect((await discoverAgents(options)).agents.some((agent) => agent.definition.name === 'same')).toBe(false)
  })

  it('without a workspace reads only the data folder, ~/.claude/agents, plugins and the starters', async () => {
    const { options } = everyFolder()
    const { agents, roots } = await discoverAgents({ ...options, workspace: null })
    expect(new Set(agents.map((agent) => agent.source))).toEqual(new Set(['user', 'home-claude', 'plugin', 'builtin']))
    expect(roots.map((root) => root.source)).toEqual(['user', 'home-claude', 'plugin', 'builtin'])
  })

  it('skips an invalid file with its line-numbered problems and still loads the rest', async () => {
    const { options, dirs } = everyFolder()
    const broken = write(dirs.user, 'broken.md', '---\nname: broken\ndescription: d\nmaxTurns: lots\ntools: [Read\n---\nx\n')
    const bad = write(dirs.workspace, 'bad.md', '---\nname: Not Valid\ndescription: d\nmaxTurns: lots\n---\nx\n')
    const binary = write(dirs['home-claude'], 'binary.md', '\u0000\u0001\u0002')
    const { agents, problems } = await discoverAgents(options)
    expect(agents).toHaveLength(8)
    expect(problems).toEqual([
      {
        source: 'workspace',
        file: bad,
        issues: [
          { line: 2, message: '"name" must be lower-case letters, digits and single dashes, at most 64 characters; found "Not Valid"' },
          { line: 4, message: '"maxTurns" must be a whole number from 1 to 10000; found string "lots"' },
        ],
      },
      { source: 'user', file: broken, issues: [{ line: 5, message: 'missing "]" at the end of the list' }] },
      { source: 'home-claude', file: binary, issues: [{ line: 1, message: 'an agent file must start with a "---" line that opens the frontmatter (name, description)' }] },
    ])
  })

  it('reports a second file of the same name in one folder, and ignores folders, other files and hidden files', async () => {
    const { options, dirs } = everyFolder()
    const twin = write(dirs.user, 'z-twin.md', file('own-user', 'a twin'))
    fs.mkdirSync(path.join(dirs.user, 'folder.md'))
    write(dirs.user, 'notes.txt', 'not an agent')
    write(dirs.user, '.hidden.md', 'not read')
    write(dirs['workspace-github'], 'plain.md', file('plain', 'not an .agent.md file'))
    const { agents, problems } = await discoverAgents(options)
    expect(agents).toHaveLength(8)
    expect(problems).toEqual([{ source: 'user', file: twin, issues: [{ line: null, message: 'Skipped: own-user.md in the same folder already has the name "own-user".' }] }])
  })

  it('reports a folder it cannot read, and a path that is a file instead of a folder is simply empty', async () => {
    const data = makeTempDir('agents-data-')
    const userDir = path.join(data, 'agents')
    fs.writeFileSync(userDir, 'a file, not a folder')
    const denied = { readdir: () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })), stat: fs.promises.stat, readFile: fs.promises.readFile }
    expect(await discoverAgents({ userDir })).toMatchObject({ agents: [], problems: [] })
    expect((await discoverAgents({ userDir, fs: denied })).problems).toEqual([{ source: 'user', file: userDir, issues: [{ line: null, message: 'Cannot read the folder: EACCES: permission denied' }] }])
  })
})
