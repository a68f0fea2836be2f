import type { BuiltinTool } from '../../../../src-shared/contract'

export interface ToolInfo {
  /** One line, for people (the model gets a longer one from the core). */
  description: string
  /** reads: only looks (what the "allow reads" mode lets through); changes: files or anything a command can; network: talks to the web. */
  effect: 'reads' | 'changes' | 'network'
}

export const EFFECT_LABEL: Record<ToolInfo['effect'], string> = {
  reads: 'Reads only',
  changes: 'Changes things',
  network: 'Uses the network',
}

/** Keyed by the contract's BUILTIN_TOOLS, so a new built-in tool fails the type check until it is described here. */
export const TOOL_INFO: Record<BuiltinTool, ToolInfo> = {
  Read: { description: 'Reads a file in the workspace folder.', effect: 'reads' },
  Write: { description: 'Creates or replaces a file in the workspace folder.', effect: 'changes' },
  Edit: { description: 'Replaces exact text in a file in the workspace folder.', effect: 'changes' },
  Glob: { description: 'Finds files by name pattern, like **/*.ts.', effect: 'reads' },
  Grep: { description: 'Searches file contents with a regular expression.', effect: 'reads' },
  Bash: { description: 'Runs a shell command in the workspace folder.', effect: 'changes' },
  WebFetch: { description: 'Fetches a web page and reads it as text.', effect: 'network' },
}

/** Claude Code's rule syntax: `Tool` or `Tool(pattern)`; the same shape the core parses. */
const RULE = /^\s*[A-Za-z_][\w.-]*\s*(?:\([\s\S]*\))?\s*$/

/** Why a rule cannot be added, or undefined when it is well formed (limits are the core's to judge). */
export function ruleProblem(rule: string, existing: readonly string[]): string | undefined {
  const text = rule.trim()
  if (!text) return 'Write a rule first.'
  if (!RULE.test(text)) return 'A rule is a tool name, optionally with a pattern in parentheses: Bash(git status:*).'
  if (existing.includes(text)) return 'That rule is already in the list.'
  return undefined
}
