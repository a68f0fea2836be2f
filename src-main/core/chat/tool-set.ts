import type { ChatAgent } from '../../../src-shared/contract'
import type { ToolSpec } from '../providers'

/**
 * The tool set of a chat started with an agent: its `tools` (null: all the chat has) minus its
 * `disallowedTools`. An entry is a tool name (`Read`), a name with a rule in parentheses
 * (`Bash(git status:*)`: the tool is in the set, the permission rules still decide each call), a
 * name ending in `*` (`mcp__github__*`), or `Agent`, which Claude Code also writes `Task`.
 * It only ever narrows what the chat offers; permissions and hooks still decide each call.
 */
const base = (entry: string): string => {
  const name = entry.replace(/\(.*$/s, '').trim()
  return name === 'Task' ? 'Agent' : name
}

function matches(entry: string, tool: string): boolean {
  const name = base(entry)
  const wanted = tool === 'Task' ? 'Agent' : tool
  return name.endsWith('*') ? wanted.startsWith(name.slice(0, -1)) : name === wanted
}

/** Whether the agent's tool set lets the chat use `tool`. */
export function agentAllowsTool(agent: Pick<ChatAgent, 'tools' | 'disallowedTools'>, tool: string): boolean {
  if (agent.disallowedTools.some((entry) => matches(entry, tool))) return false
  return agent.tools === null || agent.tools.some((entry) => matches(entry, tool))
}

/** The specs the chat offers, narrowed to the agent's tool set; all of them without an agent. */
export function limitTools(specs: ToolSpec[], agent: ChatAgent | undefined): ToolSpec[] {
  return agent ? specs.filter((spec) => agentAllowsTool(agent, spec.name)) : specs
}

/** Why a call is refused before any hook or permission rule: not in the agent's set, or not offered at all. Null: it may go on. */
export function agentRefusal(agent: ChatAgent | undefined, offered: ReadonlySet<string> | undefined, tool: string): string | null {
  if (!agent) return null
  if (!agentAllowsTool(agent, tool)) return `${tool} is not one of the tools of the agent ${agent.name}.`
  if (offered && !offered.has(tool)) return `${tool} is not a tool this chat has.`
  return null
}
