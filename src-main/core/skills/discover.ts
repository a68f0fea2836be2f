import nodeFs from 'node:fs/promises'
import path from 'node:path'
import type { HooksConfig, Skill } from '../../../src-shared/contract'
import { AppError } from '../errors'
import { MAX_SKILL_FILE_CHARS, parseSkillMarkdown, SkillFileError } from './frontmatter'

/** A skill as found on disk: the contract's shape plus what running it needs. */
export interface LoadedSkill {
  skill: Skill
  /** Absolute path of its SKILL.md. */
  file: string
  body: string
  hooks: HooksConfig
}

/** A skill folder that could not be used; discovery reports it and carries on. */
export interface SkillProblem {
  path: string
  message: string
}

export interface DiscoverSkillsOptions {
  /** The app's own user-level skills folder (`<dataDir>/skills`). */
  userDir: string
  /** Workspace root: `.ollama-desk/skills` and `.claude/skills` under it are read. */
  workspace?: string | null
  /** Home directory: `~/.claude/skills` (Claude Code's user skills) is read when given. */
  home?: string | null
  /** The file system to read; node's by default (the skill cache passes one that records what it saw). */
  fs?: SkillFs
}

/** What discovery needs of the file system. */
export interface SkillFs {
  readdir(dir: string): Promise<string[]>
  stat(file: string): Promise<SkillFileStat>
  readFile(file: string, encoding: 'utf8'): Promise<string>
}

export interface SkillFileStat {
  isDirectory(): boolean
  size: number
  mtimeMs: number
  ino: number
}

export interface DiscoveredSkills {
  /** By name; each name once, the most specific folder winning. */
  skills: LoadedSkill[]
  problems: SkillProblem[]
  /** Every folder looked in, lowest precedence first. */
  dirs: string[]
}

export class SkillNotFoundError extends AppError {
  constructor(name: string, known: string[]) {
    super('E_NOT_FOUND', `There is no skill named "${name.slice(0, 80)}".`, {
      hint: known.length === 0 ? 'Add a folder with a SKILL.md to a skills folder.' : `Known skills: ${known.slice(0, 20).join(', ')}.`,
    })
  }
}

const MAX_SKILLS_PER_DIR = 500
const SKILL_FILE = 'SKILL.md'

interface SkillRoot {
  dir: string
  source: Skill['source']
}

/** Folders in ascending precedence: a later folder's skill replaces an earlier one of the same name. */
export function skillRoots(options: DiscoverSkillsOptions): SkillRoot[] {
  const roots: SkillRoot[] = []
  if (options.home) roots.push({ dir: path.join(options.home, '.claude', 'skills'), source: 'user' })
  roots.push({ dir: path.resolve(options.userDir), source: 'user' })
  if (options.workspace) {
    const workspace = path.resolve(options.workspace)
    roots.push({ dir: path.join(workspace, '.claude', 'skills'), source: 'workspace' })
    roots.push({ dir: path.join(workspace, '.ollama-desk', 'skills'), source: 'workspace' })
  }
  return roots
}

/** Every skill in the user's and the workspace's skill folders; broken ones go to `problems`. */
export async function discoverSkills(options: DiscoverSkillsOptions): Promise<DiscoveredSkills> {
  const byName = new Map<string, LoadedSkill>()
  const problems: SkillProblem[] = []
  const roots = skillRoots(options)
  const fs = options.fs ?? nodeFs
  for (const root of roots) {
    for (const loaded of await loadRoot(root, problems, fs)) byName.set(loaded.skill.name, loaded)
  }
  const skills = [...byName.values()].sort((a, b) => a.skill.name.localeCompare(b.skill.name))
  return { skills, problems, dirs: roots.map((root) => root.dir) }
}

export function findSkill(skills: LoadedSkill[], name: string): LoadedSkill {
  const found = skills.find((loaded) => loaded.skill.name === name)
  if (!found) throw new SkillNotFoundError(name, skills.map((loaded) => loaded.skill.name))
  return found
}

async function loadRoot(root: SkillRoot, problems: SkillProblem[], fs: SkillFs): Promise<LoadedSkill[]> {
  let entries: string[]
  try {
    entries = (await fs.readdir(root.dir)).sort()
  } catch (error) {
    // A skills folder that does not exist is normal; anything else is worth showing.
    if (errnoOf(error) !== 'ENOENT') problems.push({ path: root.dir, message: `Cannot read the skills folder: ${messageOf(error)}` })
    return []
  }
  const loaded: LoadedSkill[] = []
  const seen = new Map<string, string>()
  for (const entry of entries) {
    if (entry.startsWith('.')) continue
    const dir = path.join(root.dir, entry)
    if (!(await isDirectory(dir, fs))) continue
    if (loaded.length >= MAX_SKILLS_PER_DIR) {
      problems.push({ path: dir, message: `Skipped: a skills folder holds at most ${MAX_SKILLS_PER_DIR} skills.` })
      continue
    }
    try {
      const skill = await loadSkill(dir, root.source, fs)
      const earlier = seen.get(skill.skill.name)
      if (earlier !== undefined) {
        problems.push({ path: skill.file, message: `Skipped: the skill in ${earlier} already has the name "${skill.skill.name}".` })
        continue
      }
      seen.set(skill.skill.name, dir)
      loaded.push(skill)
    } catch (error) {
      problems.push({ path: error instanceof SkillFileError ? error.file : path.join(dir, SKILL_FILE), message: messageOf(error) })
    }
  }
  return loaded
}

/** One skill folder; throws SkillFileError when its SKILL.md is missing or invalid. */
export async function loadSkill(dir: string, source: Skill['source'], fs: SkillFs = nodeFs): Promise<LoadedSkill> {
  const file = path.join(dir, SKILL_FILE)
  let text: string
  try {
    const stat = await fs.stat(file)
    if (stat.size > MAX_SKILL_FILE_CHARS * 4) throw new SkillFileError(file, null, `the file is ${stat.size} bytes; the limit is ${MAX_SKILL_FILE_CHARS} characters`)
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    if (error instanceof SkillFileError) throw error
    const missing = errnoOf(error) === 'ENOENT'
    throw new SkillFileError(file, null, missing ? `the folder has no ${SKILL_FILE}` : `cannot read it: ${messageOf(error)}`)
  }
  const definition = parseSkillMarkdown(text, file)
  return {
    skill: {
      name: definition.name,
      description: definition.description,
      source,
      dir,
      allowedTools: definition.allowedTools,
      ...(definition.model === undefined ? {} : { model: definition.model }),
      hasHooks: Object.values(definition.hooks).some((matchers) => matchers.length > 0),
    },
    file,
    body: definition.body,
    hooks: definition.hooks,
  }
}

async function isDirectory(dir: string, fs: SkillFs): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory()
  } catch {
    return false
  }
}

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
