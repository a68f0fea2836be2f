import { useCallback, useEffect, useState } from 'react'
import type { RouteOutput } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { workspaceInput } from '../../store/workspace-store'

export type AgentList = RouteOutput<'agents.list'>
export type AgentIssues = RouteOutput<'agents.validate'>['issues']

/** The agent library of the chosen workspace; `reload` after a change. */
export function useAgents(workspace: string): { data: AgentList | undefined; error: string | undefined; reload(): void } {
  const api = useApi()
  const [data, setData] = useState<AgentList | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [round, setRound] = useState(0)
  useEffect(() => {
    let live = true
    void api.call('agents.list', workspaceInput(workspace)).then((result) => {
      if (!live) return
      if (result.ok) {
        setData(result.value)
        setError(undefined)
      } else setError(result.error.message)
    })
    return () => {
      live = false
    }
  }, [api, workspace, round])
  return { data, error, reload: useCallback(() => setRound((n) => n + 1), []) }
}

/** Checks the text as it is typed (after a short pause); null until the first answer. */
export function useAgentValidation(text: string): AgentIssues | null {
  const api = useApi()
  const [issues, setIssues] = useState<AgentIssues | null>(null)
  useEffect(() => {
    let live = true
    const timer = setTimeout(() => {
      void api.call('agents.validate', { text }).then((result) => {
        if (live) setIssues(result.ok ? result.value.issues : [{ line: null, message: result.error.message }])
      })
    }, 200)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, text])
  return issues
}

export const NEW_AGENT_TEXT = `---
name: my-agent
description: What this agent does, and when to use it.
tools: Read, Grep, Glob
model: inherit
---
You are a helpful assistant. Describe here how the agent works.
`

/** Where a source's files live, in words. */
export const SOURCE_LABEL: Record<string, string> = {
  workspace: 'workspace',
  'workspace-claude': 'workspace .claude',
  'workspace-github': 'workspace .github',
  user: 'yours',
  'home-claude': '~/.claude',
  plugin: 'plugin',
  builtin: 'starter',
}
