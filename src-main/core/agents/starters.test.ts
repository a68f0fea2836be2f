import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { parseAgentMarkdown, unknownTools } from './agent-file'
import { discoverAgents } from './discover'
import { isKnownTool } from './library'
import { findStartersDir } from './starters'

describe('the starter library', () => {
  const dir = findStartersDir()

  it('is found from the sources as it is from the bundle: resources/agents', () => {
    expect(dir).toBe(path.resolve(import.meta.dirname, '../../../resources/agents'))
    expect(findStartersDir(path.resolve(import.meta.dirname, '../../../out/main'))).toBe(dir)
    expect(findStartersDir(makeTempDir('no-starters-'))).toBeNull()
    removeTempDirs()
  })

  it('ships the promised agents as plain files that parse, name only tools we have, and match their file names', () => {
    const files = fs.readdirSync(dir ?? '').sort()
    expect(files).toEqual(['code-reviewer.md', 'shell-expert.md', 'summariser.md', 'translator.md', 'writing-editor.md'])
    for (const file of files) {
      const parsed = parseAgentMarkdown(fs.readFileSync(path.join(dir ?? '', file), 'utf8'))
      expect(parsed.issues, file).toEqual([])
      expect(parsed.definition?.name).toBe(file.replace(/\.md$/, ''))
      expect(parsed.definition && unknownTools(parsed.definition, isKnownTool)).toEqual([])
      expect(parsed.definition?.prompt.length).toBeGreaterThan(200)
    }
  })

  it('comes last: any agent of the same name in the user’s folders wins', async () => {
    const data = makeTempDir('starters-')
    fs.mkdirSync(path.join(data, 'agents'))
    fs.writeFileSync(path.join(data, 'agents', 'translator.md'), '---\nname: translator\ndescription: mine\n---\nMine.\n')
    const { agents } = await discoverAgents({ userDir: path.join(data, 'agents'), startersDir: dir })
    expect(agents.map((agent) => [agent.definition.name, agent.source])).toEqual([
      ['code-reviewer', 'builtin'],
      ['shell-expert', 'builtin'],
      ['summariser', 'builtin'],
      ['translator', 'user'],
      ['writing-editor', 'builtin'],
    ])
    expect(agents.find((agent) => agent.definition.name === 'translator')?.shadows).toEqual([{ source: 'builtin', file: path.join(dir ?? '', 'translator.md') }])
    removeTempDirs()
  })
})
