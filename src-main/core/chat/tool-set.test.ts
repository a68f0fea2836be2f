import { describe, expect, it } from 'vitest'
import { agentAllowsTool, agentRefusal, limitTools } from './tool-set'

const spec = (name: string) => ({ name, description: name, parameters: { type: 'object' } })

describe('an agent’s tool set', () => {
  it('allows what `tools` names (null: everything), minus `disallowedTools`', () => {
    expect(agentAllowsTool({ tools: null, disallowedTools: [] }, 'Bash')).toBe(true)
    expect(agentAllowsTool({ tools: null, disallowedTools: ['Bash'] }, 'Bash')).toBe(false)
    expect(agentAllowsTool({ tools: [], disallowedTools: [] }, 'Read')).toBe(false)
    expect(agentAllowsTool({ tools: ['Read', 'Grep'], disallowedTools: [] }, 'Grep')).toBe(true)
    expect(agentAllowsTool({ tools: ['Read', 'Grep'], disallowedTools: ['Grep'] }, 'Grep')).toBe(false)
  })

  it('reads rules in parentheses as the tool, `*` as a prefix, and Task as Agent', () => {
    expect(agentAllowsTool({ tools: ['Bash(git status:*)'], disallowedTools: [] }, 'Bash')).toBe(true)
    expect(agentAllowsTool({ tools: ['mcp__github__*'], disallowedTools: [] }, 'mcp__github__search')).toBe(true)
    expect(agentAllowsTool({ tools: ['mcp__github__*'], disallowedTools: [] }, 'mcp__gitlab__search')).toBe(false)
    expect(agentAllowsTool({ tools: ['Task(reviewer)'], disallowedTools: [] }, 'Agent')).toBe(true)
    expect(agentAllowsTool({ tools: null, disallowedTools: ['Agent'] }, 'Task')).toBe(false)
  })

  it('narrows the offered specs, and refuses a call outside the set or to a tool not offered', () => {
    const agent = { name: 'r', tools: ['Read', 'NotebookRead'], disallowedTools: [] }
    expect(limitTools([spec('Read'), spec('Bash'), spec('Write')], agent).map((s) => s.name)).toEqual(['Read'])
    expect(limitTools([spec('Read'), spec('Bash')], undefined).map((s) => s.name)).toEqual(['Read', 'Bash'])
    const offered = new Set(['Read'])
    expect(agentRefusal(agent, offered, 'Read')).toBeNull()
    expect(agentRefusal(agent, offered, 'Bash')).toBe('Bash is not one of the tools of the agent r.')
    expect(agentRefusal(agent, offered, 'NotebookRead')).toBe('NotebookRead is not a tool this chat has.')
    expect(agentRefusal(undefined, offered, 'Bash')).toBeNull()
  })
})
