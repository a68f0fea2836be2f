import { HooksConfigSchema, type HooksConfig } from '../../../src-shared/contract'
import { ValidationError } from '../errors'
import { parseYamlSubset, YamlSubsetError, type ParsedYaml } from './yaml-subset'

/** SKILL.md = a `---` YAML frontmatter block (name, description, …), then the Markdown instructions. */
export const SKILL_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
export const MAX_SKILL_NAME = 64
export const MAX_SKILL_DESCRIPTION = 1024

/** A SKILL.md that cannot be used; `line` is 1-based in the file, null when no line is to blame. */
export class SkillFileError extends ValidationError {
  readonly file: string
  readonly line: number | null
  readonly problem: string
  constructor(file: string, line: number | null, problem: string) {
    super(`${file}${line === null ? '' : ` line ${line}`}: ${problem}`, [{ path: line === null ? '(root)' : `line ${line}`, message: problem }], 'Fix the frontmatter at the top of SKILL.md (between the two --- lines).')
    this.file = file
    this.line = line
    this.problem = problem
  }
}

/** What a SKILL.md says, validated. */
export interface SkillDefinition {
  name: string
  description: string
  allowedTools: string[]
  /** Absent, or `inherit`: the skill runs in the conversation's model. */
  model?: string
  hooks: HooksConfig
  /** The Markdown after the frontmatter: the skill's instructions. */
  body: string
}

export const MAX_SKILL_FILE_CHARS = 256 * 1024

type Yaml = Record<string, unknown>
const isMap = (value: unknown): value is Yaml => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Parses a whole SKILL.md; `file` names it in errors. Unknown frontmatter keys are ignored (Claude Code has more). */
export function parseSkillMarkdown(text: string, file = 'SKILL.md'): SkillDefinition {
  if (text.length > MAX_SKILL_FILE_CHARS) throw new SkillFileError(file, null, `the file has ${text.length} characters; the limit is ${MAX_SKILL_FILE_CHARS}`)
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  if (lines[0]?.trimEnd() !== '---') throw new SkillFileError(file, 1, 'SKILL.md must start with a "---" line that opens the frontmatter (name, description)')
  const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---')
  if (close === -1) throw new SkillFileError(file, 1, 'the frontmatter opened on line 1 is never closed with a "---" line')
  let parsed: ParsedYaml
  try {
    parsed = parseYamlSubset(lines.slice(1, close).join('\n'), 2)
  } catch (error) {
    if (error instanceof YamlSubsetError) throw new SkillFileError(file, error.line, error.problem)
    throw error
  }
  const root = parsed.value
  if (root === null) throw new SkillFileError(file, 1, 'the frontmatter is empty; it needs at least "name" and "description"')
  if (!isMap(root)) throw new SkillFileError(file, 2, 'the frontmatter must be "key: value" lines, not a list')
  const lineOf = (key: string): number => parsed.lines.get(key) ?? 1

  const name = requiredText(root, 'name', file, lineOf)
  if (!SKILL_NAME_PATTERN.test(name) || name.length > MAX_SKILL_NAME) {
    throw new SkillFileError(file, lineOf('name'), `"name" must be lower-case letters, digits and single dashes, at most ${MAX_SKILL_NAME} characters; found "${name.slice(0, 80)}"`)
  }
  const description = requiredText(root, 'description', file, lineOf).trim()
  if (description.length > MAX_SKILL_DESCRIPTION) {
    throw new SkillFileError(file, lineOf('description'), `"description" has ${description.length} characters; the limit is ${MAX_SKILL_DESCRIPTION}`)
  }
  const model = optionalText(root, 'model', file, lineOf)
  return {
    name,
    description,
    allowedTools: allowedToolsOf(root['allowed-tools'], file, lineOf),
    ...(model === undefined || model === 'inherit' ? {} : { model }),
    hooks: hooksOf(root.hooks, file, parsed.lines),
    body: lines
      .slice(close + 1)
      .join('\n')
      .replace(/^(\s*\n)+/, '')
      .trimEnd(),
  }
}

function requiredText(root: Yaml, key: string, file: string, lineOf: (key: string) => number): string {
  const value = root[key]
  if (value === undefined || value === null) throw new SkillFileError(file, value === null ? lineOf(key) : 1, `"${key}" is required in the frontmatter`)
  if (typeof value !== 'string') throw new SkillFileError(file, lineOf(key), `"${key}" must be text, found ${describe(value)}`)
  if (value.trim() === '') throw new SkillFileError(file, lineOf(key), `"${key}" must not be empty`)
  return value
}

function optionalText(root: Yaml, key: string, file: string, lineOf: (key: string) => number): string | undefined {
  const value = root[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || value.trim() === '') throw new SkillFileError(file, lineOf(key), `"${key}" must be non-empty text, found ${describe(value)}`)
  return value.trim()
}

/** `Read, Grep` or `Read Bash(git status:*)` or a YAML list; commas and spaces inside ( ) stay. */
function allowedToolsOf(value: unknown, file: string, lineOf: (key: string) => number): string[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return splitTools(value)
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      if (typeof item !== 'string' || item.trim() === '') {
        throw new SkillFileError(file, lineOf(`allowed-tools.${index}`), `"allowed-tools" item ${index + 1} must be a tool name, found ${describe(item)}`)
      }
      return item.trim()
    })
  }
  throw new SkillFileError(file, lineOf('allowed-tools'), `"allowed-tools" must be a comma-separated text or a list, found ${describe(value)}`)
}

/** Splits a tool list on commas and white space outside parentheses: `Read, Bash(git status:*)`. */
export function splitTools(text: string): string[] {
  const tools: string[] = []
  let depth = 0
  let current = ''
  for (const char of text) {
    if (char === '(') depth++
    if (char === ')') depth = Math.max(0, depth - 1)
    if (depth === 0 && (char === ',' || /\s/.test(char))) {
      if (current !== '') tools.push(current)
      current = ''
    } else current += char
  }
  if (current !== '') tools.push(current)
  return tools
}

function hooksOf(value: unknown, file: string, lines: Map<string, number>): HooksConfig {
  if (value === undefined || value === null) return {}
  const parsed = HooksConfigSchema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = ['hooks', ...(issue?.path ?? []).map(String)]
  if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0])
  let line = lines.get('hooks') ?? 1
  for (let length = path.length; length > 0; length--) {
    const found = lines.get(path.slice(0, length).join('.'))
    if (found !== undefined) {
      line = found
      break
    }
  }
  const problem = issue?.code === 'unrecognized_keys' ? `"${issue.keys[0]}" is not a hook event` : (issue?.message ?? 'invalid')
  throw new SkillFileError(file, line, `"${path.join('.')}": ${problem}`)
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (isMap(value)) return 'a map'
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 80)
}
