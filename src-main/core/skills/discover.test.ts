import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SkillSchema } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { discoverSkills, findSkill, loadSkill, SkillNotFoundError } from './discover'
import { SkillFileError } from './frontmatter'

afterEach(removeTempDirs)

function writeSkill(root: string, folder: string, frontmatter: string, body = 'Instructions.'): string {
  const dir = path.join(root, folder)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'SKILL.md'), `---\n${frontmatter}\n---\n${body}\n`)
  return dir
}

describe('discoverSkills', () => {
  it('finds user and workspace skills, the workspace overriding a user skill of the same name', async () => {
    const userDir = makeTempDir()
    const workspace = makeTempDir()
    const wsSkills = path.join(workspace, '.ollama-desk', 'skills')
    writeSkill(userDir, 'deploy', 'name: deploy\ndescription: user deploy')
    writeSkill(userDir, 'notes', 'name: notes\ndescription: take notes\nallowed-tools: Read, Write', 'Write notes.')
    const wsDeploy = writeSkill(wsSkills, 'deploy', 'name: deploy\ndescription: workspace deploy\nmodel: qwen3:8b')

    const found = await discoverSkills({ userDir, workspace })

    expect(found.problems).toEqual([])
    expect(found.dirs).toEqual([userDir, path.join(workspace, '.claude', 'skills'), wsSkills])
    expect(found.skills.map((loaded) => loaded.skill)).toEqual([
      { name: 'deploy', description: 'workspace deploy', source: 'workspace', dir: wsDeploy, allowedTools: [], model: 'qwen3:8b', hasHooks: false },
      { name: 'notes', description: 'take notes', source: 'user', dir: path.join(userDir, 'notes'), allowedTools: ['Read', 'Write'], hasHooks: false },
    ])
    for (const loaded of found.skills) expect(SkillSchema.parse(loaded.skill)).toEqual(loaded.skill)
    expect(found.skills[1]?.body).toBe('Write notes.')
    expect(found.skills[1]?.file).toBe(path.join(userDir, 'notes', 'SKILL.md'))
  })

  it('reads Claude Code’s folders too, with ours taking precedence at each level', async () => {
    const home = makeTempDir()
    const userDir = makeTempDir()
    const workspace = makeTempDir()
    writeSkill(path.join(home, '.claude', 'skills'), 'a', 'name: a\ndescription: from ~/.claude')
    writeSkill(path.join(home, '.claude', 'skills'), 'b', 'name: b\ndescription: from ~/.claude')
    writeSkill(userDir, 'b', 'name: b\ndescription: from our user dir')
    writeSkill(path.join(workspace, '.claude', 'skills'), 'c', 'name: c\ndescription: from ws .claude')
    writeSkill(path.join(workspace, '.claude', 'skills'), 'd', 'name: d\ndescription: from ws .claude')
    writeSkill(path.join(workspace, '.ollama-desk', 'skills'), 'd', 'name: d\ndescription: from ws .ollama-desk')

    const found = await discoverSkills({ userDir, workspace, home })

    expect(found.dirs[0]).toBe(path.join(home, '.claude', 'skills'))
    expect(found.skills.map(({ skill }) => [skill.name, skill.source, skill.description])).toEqual([
      ['a', 'user', 'from ~/.claude'],
      ['b', 'user', 'from our user dir'],
      ['c', 'workspace', 'from ws .claude'],
      ['d', 'workspace', 'from ws .ollama-desk'],
    ])
  })

  it('reports broken skills as problems and still returns the good ones', async () => {
    const userDir = makeTempDir()
    writeSkill(userDir, 'good', 'name: good\ndescription: fine')
    writeSkill(userDir, 'bad-name', 'name: Bad Name\ndescription: d')
    writeSkill(userDir, 'bad-yaml', 'name: x\ndescription: "unclosed')
    writeSkill(userDir, 'twin', 'name: good\ndescription: same name as another in this folder')
    fs.mkdirSync(path.join(userDir, 'empty-folder'))
    fs.mkdirSync(path.join(userDir, '.hidden'))
    fs.writeFileSync(path.join(userDir, 'README.md'), 'not a skill')

    const found = await discoverSkills({ userDir })

    expect(found.skills.map(({ skill }) => skill.name)).toEqual(['good'])
    expect(found.skills[0]?.skill.dir).toBe(path.join(userDir, 'good'))
    expect(found.problems).toEqual([
      { path: path.join(userDir, 'bad-name', 'SKILL.md'), message: expect.stringContaining('line 2: "name" must be lower-case') },
      { path: path.join(userDir, 'bad-yaml', 'SKILL.md'), message: expect.stringContaining('line 3: missing the closing " quote') },
      { path: path.join(userDir, 'empty-folder', 'SKILL.md'), message: expect.stringContaining('the folder has no SKILL.md') },
      { path: path.join(userDir, 'twin', 'SKILL.md'), message: `Skipped: the skill in ${path.join(userDir, 'good')} already has the name "good".` },
    ])
  })

  it('treats missing folders as empty and an unreadable skills path as a problem', async () => {
    const base = makeTempDir()
    const notADir = path.join(base, 'file')
    fs.writeFileSync(notADir, 'x')
    expect(await discoverSkills({ userDir: path.join(base, 'missing'), workspace: path.join(base, 'no-workspace') })).toEqual({
      skills: [],
      problems: [],
      dirs: [path.join(base, 'missing'), path.join(base, 'no-workspace', '.claude', 'skills'), path.join(base, 'no-workspace', '.ollama-desk', 'skills')],
    })
    const found = await discoverSkills({ userDir: notADir })
    expect(found.problems).toEqual([{ path: notADir, message: expect.stringContaining('Cannot read the skills folder') }])
  })

  it('marks skills with hooks', async () => {
    const userDir = makeTempDir()
    writeSkill(userDir, 'hooked', 'name: hooked\ndescription: d\nhooks:\n  SkillTrigger:\n    - hooks:\n        - type: command\n          command: echo hi')
    writeSkill(userDir, 'empty-hooks', 'name: empty-hooks\ndescription: d\nhooks:\n  SkillTrigger: []')
    const found = await discoverSkills({ userDir })
    expect(found.skills.map(({ skill }) => [skill.name, skill.hasHooks])).toEqual([
      ['empty-hooks', false],
      ['hooked', true],
    ])
    expect(findSkill(found.skills, 'hooked').hooks).toEqual({ SkillTrigger: [{ hooks: [{ type: 'command', command: 'echo hi' }] }] })
  })
})

describe('loadSkill and findSkill', () => {
  it('throws SkillFileError for a folder without SKILL.md', async () => {
    const dir = makeTempDir()
    await expect(loadSkill(dir, 'user')).rejects.toThrow(SkillFileError)
    await expect(loadSkill(dir, 'user')).rejects.toThrow(`${path.join(dir, 'SKILL.md')}: the folder has no SKILL.md`)
  })

  it('throws SkillFileError when SKILL.md cannot be read', async () => {
    const dir = makeTempDir()
    fs.mkdirSync(path.join(dir, 'SKILL.md'))
    await expect(loadSkill(dir, 'workspace')).rejects.toThrow(`${path.join(dir, 'SKILL.md')}: cannot read it: `)
  })

  it('throws SkillNotFoundError naming the known skills', async () => {
    const userDir = makeTempDir()
    writeSkill(userDir, 'one', 'name: one\ndescription: d')
    const { skills } = await discoverSkills({ userDir })
    let caught: unknown
    try {
      findSkill(skills, 'two')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(SkillNotFoundError)
    expect(caught).toMatchObject({ code: 'E_NOT_FOUND', message: 'There is no skill named "two".', hint: 'Known skills: one.' })
  })
})
