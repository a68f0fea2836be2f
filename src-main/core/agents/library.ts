import fs from 'node:fs'
import path from 'node:path'
import { BUILTIN_TOOLS, type AgentInfo, type AgentIssue, type AgentSource, type AgentTarget } from '../../../src-shared/contract'
import { AppError, ValidationError } from '../errors'
import { userPathError } from '../paths'
import { parseAgentMarkdown, renameAgentText, unknownTools, type AgentDefinition } from './agent-file'
import { agentRoots, discoverAgents, errnoOf, type AgentDiscoveryOptions, type DiscoveredAgents, type LoadedAgent } from './discover'

/** The tools an agent may name that we have: the built-ins, skills, subagents (`Agent`, or Claude Code's older `Task`) and MCP tools. */
const KNOWN_TOOLS = new Set<string>([...BUILTIN_TOOLS, 'Skill', 'Agent', 'Task'])
export const isKnownTool = (tool: string): boolean => KNOWN_TOOLS.has(tool) || /^mcp__[^_]/.test(tool)

/** Sources the window may change: files the user keeps, never the starter library or a plugin. */
const EDITABLE: ReadonlySet<AgentSource> = new Set<AgentSource>(['workspace', 'workspace-claude', 'workspace-github', 'user', 'home-claude'])

export class AgentNotFoundError extends AppError {
  constructor(name: string, source?: AgentSource) {
    super('E_NOT_FOUND', `There is no agent named "${name}"${source ? ` in the ${source} folder` : ''}.`, { hint: 'The Agents screen lists the agents that were found and the files that could not be read.' })
  }
}

/** An agent file that cannot be saved: its problems, each with its line. */
export class AgentFileInvalidError extends ValidationError {
  constructor(issues: AgentIssue[]) {
    const first = issues[0]
    super(
      `The agent file is not valid${first ? `: ${first.line === null ? '' : `line ${first.line}: `}${first.message}` : ''}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}.`,
      issues.map((issue) => ({ path: issue.line === null ? '(file)' : `line ${issue.line}`, message: issue.message })),
      'Fix the frontmatter between the two --- lines.',
    )
  }
}

/** The contract's view of a definition (without where it lives). */
export function describeAgent(definition: AgentDefinition): Omit<AgentInfo, 'source' | 'file' | 'editable' | 'shadows'> {
  return {
    name: definition.name,
    description: definition.description,
    model: definition.model,
    tools: definition.tools,
    disallowedTools: definition.disallowedTools,
    unknownTools: unknownTools(definition, isKnownTool),
    permissionMode: definition.permissionMode,
    maxTurns: definition.maxTurns,
    skills: definition.skills,
    mcpServers: definition.mcpServers.map((server) => server.name),
    hasHooks: Object.values(definition.hooks).some((matchers) => matchers.length > 0),
    memory: definition.memory,
    effort: definition.effort,
    color: definition.color,
    initialPrompt: definition.initialPrompt,
    parameters: definition.parameters,
    extraFields: Object.keys(definition.extra),
    prompt: definition.prompt,
  }
}

export function agentInfo(agent: LoadedAgent): AgentInfo {
  return { ...describeAgent(agent.definition), source: agent.source, file: agent.file, editable: EDITABLE.has(agent.source), shadows: agent.shadows }
}

export type AgentLibraryOptions = Omit<AgentDiscoveryOptions, 'workspace' | 'fs'>

/**
 * The agents as the window and the CLI see them: discovery, and the files written on their
 * behalf. A file is written whole (to a temporary file, then renamed), and only after it parses.
 */
export class AgentLibrary {
  readonly options: AgentLibraryOptions
  constructor(options: AgentLibraryOptions) {
    this.options = options
  }

  discover(workspace?: string | null): Promise<DiscoveredAgents> {
    return discoverAgents({ ...this.options, workspace: workspace ?? null })
  }

  /** The agent of that name (the winner, or the one in `source`). */
  async find(name: string, workspace?: string | null, source?: AgentSource): Promise<LoadedAgent> {
    const { agents } = await this.discover(workspace)
    const winner = agents.find((agent) => agent.definition.name === name)
    if (!source || winner?.source === source) {
      if (!winner) throw new AgentNotFoundError(name)
      return winner
    }
    const shadowed = winner?.shadows.find((shadow) => shadow.source === source)
    if (!shadowed) throw new AgentNotFoundError(name, source)
    return this.load(shadowed.file, source)
  }

  /** Checks a file's text; its definition when it has no problems. */
  validate(text: string): { issues: AgentIssue[]; definition: AgentDefinition | null } {
    return parseAgentMarkdown(text)
  }

  /** Writes a new agent into `into`, or replaces the file of `original`. */
  async save(text: string, where: { into?: AgentTarget; original?: { name: string; source: AgentSource }; workspace?: string | null }): Promise<LoadedAgent> {
    const definition = this.parse(text)
    if (!where.original) return this.create(definition.name, text, where.into ?? 'user', where.workspace ?? null, false)
    const original = await this.find(where.original.name, where.workspace, where.original.source)
    if (!EDITABLE.has(original.source)) throw readOnly(original)
    const dir = path.dirname(original.file)
    const renamed = definition.name !== original.definition.name
    const file = renamed ? path.join(dir, fileNameFor(definition.name, original.source)) : original.file
    if (renamed && exists(file)) throw taken(definition.name, file)
    writeWhole(file, text)
    if (renamed) removeFile(original.file)
    return this.load(file, original.source)
  }

  async remove(name: string, source: AgentSource, workspace?: string | null): Promise<string> {
    const agent = await this.find(name, workspace, source)
    if (!EDITABLE.has(agent.source)) throw readOnly(agent)
    removeFile(agent.file)
    return agent.file
  }

  async duplicate(name: string, newName: string, into: AgentTarget, workspace?: string | null, source?: AgentSource): Promise<LoadedAgent> {
    const agent = await this.find(name, workspace, source)
    return this.create(newName, renameAgentText(agent.text, newName), into, workspace ?? null, false)
  }

  importText(text: string, into: AgentTarget, workspace: string | null, overwrite: boolean): Promise<LoadedAgent> {
    const definition = this.parse(text)
    return this.create(definition.name, text, into, workspace, overwrite)
  }

  /** The folder new agents go to. */
  targetDir(into: AgentTarget, workspace: string | null): string {
    if (into === 'user') return path.resolve(this.options.userDir)
    if (!workspace) throw new ValidationError('Choose a workspace folder to keep the agent in it.', [{ path: 'workspace', message: 'missing' }])
    return agentRoots({ userDir: this.options.userDir, workspace }).find((root) => root.source === 'workspace')?.dir ?? path.join(workspace, '.ollama-desk', 'agents')
  }

  private parse(text: string): AgentDefinition {
    const parsed = parseAgentMarkdown(text)
    if (!parsed.definition) throw new AgentFileInvalidError(parsed.issues)
    return parsed.definition
  }

  private async create(name: string, text: string, into: AgentTarget, workspace: string | null, overwrite: boolean): Promise<LoadedAgent> {
    const checked = this.parse(text)
    const file = path.join(this.targetDir(into, workspace), `${checked.name}.md`)
    if (!overwrite && exists(file)) throw taken(name, file)
    writeWhole(file, text)
    return this.load(file, into)
  }

  private async load(file: string, source: AgentSource): Promise<LoadedAgent> {
    const text = await fs.promises.readFile(file, 'utf8').catch((error: unknown) => {
      throw userPathError(error, file, 'Cannot read the agent file')
    })
    const parsed = parseAgentMarkdown(text, source === 'workspace-github' ? { defaultName: path.basename(file, '.agent.md') } : {})
    if (!parsed.definition) throw new AgentFileInvalidError(parsed.issues)
    return { definition: parsed.definition, source, file, text, shadows: [] }
  }
}

const fileNameFor = (name: string, source: AgentSource): string => (source === 'workspace-github' ? `${name}.agent.md` : `${name}.md`)

function exists(file: string): boolean {
  try {
    fs.statSync(file)
    return true
  } catch (error) {
    if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return false
    throw userPathError(error, file, `Cannot look at ${file}`)
  }
}

/** The whole file or nothing: a temporary file beside it, renamed over it. */
function writeWhole(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(temporary, text, 'utf8')
    fs.renameSync(temporary, file)
  } catch (error) {
    fs.promises.rm(temporary, { force: true }).catch(() => undefined)
    throw userPathError(error, file, 'Could not write the agent file')
  }
}

function removeFile(file: string): void {
  try {
    fs.rmSync(file, { force: true })
  } catch (error) {
    throw userPathError(error, file, 'Could not delete the agent file')
  }
}

function taken(name: string, file: string): ValidationError {
  return new ValidationError(`An agent named "${name}" already exists there (${file}).`, [{ path: 'name', message: 'taken' }], 'Choose another name, or edit the existing agent.')
}

function readOnly(agent: LoadedAgent): AppError {
  return new AppError('E_FORBIDDEN', `The agent "${agent.definition.name}" comes from the ${agent.source === 'builtin' ? 'starter library' : 'plugin'} and cannot be changed here.`, {
    hint: 'Duplicate it to get a copy of your own to edit.',
  })
}
