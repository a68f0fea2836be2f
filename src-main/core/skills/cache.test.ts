import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { SkillCache } from './cache'
import { discoverSkills, type SkillFs } from './discover'

afterEach(removeTempDirs)

function writeSkill(root: string, folder: string, description: string): string {
  const dir = path.join(root, folder)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'SKILL.md'), `---\nname: ${folder}\ndescription: ${description}\n---\nDo ${folder}.\n`)
  return path.join(dir, 'SKILL.md')
}

/** node's fs, counting the SKILL.md files read and able to refuse reading them, as an unreadable file would. */
function countingFs() {
  const reads: string[] = []
  const state = { unreadable: false }
  const skillFs: SkillFs = {
    readdir: (dir) => fsp.readdir(dir),
    stat: (file) => fsp.stat(file),
    async readFile(file, encoding) {
      if (state.unreadable) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' })
      reads.push(file)
      return fsp.readFile(file, encoding)
    },
  }
  return { skillFs, reads, state }
}

const names = (found: { skills: { skill: { name: string; description: string } }[] }) => found.skills.map(({ skill }) => `${skill.name}: ${skill.description}`)

describe('SkillCache', () => {
  it('answers as discoverSkills does, and a second turn reads no unchanged SKILL.md', async () => {
    const userDir = makeTempDir()
    const workspace = makeTempDir()
    writeSkill(userDir, 'notes', 'take notes')
    writeSkill(path.join(workspace, '.ollama-desk', 'skills'), 'deploy', 'ship it')
    fs.mkdirSync(path.join(userDir, 'broken'))
    const { skillFs, reads, state } = countingFs()
    const cache = new SkillCache({ fs: skillFs })

    const first = await cache.discover({ userDir, workspace })
    expect(first).toEqual(await discoverSkills({ userDir, workspace }))
    expect(names(first)).toEqual(['deploy: ship it', 'notes: take notes'])
    expect(first.problems).toEqual([{ path: path.join(userDir, 'broken', 'SKILL.md'), message: expect.stringContaining('the folder has no SKILL.md') }])
    expect(reads).toHaveLength(2)

    // The files cannot be read any more, but nothing about them changed: the cache answers.
    state.unreadable = true
    const second = await cache.discover({ userDir, workspace })
    expect(second).toEqual(first)
    expect(reads).toHaveLength(2)
  })

  it('reads a SKILL.md again on the next turn once it is edited', async () => {
    const userDir = makeTempDir()
    const notes = writeSkill(userDir, 'notes', 'take notes')
    writeSkill(userDir, 'other', 'untouched')
    const { skillFs, reads } = countingFs()
    const cache = new SkillCache({ fs: skillFs })
    await cache.discover({ userDir })
    reads.length = 0

    fs.writeFileSync(notes, '---\nname: notes\ndescription: take better notes\n---\nDo notes well.\n')
    const found = await cache.discover({ userDir })
    expect(names(found)).toEqual(['notes: take better notes', 'other: untouched'])
    expect(found.skills[0]?.body).toBe('Do notes well.')
    expect(reads).toEqual(expect.arrayContaining([notes]))
  })

  it('picks up an edit that keeps the size, made by replacing the file as editors do', async () => {
    const userDir = makeTempDir()
    const notes = writeSkill(userDir, 'notes', 'version-1')
    const cache = new SkillCache()
    expect(names(await cache.discover({ userDir }))).toEqual(['notes: version-1'])
    const replacement = `${notes}.tmp`
    fs.writeFileSync(replacement, fs.readFileSync(notes, 'utf8').replace('version-1', 'version-2'))
    fs.renameSync(replacement, notes)
    expect(names(await cache.discover({ userDir }))).toEqual(['notes: version-2'])
  })

  it('sees a skill added, a SKILL.md written into an empty folder, and a skill removed', async () => {
    const userDir = makeTempDir()
    const workspace = makeTempDir()
    writeSkill(userDir, 'notes', 'take notes')
    fs.mkdirSync(path.join(userDir, 'draft'))
    const cache = new SkillCache()
    expect(names(await cache.discover({ userDir, workspace }))).toEqual(['notes: take notes'])

    // The workspace's skills folder did not exist at first.
    writeSkill(path.join(workspace, '.claude', 'skills'), 'review', 'review code')
    writeSkill(userDir, 'draft', 'now written')
    const grown = await cache.discover({ userDir, workspace })
    expect(names(grown)).toEqual(['draft: now written', 'notes: take notes', 'review: review code'])
    expect(grown.problems).toEqual([])

    fs.rmSync(path.join(userDir, 'notes'), { recursive: true })
    expect(names(await cache.discover({ userDir, workspace }))).toEqual(['draft: now written', 'review: review code'])
  })

  it('keeps each folder set apart and forgets the least recently used one past its limit', async () => {
    const userDir = makeTempDir()
    const [a, b] = [makeTempDir(), makeTempDir()]
    for (const [workspace, name] of [[a, 'in-a'], [b, 'in-b']] as const) writeSkill(path.join(workspace, '.ollama-desk', 'skills'), name, 'here')
    const { skillFs, reads } = countingFs()
    const cache = new SkillCache({ fs: skillFs, maxEntries: 2 })
    expect(names(await cache.discover({ userDir, workspace: a }))).toEqual(['in-a: here'])
    expect(names(await cache.discover({ userDir, workspace: b }))).toEqual(['in-b: here'])
    expect(names(await cache.discover({ userDir }))).toEqual([])
    expect(reads).toHaveLength(2)
    // `a` was the least recently used of three: it is read again; `b` is still cached.
    await cache.discover({ userDir, workspace: b })
    expect(reads).toHaveLength(2)
    await cache.discover({ userDir, workspace: a })
    expect(reads).toHaveLength(3)
  })

  it('shares one load between turns asking at once, and reads again after clear()', async () => {
    const userDir = makeTempDir()
    writeSkill(userDir, 'notes', 'take notes')
    const { skillFs, reads } = countingFs()
    const cache = new SkillCache({ fs: skillFs })
    const [one, two] = await Promise.all([cache.discover({ userDir }), cache.discover({ userDir })])
    expect(one).toEqual(two)
    expect(one.skills).not.toBe(two.skills)
    expect(reads).toHaveLength(1)
    cache.clear()
    await cache.discover({ userDir })
    expect(reads).toHaveLength(2)
  })

  it('reports a skills path that cannot be listed on every turn, and recovers once it can', async () => {
    const base = makeTempDir()
    const userDir = path.join(base, 'skills')
    fs.writeFileSync(userDir, 'a file where the folder should be')
    const cache = new SkillCache()
    const problem = [{ path: userDir, message: expect.stringContaining('Cannot read the skills folder') }]
    expect((await cache.discover({ userDir })).problems).toEqual(problem)
    expect((await cache.discover({ userDir })).problems).toEqual(problem)
    fs.rmSync(userDir)
    writeSkill(userDir, 'notes', 'take notes')
    const fixed = await cache.discover({ userDir })
    expect(fixed.problems).toEqual([])
    expect(names(fixed)).toEqual(['notes: take notes'])
  })
})
