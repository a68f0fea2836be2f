import { ChatParamsSchema, HooksConfigSchema, type AgentIssue, type ChatParams, type HooksConfig } from '../../../src-shared/contract'
import { parseYamlSubset, SKILL_NAME_PATTERN, splitTools, YamlSubsetError, type ParsedYaml } from '../skills'

/**
 * An agent file is a Claude Code subagent: Markdown with a `---` YAML frontmatter block, the body
 * being the system prompt. Every documented field is read and checked; fields we do not know stay
 * in `extra` and the file's text is never rewritten behind the user's back, so a file round-trips
 * unchanged. Problems are collected (not thrown), each with the line to blame.
 */

export const AGENT_NAME_PATTERN = SKILL_NAME_PATTERN
export const MAX_AGENT_NAME = 64
export const MAX_AGENT_DESCRIPTION = 2000
export const MAX_AGENT_FILE_CHARS = 256 * 1024
export const PERMISSION_MODES = ['default', 'acceptEdits', 'dontAsk', 'bypassPermissions', 'plan'] as const
export const MEMORY_SCOPES = ['user', 'project', 'local'] as const
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const
/** The frontmatter fields we read, in the order a new file writes them. */
export const AGENT_FIELDS = ['name', 'description', 'tools', 'disallowedTools', 'model', 'permissionMode', 'maxTurns', 'skills', 'mcpServers', 'hooks', 'memory', 'effort', 'color', 'initialPrompt', 'parameters'] as const

/** One MCP server of an agent: a configured server by name, or an inline `{name: config}`. */
export interface AgentMcpServer {
  name: string
  /** Present for an inline definition. */
  config?: Record<string, unknown>
}

/** What an agent file says, checked. */
export interface AgentDefinition {
  name: string
  description: string
  /** null: the agent inherits every tool of the chat; [] : no tools at all. */
  tools: string[] | null
  disallowedTools: string[]
  /** null: `inherit` (or absent): the chat's model. Otherwise an alias or our `provider:model`. */
  model: string | null
  permissionMode: (typeof PERMISSION_MODES)[number] | null
  maxTurns: number | null
  skills: string[]
  mcpServers: AgentMcpServer[]
  hooks: HooksConfig
  memory: (typeof MEMORY_SCOPES)[number] | null
  effort: (typeof EFFORT_LEVELS)[number] | null
  color: string | null
  initialPrompt: string | null
  /**
   * Ollama Desk's own field (Claude Code ignores it): the chat parameters a chat started with the
   * agent uses, as in the chat's settings panel (`temperature`, `topP`, `contextLength`, …).
   */
  parameters: ChatParams
  /** Frontmatter fields we do not know, in file order, as written. */
  extra: Record<string, unknown>
  /** The Markdown after the frontmatter: the agent's system prompt. */
  prompt: string
}

export interface ParsedAgent {
  /** null when the file cannot be used; `issues` then says why. */
  definition: AgentDefinition | null
  issues: AgentIssue[]
}

export interface ParseAgentOptions {
  /** The name when the frontmatter has none (`.github/agents/<name>.agent.md` files may leave it out). */
  defaultName?: string
}

type Yaml = Record<string, unknown>
const isMap = (value: unknown): value is Yaml => typeof value === 'object' && value !== null && !Array.isArray(value)
const KNOWN = new Set<string>(AGENT_FIELDS)

/** Where the frontmatter is: its lines (without the `---` lines) and the body after it. */
interface Split {
  yaml: string
  body: string
  /** Index of the closing `---` line (0-based). */
  close: number
}

function split(text: string): Split | AgentIssue {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  if (lines[0]?.trimEnd() !== '---') return { line: 1, message: 'an agent file must start with a "---" line that opens the frontmatter (name, description)' }
  const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---')
  if (close === -1) return { line: 1, message: 'the frontmatter opened on line 1 is never closed with a "---" line' }
  return { yaml: lines.slice(1, close).join('\n'), body: lines.slice(close + 1).join('\n'), close }
}

/** Reads an agent file; every problem found is listed with its line (1-based in the file). */
export function parseAgentMarkdown(text: string, options: ParseAgentOptions = {}): ParsedAgent {
  if (text.length > MAX_AGENT_FILE_CHARS) return fail({ line: null, message: `the file has ${text.length} characters; the limit is ${MAX_AGENT_FILE_CHARS}` })
  const parts = split(text)
  if (!('yaml' in parts)) return fail(parts)
  let parsed: ParsedYaml
  try {
    parsed = parseYamlSubset(parts.yaml, 2)
  } catch (error) {
    if (error instanceof YamlSubsetError) return fail({ line: error.line, message: error.problem })
    throw error
  }
  const root = parsed.value ?? {}
  if (!isMap(root)) return fail({ line: 2, message: 'the frontmatter must be "key: value" lines, not a list' })
  const reader = new FieldReader(root, parsed.lines)
  const definition = readDefinition(reader, options, prompt(parts.body))
  return reader.issues.length === 0 ? { definition, issues: [] } : { definition: null, issues: byLine(reader.issues) }
}

const fail = (issue: AgentIssue): ParsedAgent => ({ definition: null, issues: [issue] })

/** Top to bottom; problems of no particular line last. */
const byLine = (issues: AgentIssue[]): AgentIssue[] => issues.map((issue, index) => ({ issue, index })).sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.index - b.index).map(({ issue }) => issue)

/** The body without the blank lines after the frontmatter and without trailing white space. */
const prompt = (body: string): string => body.replace(/^(\s*\n)+/, '').trimEnd()

function readDefinition(reader: FieldReader, options: ParseAgentOptions, body: string): AgentDefinition {
  const name = reader.name(options.defaultName)
  const description = reader.text('description', true) ?? ''
  if (description.length > MAX_AGENT_DESCRIPTION) reader.problem('description', `"description" has ${description.length} characters; the limit is ${MAX_AGENT_DESCRIPTION}`)
  const model = reader.text('model', false)
  const maxTurns = reader.positiveInteger('maxTurns')
  if (body === '') reader.issues.push({ line: null, message: 'the system prompt (the Markdown after the frontmatter) is empty' })
  return {
    name,
    description,
    tools: reader.toolList('tools'),
    disallowedTools: reader.toolList('disallowedTools') ?? [],
    model: model === undefined || model === 'inherit' ? null : model,
    permissionMode: reader.oneOf('permissionMode', PERMISSION_MODES),
    maxTurns,
    skills: reader.toolList('skills') ?? [],
    mcpServers: reader.mcpServers(),
    hooks: reader.hooks(),
    memory: reader.oneOf('memory', MEMORY_SCOPES),
    effort: reader.oneOf('effort', EFFORT_LEVELS),
    color: reader.text('color', false) ?? null,
    initialPrompt: reader.text('initialPrompt', false) ?? null,
    parameters: reader.parameters(),
    extra: Object.fromEntries(Object.entries(reader.root).filter(([key]) => !KNOWN.has(key))),
    prompt: body,
  }
}

/** Reads the frontmatter's fields, collecting problems with their lines instead of stopping at the first. */
class FieldReader {
  readonly issues: AgentIssue[] = []
  readonly root: Yaml
  readonly lines: Map<string, number>
  constructor(root: Yaml, lines: Map<string, number>) {
    this.root = root
    this.lines = lines
  }

  lineOf(path: string): number {
    return this.lines.get(path) ?? 2
  }

  problem(path: string, message: string): void {
    this.issues.push({ line: this.lineOf(path), message })
  }

  name(defaultName: string | undefined): string {
    const written = this.text('name', defaultName === undefined)
    const name = written ?? defaultName ?? ''
    if (name !== '' && (!AGENT_NAME_PATTERN.test(name) || name.length > MAX_AGENT_NAME)) {
      const where = written === undefined ? 'the file name gives the name' : '"name"'
      this.issues.push({ line: written === undefined ? null : this.lineOf('name'), message: `${where} must be lower-case letters, digits and single dashes, at most ${MAX_AGENT_NAME} characters; found "${name.slice(0, 80)}"` })
    }
    return name
  }

  /** A text field; `required` reports it missing (at line 2, where the frontmatter starts). */
  text(key: string, required: boolean): string | undefined {
    const value = this.root[key]
    if (value === undefined || value === null) {
      if (required) this.issues.push({ line: value === null ? this.lineOf(key) : 2, message: `"${key}" is required in the frontmatter` })
      return undefined
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.problem(key, `"${key}" must be non-empty text, found ${describe(value)}`)
      return undefined
    }
    return value.trim()
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | null {
    const value = this.root[key]
    if (value === undefined || value === null) return null
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
    this.problem(key, `"${key}" must be one of ${allowed.join(', ')}; found ${describe(value)}`)
    return null
  }

  positiveInteger(key: string): number | null {
    const value = this.root[key]
    if (value === undefined || value === null) return null
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10_000) return value
    this.problem(key, `"${key}" must be a whole number from 1 to 10000; found ${describe(value)}`)
    return null
  }

  /** `Read, Grep` or `Read Bash(git status:*)` or a YAML list; null when absent. */
  toolList(key: string): string[] | null {
    const value = this.root[key]
    if (value === undefined || value === null) return null
    if (typeof value === 'string') return splitList(value)
    if (Array.isArray(value)) {
      const items: string[] = []
      value.forEach((item, index) => {
        if (typeof item === 'string' && item.trim() !== '') items.push(item.trim())
        else this.problem(`${key}.${index}`, `"${key}" item ${index + 1} must be a name, found ${describe(item)}`)
      })
      return items
    }
    this.problem(key, `"${key}" must be a comma-separated text or a list, found ${describe(value)}`)
    return null
  }

  /** A list of server names and inline `{name: config}` maps, or one map of them. */
  mcpServers(): AgentMcpServer[] {
    const value = this.root.mcpServers
    if (value === undefined || value === null) return []
    const servers: AgentMcpServer[] = []
    const inline = (map: Yaml, path: string) => {
      for (const [name, config] of Object.entries(map)) {
        if (isMap(config)) servers.push({ name, config })
        else this.problem(`${path}.${name}`, `"mcpServers" entry "${name}" must be a server definition (a map), found ${describe(config)}`)
      }
    }
    if (isMap(value)) inline(value, 'mcpServers')
    else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof item === 'string' && item.trim() !== '') servers.push({ name: item.trim() })
        else if (isMap(item)) inline(item, `mcpServers.${index}`)
        else this.problem(`mcpServers.${index}`, `"mcpServers" item ${index + 1} must be a server name or a {name: definition} map, found ${describe(item)}`)
      })
    } else this.problem('mcpServers', `"mcpServers" must be a list of server names or definitions, found ${describe(value)}`)
    return servers
  }

  parameters(): ChatParams {
    const value = this.root.parameters
    if (value === undefined || value === null) return {}
    const parsed = ChatParamsSchema.safeParse(value)
    if (parsed.success) return parsed.data
    for (const issue of parsed.error.issues.slice(0, 5)) {
      const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path[0]
      const path = key === undefined ? 'parameters' : `parameters.${String(key)}`
      const message = issue.code === 'unrecognized_keys' ? `"${String(key)}" is not a chat parameter (${Object.keys(ChatParamsSchema.shape).join(', ')})` : issue.message
      this.problem(this.lines.has(path) ? path : 'parameters', `"${path}": ${message}`)
    }
    return {}
  }

  hooks(): HooksConfig {
    const value = this.root.hooks
    if (value === undefined || value === null) return {}
    const parsed = HooksConfigSchema.safeParse(value)
    if (parsed.success) return parsed.data
    for (const issue of parsed.error.issues.slice(0, 5)) {
      const path = ['hooks', ...issue.path.map(String)]
      if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0])
      const message = hookProblem(issue, path)
      this.issues.push({ line: this.closestLine(path), message: `"${path.join('.')}": ${message}` })
    }
    return {}
  }

  /** The line of the deepest part of `path` the file names. */
  private closestLine(path: string[]): number {
    for (let length = path.length; length > 0; length--) {
      const found = this.lines.get(path.slice(0, length).join('.'))
      if (found !== undefined) return found
    }
    return this.lineOf('hooks')
  }
}

/** A hook problem in words: zod's own messages name types, not what to write. */
function hookProblem(issue: { code: string; message: string; keys?: string[]; input?: unknown }, path: string[]): string {
  if (issue.code === 'unrecognized_keys') return `"${issue.keys?.[0] ?? ''}" is not a hook event`
  if (path.at(-1) === 'type') return 'only hooks of "type: command" are supported'
  if (issue.input === undefined && issue.code === 'invalid_type') return 'this is required'
  return issue.message
}

/** Splits on commas and white space outside parentheses: `Read, Bash(git status:*)` (the skills' own rule). */
export const splitList = splitTools

/** `Bash(git status:*)` → `Bash`; `mcp__github__search` stays whole. */
export const toolBaseName = (entry: string): string => entry.replace(/\(.*$/s, '').trim()

/** The tools an agent names (allowed or not) that `isKnown` does not recognise; they are never offered to the model. */
export function unknownTools(definition: Pick<AgentDefinition, 'tools' | 'disallowedTools'>, isKnown: (tool: string) => boolean): string[] {
  const named = [...(definition.tools ?? []), ...definition.disallowedTools].map(toolBaseName)
  return [...new Set(named.filter((tool) => !isKnown(tool)))]
}

/**
 * The same file under another name: only the `name:` line changes (or one is added after the
 * opening `---`), every other byte stays as it was.
 */
export function renameAgentText(text: string, newName: string): string {
  if (!AGENT_NAME_PATTERN.test(newName)) throw new RangeError(`not an agent name: ${newName}`)
  const newline = text.includes('\r\n') ? '\r\n' : '\n'
  const lines = text.split(/\r?\n/)
  const parts = split(text)
  if (!('yaml' in parts)) throw new RangeError('the text has no frontmatter')
  const { lines: keyLines } = parseYamlSubset(parts.yaml, 2)
  const line = keyLines.get('name')
  // A one-line `name:` is replaced; a name written over several lines (never seen in practice) is replaced as a whole key.
  if (line !== undefined && /^name\s*:/.test(lines[line - 1] ?? '')) {
    const end = nextKeyLine(lines, line, parts.close)
    lines.splice(line - 1, end - line + 1, `name: ${newName}`)
  } else lines.splice(1, 0, `name: ${newName}`)
  return lines.join(newline)
}

/** The last line (1-based) belonging to the top-level key on `line`: up to the next unindented line. */
function nextKeyLine(lines: string[], line: number, close: number): number {
  let end = line
  while (end < close && /^[\s]/.test(lines[end] ?? '') && (lines[end] ?? '').trim() !== '') end++
  return end
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (isMap(value)) return 'a map'
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 80)
}
