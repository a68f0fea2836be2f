import { describe, expect, it } from 'vitest'
import { ValidationError } from '../errors'
import { parseSkillMarkdown, SkillFileError } from './frontmatter'
import { parseYamlSubset, YamlSubsetError } from './yaml-subset'

const skill = (frontmatter: string, body = 'Do the thing.'): string => `---\n${frontmatter}\n---\n${body}\n`

function errorOf(text: string): SkillFileError {
  try {
    parseSkillMarkdown(text, 'x/SKILL.md')
  } catch (error) {
    expect(error).toBeInstanceOf(SkillFileError)
    expect(error).toBeInstanceOf(ValidationError)
    return error as SkillFileError
  }
  throw new Error('expected a SkillFileError')
}

describe('parseYamlSubset', () => {
  it('reads scalars of every kind', () => {
    const { value } = parseYamlSubset(
      [
        'plain: hello world  # a comment',
        'double: "a \\"quoted\\" #not-comment\\n"',
        "single: 'it''s'",
        'int: 42',
        'negative: -7',
        'float: 2.5',
        'yes: true',
        'no: False',
        'nothing: ~',
        'url: http://example.com/a#b',
        'tool: Bash(git status:*)',
      ].join('\n'),
    )
    expect(value).toEqual({
      plain: 'hello world',
      double: 'a "quoted" #not-comment\n',
      single: "it's",
      int: 42,
      negative: -7,
      float: 2.5,
      yes: true,
      no: false,
      nothing: null,
      url: 'http://example.com/a#b',
      tool: 'Bash(git status:*)',
    })
  })

  it('reads block lists, inline lists and lists at the key’s own indentation', () => {
    const { value } = parseYamlSubset(['a:', '  - one', '  - 2', 'b: [x, "y, z", 3, \'w\']', 'c: []', 'd:', '- same-indent', 'e: {}'].join('\n'))
    expect(value).toEqual({ a: ['one', 2], b: ['x', 'y, z', 3, 'w'], c: [], d: ['same-indent'], e: {} })
  })

  it('reads Claude Code’s nested hooks block and records each key’s line', () => {
    const text = ['hooks:', '  SkillTrigger:', '    - matcher: ""', '      hooks:', '        - type: command', '          command: ./scripts/x.sh', '          timeout: 30']
    const { value, lines } = parseYamlSubset(text.join('\n'), 2)
    expect(value).toEqual({ hooks: { SkillTrigger: [{ matcher: '', hooks: [{ type: 'command', command: './scripts/x.sh', timeout: 30 }] }] } })
    expect(lines.get('hooks.SkillTrigger.0.hooks.0.command')).toBe(7)
    expect(lines.get('hooks.SkillTrigger.0.matcher')).toBe(4)
  })

  it('reads literal and folded block scalars and folds multi-line plain values', () => {
    const { value } = parseYamlSubset(['lit: |', '  line one', '    indented', '', '  after blank', 'fold: >-', '  one', '  two', '', '  para', '    kept', '  end', 'plain: starts here', '  and continues', 'next: 1'].join('\n'))
    expect(value).toEqual({ lit: 'line one\n  indented\n\nafter blank\n', fold: 'one two\npara\n  kept\nend', plain: 'starts here and continues', next: 1 })
  })

  it('reads what Claude Code agent and plugin files hold: inline maps, flow lists, anchors and aliases', () => {
    const text = ['mcpServers: {fs: {command: npx, args: [-y, "@modelcontextprotocol/server-filesystem"]}}', 'tools: [Read, Grep, {name: Bash}]', 'base: &base {model: sonnet}', 'agent: *base']
    const { value, lines } = parseYamlSubset(text.join('\n'), 2)
    expect(value).toEqual({
      mcpServers: { fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem'] } },
      tools: ['Read', 'Grep', { name: 'Bash' }],
      base: { model: 'sonnet' },
      agent: { model: 'sonnet' },
    })
    expect(lines.get('mcpServers.fs.command')).toBe(2)
    expect(lines.get('agent')).toBe(5)
  })

  it('accepts what the hand-written subset refused: nested flow lists, inline maps, anchors, an indented first key', () => {
    expect(parseYamlSubset('a: [1, [2]]').value).toEqual({ a: [1, [2]] })
    expect(parseYamlSubset('a: {b: 1}').value).toEqual({ a: { b: 1 } })
    expect(parseYamlSubset('a: &anchor x\nb: *anchor').value).toEqual({ a: 'x', b: 'x' })
    expect(parseYamlSubset('  a: 1').value).toEqual({ a: 1 })
  })

  it('names the line of a syntax error, counted from the first line given', () => {
    const errorOf = (text: string): unknown => {
      try {
        parseYamlSubset(text, 2)
      } catch (error) {
        return error
      }
      throw new Error('expected a YamlSubsetError')
    }
    // The map opened on line 4 is still open when line 5 starts.
    const unclosed = errorOf('name: a\ndescription: d\nmcpServers: {fs: {command: npx}\nmodel: x')
    expect(unclosed).toBeInstanceOf(YamlSubsetError)
    expect(unclosed).toMatchObject({ line: 5, message: 'line 5: missing "}" at the end of the map' })
    expect(errorOf('a: 1\nb: *missing')).toMatchObject({ line: 3, problem: 'the alias "*missing" has no anchor "&missing" before it' })
    expect(errorOf('k: v\n- x')).toMatchObject({ line: 3, problem: 'a list item where a "key: value" line was expected' })
  })

  it.each([
    ['a: 1\na: 2', 2, 'the key "a" appears twice'],
    ['a:\n\tb: 1', 2, 'tabs are not allowed'],
    ['a: 1\n  b: 2', 2, 'unexpected indentation'],
    ['a: "open', 1, 'missing the closing " quote'],
    ['a: [1, 2', 1, 'missing "]"'],
    ['a: b: c', 1, 'must be in quotes'],
    ['just text', 1, 'expected "key: value"'],
    ['a: "x" y', 1, 'after the closing quote'],
    ['a:\n  - 1\n  b: 2', 3, 'unexpected indentation'],
    ['a: "\\q"', 1, 'unknown escape'],
  ])('rejects %j at line %i', (text, line, problem) => {
    let caught: unknown
    try {
      parseYamlSubset(text)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(YamlSubsetError)
    expect(caught).toMatchObject({ line })
    expect((caught as Error).message).toContain(problem)
  })
})

describe('parseSkillMarkdown', () => {
  it('reads a Claude Code style SKILL.md with hooks, tools and a model', () => {
    const text = [
      '---',
      'name: review-pr',
      'description: Reviews a pull request. Use when asked to "review PR 42".',
      'allowed-tools: Read, Grep, Bash(git diff:*)',
      'model: qwen3:8b',
      'license: MIT',
      'hooks:',
      '  SkillTrigger:',
      '    - matcher: ""',
      '      hooks:',
      '        - type: command',
      '          command: ./scripts/x.sh',
      '---',
      '',
      '# Review',
      'Review $ARGUMENTS carefully.',
      '',
    ].join('\n')
    expect(parseSkillMarkdown(text)).toEqual({
      name: 'review-pr',
      description: 'Reviews a pull request. Use when asked to "review PR 42".',
      allowedTools: ['Read', 'Grep', 'Bash(git diff:*)'],
      model: 'qwen3:8b',
      hooks: { SkillTrigger: [{ matcher: '', hooks: [{ type: 'command', command: './scripts/x.sh' }] }] },
      body: '# Review\nReview $ARGUMENTS carefully.',
    })
  })

  it('takes allowed-tools as a list or space-separated, drops `model: inherit`, and tolerates a BOM and CRLF', () => {
    const parsed = parseSkillMarkdown(`\uFEFF---\r\nname: a1\r\ndescription: d\r\nallowed-tools:\r\n  - Read\r\n  - WebFetch(domain:example.com)\r\nmodel: inherit\r\n---\r\nbody\r\n`)
    expect(parsed).toEqual({ name: 'a1', description: 'd', allowedTools: ['Read', 'WebFetch(domain:example.com)'], hooks: {}, body: 'body' })
    expect(parseSkillMarkdown(skill('name: b\ndescription: d\nallowed-tools: Read Bash(git status:*)')).allowedTools).toEqual(['Read', 'Bash(git status:*)'])
  })

  it.each([
    ['no frontmatter', '# Just markdown\n', 1, 'must start with a "---"'],
    ['an unclosed frontmatter', '---\nname: a\ndescription: d\n', 1, 'never closed'],
    ['an empty frontmatter', '---\n---\nbody', 1, 'the frontmatter is empty'],
    ['a list as frontmatter', skill('- a'), 2, 'not a list'],
    ['a missing name', skill('description: d'), 1, '"name" is required'],
    ['an empty name value', skill('name:\ndescription: d'), 2, '"name" is required'],
    ['a numeric name', skill('name: 42\ndescription: d'), 2, '"name" must be text'],
    ['an upper-case name', skill('name: Review_PR\ndescription: d'), 2, 'lower-case letters, digits and single dashes'],
    ['a name over 64 characters', skill(`name: ${'a'.repeat(65)}\ndescription: d`), 2, 'at most 64'],
    ['a missing description', skill('name: a'), 1, '"description" is required'],
    ['a blank description', skill('name: a\ndescription: "  "'), 3, 'must not be empty'],
    ['a description over 1024 characters', skill(`name: a\ndescription: ${'d'.repeat(1025)}`), 3, 'the limit is 1024'],
    ['allowed-tools as a number', skill('name: a\ndescription: d\nallowed-tools: 3'), 4, '"allowed-tools" must be'],
    ['a non-text allowed-tools item', skill('name: a\ndescription: d\nallowed-tools:\n  - Read\n  - 7'), 6, 'item 2 must be a tool name'],
    ['a list as model', skill('name: a\ndescription: d\nmodel: [a]'), 4, '"model" must be non-empty text'],
    ['an unknown hook event', skill('name: a\ndescription: d\nhooks:\n  OnSkill:\n    - hooks: []'), 5, '"OnSkill" is not a hook event'],
    ['a hook without a command', skill('name: a\ndescription: d\nhooks:\n  SkillTrigger:\n    - hooks:\n        - type: command'), 7, '"hooks.SkillTrigger.0.hooks.0.command"'],
    ['a hook of another type', skill('name: a\ndescription: d\nhooks:\n  SkillTrigger:\n    - hooks:\n        - type: prompt\n          command: x'), 7, '"hooks.SkillTrigger.0.hooks.0.type"'],
    ['a YAML error', skill('name: a\ndescription: d\n\tmodel: x'), 4, 'tabs are not allowed'],
  ])('rejects %s with the line and the problem', (_what, text, line, problem) => {
    const error = errorOf(text)
    expect(error.line).toBe(line)
    expect(error.message).toContain(`x/SKILL.md line ${line}: `)
    expect(error.message).toContain(problem)
    expect(error.code).toBe('E_VALIDATION')
  })

  it('rejects a file over the size limit without a line', () => {
    const error = errorOf(skill('name: a\ndescription: d', 'x'.repeat(300 * 1024)))
    expect(error.line).toBeNull()
    expect(error.message).toMatch(/^x\/SKILL\.md: the file has \d+ characters/)
  })
})
