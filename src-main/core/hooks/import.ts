import path from 'node:path'
import { HOOK_EVENTS, type HooksConfig } from '../../../src-shared/contract'
import { AppError, ConfigError, ValidationError } from '../errors'
import { readUserFileSync } from '../paths'
import { parseHooksLeniently } from './settings-files'

export type HookImportSource = 'claude' | 'ollama-cli' | 'qarin' | 'file'

export interface ImportHooksOptions {
  /** The user's home folder (injected so tests never touch the real one). */
  home: string
  workspace?: string | null
  /** Required for `file`. */
  path?: string
  /** The hooks to merge into; nothing is duplicated. */
  target?: HooksConfig
}

export interface ImportHooksResult {
  hooks: HooksConfig
  /** Hook commands added (duplicates of ones already there are not counted). */
  imported: number
  /** Files that were read. */
  files: string[]
  warnings: string[]
}

export class NoHooksFileError extends AppError {
  constructor(where: readonly string[]) {
    super('E_NOT_FOUND', `No settings file found to import hooks from (looked at ${where.join(', ')}).`, {
      hint: 'Check that the other tool is set up on this computer, or import from a file.',
    })
  }
}

/** Where each tool keeps hooks, in the order they are read. */
export function importCandidates(from: HookImportSource, options: ImportHooksOptions): string[] {
  const workspace = options.workspace ?? null
  switch (from) {
    case 'claude': {
      const files = [path.join(options.home, '.claude', 'settings.json')]
      if (workspace) files.push(path.join(workspace, '.claude', 'settings.json'), path.join(workspace, '.claude', 'settings.local.json'))
      return files
    }
    case 'ollama-cli':
      return [path.join(workspace ?? options.home, '.ollama', 'settings.json')]
    case 'qarin':
      return [path.join(workspace ?? options.home, '.qarin', 'settings.json')]
    case 'file':
      if (!options.path) throw new ValidationError('Importing from a file needs the path of that file.')
      return [path.resolve(options.path)]
  }
}

function readJson(file: string): unknown | undefined {
  let text: string
  try {
    text = readUserFileSync(file, { maxBytes: 4 * 1024 * 1024, what: 'The settings file' }).toString('utf8')
  } catch (error) {
    if (error instanceof AppError && error.code === 'E_NOT_FOUND') return undefined
    throw error
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON, so no hooks were imported from it.`, { cause: error, hint: 'Fix the file in its own tool first.' })
  }
}

/** A settings document's `hooks`, or the document itself when it is a bare hooks object. */
function hooksOf(doc: unknown): unknown {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc
  if ('hooks' in doc) return doc.hooks
  const keys = Object.keys(doc)
  return keys.length > 0 && keys.every((k) => (HOOK_EVENTS as readonly string[]).includes(k)) ? doc : undefined
}

/**
 * Adds `incoming` to `target`: a command already present for the same event and matcher is skipped;
 * new commands join the group with the same matcher, or a new group.
 */
export function mergeHooks(target: HooksConfig, incoming: HooksConfig): { hooks: HooksConfig; added: number } {
  const hooks: HooksConfig = structuredClone(target)
  let added = 0
  for (const event of HOOK_EVENTS) {
    for (const group of incoming[event] ?? []) {
      const matcher = group.matcher ?? ''
      const groups = (hooks[event] ??= [])
      const present = new Set(groups.filter((g) => (g.matcher ?? '') === matcher).flatMap((g) => g.hooks.map((h) => h.command)))
      // add() marks each command seen, so a command repeated inside `incoming` is added once too.
      const fresh = group.hooks.filter((h) => !present.has(h.command) && present.add(h.command))
      if (fresh.length === 0) continue
      const home = groups.find((g) => (g.matcher ?? '') === matcher)
      if (home) home.hooks.push(...fresh)
      else groups.push({ ...(group.matcher === undefined ? {} : { matcher: group.matcher }), hooks: fresh })
      added += fresh.length
    }
  }
  return { hooks, added }
}

/** Reads another tool's hooks (same format as ours) and merges them into `target`. */
export function importHooks(from: HookImportSource, options: ImportHooksOptions): ImportHooksResult {
  const candidates = importCandidates(from, options)
  let hooks: HooksConfig = options.target ?? {}
  let imported = 0
  const files: string[] = []
  const warnings: string[] = []
  for (const file of candidates) {
    const doc = readJson(file)
    if (doc === undefined) continue
    files.push(file)
    const parsed = parseHooksLeniently(hooksOf(doc), file)
    warnings.push(...parsed.warnings)
    const merged = mergeHooks(hooks, parsed.hooks)
    hooks = merged.hooks
    imported += merged.added
  }
  if (files.length === 0) throw new NoHooksFileError(candidates)
  return { hooks, imported, files, warnings }
}
