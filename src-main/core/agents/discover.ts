import nodeFs from 'node:fs/promises'
import path from 'node:path'
import type { AgentIssue, AgentSource } from '../../../src-shared/contract'
import { MAX_AGENT_FILE_CHARS, parseAgentMarkdown, type AgentDefinition } from './agent-file'

/**
 * Where agent files are found, highest priority first. When two folders hold an agent of the same
 * name the earlier one is used and the later one is listed under it as shadowed: a clash is shown,
 * never silent. An invalid file is reported with its lines and skipped; discovery never fails on one.
 */

export interface AgentRoot {
  source: AgentSource
  dir: string
  /** `.github/agents` holds `<name>.agent.md` files (the original CLI's); the others `<name>.md`. */
  suffix: '.md' | '.agent.md'
}

export interface AgentDiscoveryOptions {
  /** The data folder's `agents/`. */
  userDir: string
  /** A workspace folder: its `.ollama-desk/agents/`, `.claude/agents/` and `.github/agents/`. */
  workspace?: string | null
  /** The home folder: `~/.claude/agents/` (Claude Code's user agents). */
  home?: string | null
  /** Installed plugins, each a folder that may hold `agents/` (the data folder's `plugins/`). */
  pluginsDir?: string | null
  /** The starter library shipped with the app (lowest priority). */
  startersDir?: string | null
  fs?: AgentFs
}

/** What discovery needs of the file system. */
export interface AgentFs {
  readdir(dir: string): Promise<string[]>
  stat(file: string): Promise<{ isDirectory(): boolean; isFile(): boolean; size: number }>
  readFile(file: string, encoding: 'utf8'): Promise<string>
}

/** An agent file that can be used. */
export interface LoadedAgent {
  definition: AgentDefinition
  source: AgentSource
  file: string
  /** The file as read, byte for byte: export and duplicate start from it. */
  text: string
  /** Files of the same name in lower-priority folders, which this one hides. */
  shadows: { source: AgentSource; file: string }[]
}

/** A file that could not be used: every problem with its line. */
export interface AgentProblem {
  source: AgentSource
  file: string
  issues: AgentIssue[]
}

export interface DiscoveredAgents {
  agents: LoadedAgent[]
  problems: AgentProblem[]
  roots: AgentRoot[]
}

const MAX_FILES_PER_DIR = 500

/** The folders, highest priority first. */
export function agentRoots(options: AgentDiscoveryOptions): AgentRoot[] {
  const roots: AgentRoot[] = []
  if (options.workspace) {
    const workspace = path.resolve(options.workspace)
    roots.push({ source: 'workspace', dir: path.join(workspace, '.ollama-desk', 'agents'), suffix: '.md' })
    roots.push({ source: 'workspace-claude', dir: path.join(workspace, '.claude', 'agents'), suffix: '.md' })
    roots.push({ source: 'workspace-github', dir: path.join(workspace, '.github', 'agents'), suffix: '.agent.md' })
  }
  roots.push({ source: 'user', dir: path.resolve(options.userDir), suffix: '.md' })
  if (options.home) roots.push({ source: 'home-claude', dir: path.join(options.home, '.claude', 'agents'), suffix: '.md' })
  return roots
}

/** Every agent of every folder; each name once, the highest-priority folder winning. */
export async function discoverAgents(options: AgentDiscoveryOptions): Promise<DiscoveredAgents> {
  const fs = options.fs ?? nodeFs
  const roots = [...agentRoots(options), ...(await pluginRoots(options.pluginsDir, fs))]
  if (options.startersDir) roots.push({ source: 'builtin', dir: path.resolve(options.startersDir), suffix: '.md' })
  const byName = new Map<string, LoadedAgent>()
  const problems: AgentProblem[] = []
  for (const root of roots) {
    for (const agent of await loadRoot(root, problems, fs)) {
      const winner = byName.get(agent.definition.name)
      if (winner) winner.shadows.push({ source: agent.source, file: agent.file })
      else byName.set(agent.definition.name, agent)
    }
  }
  const agents = [...byName.values()].sort((a, b) => a.definition.name.localeCompare(b.definition.name))
  return { agents, problems, roots }
}

async function pluginRoots(pluginsDir: string | null | undefined, fs: AgentFs): Promise<AgentRoot[]> {
  if (!pluginsDir) return []
  const plugins = (await readdirOrEmpty(pluginsDir, fs)).filter((entry) => !entry.startsWith('.')).sort()
  return plugins.map((plugin) => ({ source: 'plugin' as const, dir: path.join(pluginsDir, plugin, 'agents'), suffix: '.md' as const }))
}

async function readdirOrEmpty(dir: string, fs: AgentFs): Promise<string[]> {
  try {
    return await fs.readdir(dir)
  } catch {
    return []
  }
}

async function loadRoot(root: AgentRoot, problems: AgentProblem[], fs: AgentFs): Promise<LoadedAgent[]> {
  let entries: string[]
  try {
    entries = (await fs.readdir(root.dir)).sort()
  } catch (error) {
    // A folder that does not exist is normal; anything else is worth showing.
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') problems.push({ source: root.source, file: root.dir, issues: [{ line: null, message: `Cannot read the folder: ${messageOf(error)}` }] })
    return []
  }
  const files = entries.filter((entry) => entry.endsWith(root.suffix) && !entry.startsWith('.'))
  const loaded: LoadedAgent[] = []
  const seen = new Map<string, string>()
  for (const [index, entry] of files.entries()) {
    const file = path.join(root.dir, entry)
    if (index >= MAX_FILES_PER_DIR) {
      problems.push({ source: root.source, file, issues: [{ line: null, message: `Skipped: a folder holds at most ${MAX_FILES_PER_DIR} agents.` }] })
      continue
    }
    const read = await readAgentFile(file, fs)
    if (typeof read !== 'string') {
      if (read) problems.push({ source: root.source, file, issues: [read] })
      continue
    }
    const parsed = parseAgentMarkdown(read, root.suffix === '.agent.md' ? { defaultName: entry.slice(0, -root.suffix.length) } : {})
    if (!parsed.definition) {
      problems.push({ source: root.source, file, issues: parsed.issues })
      continue
    }
    const earlier = seen.get(parsed.definition.name)
    if (earlier !== undefined) {
      problems.push({ source: root.source, file, issues: [{ line: null, message: `Skipped: ${earlier} in the same folder already has the name "${parsed.definition.name}".` }] })
      continue
    }
    seen.set(parsed.definition.name, entry)
    loaded.push({ definition: parsed.definition, source: root.source, file, text: read, shadows: [] })
  }
  return loaded
}

/** The text of a regular file within the size limit; an issue otherwise, or null for a folder that happens to end in `.md`. */
async function readAgentFile(file: string, fs: AgentFs): Promise<string | AgentIssue | null> {
  try {
    const stat = await fs.stat(file)
    if (stat.isDirectory()) return null
    if (!stat.isFile()) return { line: null, message: 'Skipped: not a regular file.' }
    if (stat.size > MAX_AGENT_FILE_CHARS * 4) return { line: null, message: `Skipped: the file is ${stat.size} bytes; the limit is ${MAX_AGENT_FILE_CHARS} characters.` }
    return await fs.readFile(file, 'utf8')
  } catch (error) {
    return { line: null, message: `Cannot read the file: ${messageOf(error)}` }
  }
}

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
