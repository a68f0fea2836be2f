import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAgentMarkdown, renameAgentText, unknownTools, type AgentDefinition } from './agent-file'
import { isKnownTool } from './library'

const fixture = (name: string): string => fs.readFileSync(path.join(import.meta.dirname, 'testdata', name), 'utf8')
const agent = (frontmatter: string, body = 'Do the thing.'): string => `---\n${frontmatter}\n---\n${body}\n`

function definitionOf(text: string): AgentDefinition {
  const parsed = parseAgentMarkdown(text)
  expect(parsed.issues).toEqual([])
  if (!parsed.definition) throw new Error('expected a definition')
  return parsed.definition
}

describe('parseAgentMarkdown: Claude Code subagent files', () => {
  it('reads every documented field, with inline mcpServers and hooks maps', () => {
    const definition = definitionOf(fixture('every-field.md'))
    expect(definition).toEqual({
      name: 'release-checker',
      description: 'Use PROACTIVELY before a release: checks the changelog, the version and the tests, and reports what is missing.',
      tools: ['Read', 'Grep', 'Glob', 'Bash(git status:*)', 'NotebookRead', 'TodoWrite', 'KillShell', 'mcp__github__search_issues'],
      disallowedTools: ['Write', 'WebFetch'],
      model: 'ollama:llama3.2',
      permissionMode: 'plan',
      maxTurns: 12,
      skills: ['changelog', 'semver'],
      mcpServers: [{ name: 'github' }, { name: 'docs', config: { type: 'stdio', command: 'npx', args: ['-y', '@acme/docs-mcp'], env: { DOCS_TOKEN: '${DOCS_TOKEN}' } } }],
      hooks: {
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/check-command.sh', timeout: 30 }] }],
        Stop: [{ hooks: [{ type: 'command', command: 'echo done' }] }],
      },
      memory: 'project',
      effort: 'high',
      color: 'cyan',
      initialPrompt: 'Check the release on the current branch.',
      parameters: { temperature: 0.2, contextLength: 8192 },
      extra: { background: false, isolation: 'worktree', 'x-team': { owner: 'release@acme.test', reviewed: '2026-11-30' } },
      prompt: 'You check releases.\n\n1. Read CHANGELOG.md and the version in package.json.\n2. Run `git status` to see what is not committed.\n3. Report, as a list, what must be done before tagging.',
    })
  })

  it('lists the tools we do not have, and only those', () => {
    const definition = definitionOf(fixture('every-field.md'))
    expect(unknownTools(definition, isKnownTool)).toEqual(['NotebookRead', 'TodoWrite', 'KillShell'])
    expect(unknownTools(definitionOf(agent('name: a\ndescription: d\ntools: Agent(reviewer), Task, Skill, mcp__x__y')), isKnownTool)).toEqual([])
  })

  it('reads the least a file needs, CRLF files, `tools: []` and `inherit`', () => {
    expect(definitionOf(fixture('minimal.md'))).toMatchObject({ name: 'minimal', tools: null, disallowedTools: [], model: null, hooks: {}, extra: {}, prompt: 'Answer briefly.' })
    expect(definitionOf(fixture('crlf.md'))).toMatchObject({ name: 'crlf-agent', tools: [], prompt: 'No tools at all.' })
    expect(definitionOf(agent('name: a\ndescription: d\nmodel: inherit')).model).toBeNull()
    expect(definitionOf(agent('name: a\ndescription: d\nmodel: sonnet')).model).toBe('sonnet')
  })

  it('takes the name from the file for the original CLI’s .agent.md files', () => {
    const parsed = parseAgentMarkdown(fixture('copilot.agent.md'), { defaultName: 'planner' })
    expect(parsed.definition).toMatchObject({ name: 'planner', tools: ['codebase', 'search'], prompt: 'Plan before you code.' })
    expect(parseAgentMarkdown(fixture('copilot.agent.md')).issues).toEqual([{ line: 2, message: '"name" is required in the frontmatter' }])
  })
})

describe('parseAgentMarkdown: problems, each with its line', () => {
  it('lists every problem of a file, not only the first', () => {
    const text = agent(['name: Bad_Name', 'description: ok', 'maxTurns: 0', 'permissionMode: yolo', 'memory: 3', 'tools: { Read: true }', 'color: ""'].join('\n'))
    expect(parseAgentMarkdown(text)).toEqual({
      definition: null,
      issues: [
        { line: 2, message: '"name" must be lower-case letters, digits and single dashes, at most 64 characters; found "Bad_Name"' },
        { line: 4, message: '"maxTurns" must be a whole number from 1 to 10000; found number 0' },
        { line: 5, message: '"permissionMode" must be one of default, acceptEdits, dontAsk, bypassPermissions, plan; found string "yolo"' },
        { line: 6, message: '"memory" must be one of user, project, local; found number 3' },
        { line: 7, message: '"tools" must be a comma-separated text or a list, found a map' },
        { line: 8, message: '"color" must be non-empty text, found string ""' },
      ],
    })
  })

  it('checks Ollama Desk’s own `parameters` as the chat settings panel does', () => {
    const text = agent(['name: a', 'description: d', 'parameters:', '  temperature: 3', '  warmth: 1'].join('\n'))
    expect(parseAgentMarkdown(text).issues).toEqual([
      { line: 5, message: '"parameters.temperature": temperature is 0 to 2' },
      { line: 6, message: '"parameters.warmth": "warmth" is not a chat parameter (temperature, topP, topK, maxTokens, contextLength, seed, stop, reasoningEffort)' },
    ])
  })

  it('names the line of a YAML mistake', () => {
    expect(parseAgentMarkdown('---\nname: a\ndescription: d\ntools: [Read, Grep\n---\nx\n').issues).toEqual([{ line: 4, message: 'missing "]" at the end of the list' }])
    expect(parseAgentMarkdown('---\nname: a\nname: b\ndescription: d\n---\nx\n').issues).toEqual([{ line: 3, message: 'the key "name" appears twice' }])
  })

  it('names the line of a bad hook and of a bad list item', () => {
    const hooks = agent(['name: a', 'description: d', 'hooks:', '  PreToolUse:', '    - matcher: Bash', '      hooks:', '        - type: prompt', '          prompt: no', '  OnLunch: []'].join('\n'))
    expect(parseAgentMarkdown(hooks).issues).toEqual([
      { line: 8, message: '"hooks.PreToolUse.0.hooks.0.type": only hooks of "type: command" are supported' },
      { line: 8, message: '"hooks.PreToolUse.0.hooks.0.command": this is required' },
      { line: 10, message: '"hooks.OnLunch": "OnLunch" is not a hook event' },
    ])
    const skills = agent(['name: a', 'description: d', 'skills:', '  - one', '  - 2'].join('\n'))
    expect(parseAgentMarkdown(skills).issues).toEqual([{ line: 6, message: '"skills" item 2 must be a name, found number 2' }])
  })

  it('refuses files without a frontmatter, without a name or description, or without a prompt', () => {
    expect(parseAgentMarkdown('You are helpful.').issues).toEqual([{ line: 1, message: 'an agent file must start with a "---" line that opens the frontmatter (name, description)' }])
    expect(parseAgentMarkdown('---\nname: a\n').issues).toEqual([{ line: 1, message: 'the frontmatter opened on line 1 is never closed with a "---" line' }])
    expect(parseAgentMarkdown('---\n---\nx').issues).toEqual([
      { line: 2, message: '"name" is required in the frontmatter' },
      { line: 2, message: '"description" is required in the frontmatter' },
    ])
    expect(parseAgentMarkdown('---\n- a\n---\nx').issues).toEqual([{ line: 2, message: 'the frontmatter must be "key: value" lines, not a list' }])
    expect(parseAgentMarkdown(agent('name: a\ndescription: d', '')).issues).toEqual([{ line: null, message: 'the system prompt (the Markdown after the frontmatter) is empty' }])
    expect(parseAgentMarkdown('x'.repeat(256 * 1024 + 1)).issues[0]?.message).toMatch(/limit is 262144/)
  })
})

describe('renameAgentText', () => {
  it('changes only the name line; every other byte stays', () => {
    const text = fixture('every-field.md')
    const renamed = renameAgentText(text, 'release-checker-2')
    const before = text.split('\n')
    const after = renamed.split('\n')
    expect(after.length).toBe(before.length)
    expect(after.filter((line, index) => line !== before[index])).toEqual(['name: release-checker-2'])
    expect(definitionOf(renamed)).toEqual({ ...definitionOf(text), name: 'release-checker-2' })
  })

  it('keeps CRLF line ends, and adds a name to a file that has none', () => {
    expect(renameAgentText(fixture('crlf.md'), 'copy')).toBe(fixture('crlf.md').replace('name: crlf-agent', 'name: copy'))
    const added = renameAgentText(fixture('copilot.agent.md'), 'planner')
    expect(added).toBe(fixture('copilot.agent.md').replace('---\n', '---\nname: planner\n'))
  })

  it('replaces a name written over several lines as a whole', () => {
    expect(renameAgentText(agent('name: >-\n  folded\ndescription: d'), 'b')).toBe(agent('name: b\ndescription: d'))
  })
})
