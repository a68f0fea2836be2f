import path from 'node:path'
import type { Permissions } from '../../../src-shared/contract/agent'
import { displayPath, globToRegExp, isInside, realPathOf, realRoots, resolveInside, toSlashes } from './sandbox'

/**
 * Claude Code's rule syntax: `Bash`, `Bash(git status)` (exact), `Bash(npm run test:*)` (prefix),
 * `Read(src/**)` / `Edit(/abs/**)` (globs over the resolved path), `WebFetch(domain:example.com)`.
 * As in Claude Code, Read rules also cover Glob and Grep, and Edit rules also cover Write.
 */

export interface PermissionInputs {
  user: Permissions
  workspace: Permissions | null
  /** Rules the user allowed for this session only. */
  sessionAllows: string[]
  roots: string[]
  cwd: string
}

export interface PermissionVerdict {
  decision: 'allow' | 'deny' | 'ask'
  rule?: string
  reason: string
}

export interface ParsedRule {
  tool: string
  /** The text in parentheses; undefined for a bare tool name (matches every call). */
  content?: string
}

export function parseRule(rule: string): ParsedRule | null {
  const match = /^\s*([A-Za-z_][\w.-]*)\s*(?:\(([\s\S]*)\))?\s*$/.exec(rule)
  if (!match) return null
  const content = match[2]
  return content === undefined || content.trim() === '' ? { tool: match[1] as string } : { tool: match[1] as string, content: content.trim() }
}

const READ_TOOLS = new Set(['Read', 'Glob', 'Grep'])
const EDIT_TOOLS = new Set(['Edit', 'Write'])

/** Which tools a rule's name covers. */
function ruleCovers(ruleTool: string, tool: string): boolean {
  if (ruleTool === tool) return true
  if (ruleTool === 'Read') return READ_TOOLS.has(tool)
  if (ruleTool === 'Edit') return EDIT_TOOLS.has(tool)
  return false
}

/** Anything beyond one plain command: chaining, pipes, substitution, redirection, subshells, expansions. */
const SHELL_META = /[;&|`$<>(){}\n\r\\]/

export function isSimpleCommand(command: string): boolean {
  return !SHELL_META.test(command)
}

/** The commands a compound line would run, split loosely on separators; used only to make deny rules stricter. */
export function commandParts(command: string): string[] {
  return command
    .split(/&&|\|\||[;&|\n\r`]|\$\(|[()]/)
    .map((part) => part.trim().replace(/^(?:\w+=\S*\s+)+/, ''))
    .filter((part) => part !== '')
}

function prefixOf(content: string): string | null {
  if (content.endsWith(':*')) return content.slice(0, -2).trim()
  if (content.endsWith(' *')) return content.slice(0, -2).trim()
  return null
}

function commandMatches(content: string, command: string): boolean {
  const normalised = command.trim().replace(/\s+/g, ' ')
  const prefix = prefixOf(content)
  if (prefix === null) return normalised === content.replace(/\s+/g, ' ')
  return normalised === prefix || normalised.startsWith(`${prefix} `)
}

function bashMatches(content: string, command: string, forDeny: boolean): boolean {
  if (forDeny) return commandMatches(content, command) || commandParts(command).some((part) => commandMatches(content, part))
  // An exact rule is the one command the user saw; a prefix rule never stretches over a compound line.
  if (prefixOf(content) === null) return commandMatches(content, command)
  return isSimpleCommand(command) && commandMatches(content, command)
}

function targetPath(tool: string, input: Record<string, unknown>): string | undefined {
  if (tool === 'Read' || tool === 'Write' || tool === 'Edit') return typeof input.file_path === 'string' ? input.file_path : undefined
  if (tool === 'Glob' || tool === 'Grep') return typeof input.path === 'string' ? input.path : '.'
  return undefined
}

/** The real absolute path the tool would touch (or, outside the workspace, the plain resolved one). */
function resolvedTarget(filePath: string, where: Pick<PermissionInputs, 'roots' | 'cwd'>): string {
  try {
    return resolveInside(where.roots, where.cwd, filePath)
  } catch {
    const lexical = path.resolve(where.cwd, filePath)
    try {
      return realPathOf(lexical)
    } catch {
      return lexical
    }
  }
}

function pathMatches(pattern: string, absolute: string, where: Pick<PermissionInputs, 'roots' | 'cwd'>): boolean {
  if (path.isAbsolute(pattern)) return globToRegExp(toSlashes(pattern)).test(toSlashes(absolute))
  let roots: string[]
  try {
    roots = realRoots(where.roots)
  } catch {
    return false
  }
  const clean = pattern.replace(/^\.\//, '')
  return roots.some((root) => isInside(root, absolute) && globToRegExp(clean).test(toSlashes(path.relative(root, absolute))))
}

function hostOf(input: Record<string, unknown>): string | null {
  try {
    return typeof input.url === 'string' ? new URL(input.url).hostname.toLowerCase() : null
  } catch {
    return null
  }
}

/** Does `rule` cover this call? Deny matching is looser (any part of a compound command, subdomains). */
export function ruleMatches(rule: string, tool: string, input: Record<string, unknown>, where: Pick<PermissionInputs, 'roots' | 'cwd'>, forDeny = false): boolean {
  const parsed = parseRule(rule)
  if (!parsed || !ruleCovers(parsed.tool, tool)) return false
  const { content } = parsed
  if (content === undefined) return true
  if (tool === 'Bash') return typeof input.command === 'string' && bashMatches(content, input.command, forDeny)
  if (tool === 'WebFetch') {
    const host = hostOf(input)
    if (!content.startsWith('domain:') || host === null) return false
    const domain = content.slice('domain:'.length).trim().toLowerCase()
    return host === domain || ((forDeny || domain.startsWith('*.')) && host.endsWith(`.${domain.replace(/^\*\./, '')}`))
  }
  const target = targetPath(tool, input)
  if (target === undefined) return false
  return pathMatches(content, resolvedTarget(target, where), where)
}

const MODE_STRICTNESS = { 'allow-reads': 0, ask: 1, deny: 2 } as const

/** Deny rules (either level) win, then allow rules and session allows, then the stricter default mode. */
export function decidePermission(tool: string, input: Record<string, unknown>, inputs: PermissionInputs): PermissionVerdict {
  const levels = [
    { name: 'user settings', rules: inputs.user },
    ...(inputs.workspace ? [{ name: 'workspace settings', rules: inputs.workspace }] : []),
  ]
  for (const level of levels) {
    const rule = level.rules.deny.find((candidate) => ruleMatches(candidate, tool, input, inputs, true))
    if (rule) return { decision: 'deny', rule, reason: `Denied by the rule ${rule} in ${level.name}.` }
  }
  for (const level of levels) {
    const rule = level.rules.allow.find((candidate) => ruleMatches(candidate, tool, input, inputs))
    if (rule) return { decision: 'allow', rule, reason: `Allowed by the rule ${rule} in ${level.name}.` }
  }
  const session = inputs.sessionAllows.find((candidate) => ruleMatches(candidate, tool, input, inputs))
  if (session) return { decision: 'allow', rule: session, reason: `Allowed for this session (${session}).` }

  const mode = levels.map((level) => level.rules.defaultMode).reduce((a, b) => (MODE_STRICTNESS[b] > MODE_STRICTNESS[a] ? b : a))
  if (mode === 'deny') return { decision: 'deny', reason: `No rule allows ${tool}, and the default mode is deny.` }
  if (mode === 'allow-reads' && READ_TOOLS.has(tool)) return { decision: 'allow', reason: `${tool} only reads, and the default mode allows reads.` }
  return { decision: 'ask', reason: `No rule allows ${tool}${tool === 'Bash' && typeof input.command === 'string' ? ` (${input.command.slice(0, 200)})` : ''}.` }
}

/**
 * Commands that stay read-only whatever arguments follow, so a prefix rule is safe. Left out on
 * purpose: git diff/log/show (--output writes a file), git branch (-D), rg (--pre runs a program),
 * tree (-o), find (-exec, -delete).
 */
const READ_ONLY_PREFIXES = [
  'git status', 'git blame', 'git remote -v',
  'ls', 'pwd', 'cat', 'head', 'tail', 'wc', 'which', 'stat', 'du', 'df', 'grep',
  'node --version', 'npm --version', 'npm ls', 'npm list', 'npm view', 'python --version', 'python3 --version',
]

/** The rule to remember after "allow for this session / workspace": as narrow as still useful. */
export function ruleFor(_decision: 'allow-session' | 'allow-workspace', tool: string, input: Record<string, unknown>, where?: Pick<PermissionInputs, 'roots' | 'cwd'>): string {
  if (tool === 'Bash' && typeof input.command === 'string') {
    const command = input.command.trim().replace(/\s+/g, ' ')
    if (isSimpleCommand(command)) {
      const prefix = READ_ONLY_PREFIXES.find((candidate) => command === candidate || command.startsWith(`${candidate} `))
      if (prefix) return `Bash(${prefix}:*)`
    }
    return `Bash(${command})`
  }
  if (READ_TOOLS.has(tool)) return 'Read'
  if (EDIT_TOOLS.has(tool) && typeof input.file_path === 'string') {
    if (!where) return `${tool}(${toSlashes(input.file_path)})`
    const absolute = resolvedTarget(input.file_path, where)
    const root = (() => {
      try {
        return realRoots(where.roots).find((candidate) => isInside(candidate, absolute))
      } catch {
        return undefined
      }
    })()
    return `${tool}(${toSlashes(root ? displayPath(root, absolute) : absolute)})`
  }
  if (tool === 'WebFetch') {
    const host = hostOf(input)
    if (host) return `WebFetch(domain:${host})`
  }
  return tool
}
