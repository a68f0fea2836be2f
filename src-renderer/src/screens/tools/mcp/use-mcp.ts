import { useCallback, useEffect, useState } from 'react'
import type { ErrorShape, McpServerConfig, McpServerStatus, McpServerView, McpTool, RouteInput } from '../../../../../src-shared/contract'
import { useApi } from '../../../api/context'

export interface McpData {
  servers: McpServerView[]
  /** Live status by server name: the list's, then every `mcp.changed`. */
  statuses: Record<string, McpServerStatus>
  tools: McpTool[]
  file: string
  loading: boolean
  problem: ErrorShape | undefined
  reload(): Promise<void>
  /** Resolves to the route's error, or undefined when saved. */
  save(input: RouteInput<'mcp.save'>): Promise<ErrorShape | undefined>
  setEnabled(config: McpServerConfig, enabled: boolean): Promise<ErrorShape | undefined>
  remove(name: string): Promise<ErrorShape | undefined>
  restart(name: string): Promise<ErrorShape | undefined>
}

const byName = (statuses: McpServerStatus[]): Record<string, McpServerStatus> => Object.fromEntries(statuses.map((s) => [s.name, s]))

/** The MCP servers, their live status and their tools, kept current by `mcp.changed`. */
export function useMcp(): McpData {
  const api = useApi()
  const [servers, setServers] = useState<McpServerView[]>([])
  const [statuses, setStatuses] = useState<Record<string, McpServerStatus>>({})
  const [tools, setTools] = useState<McpTool[]>([])
  const [file, setFile] = useState('')
  const [loading, setLoading] = useState(true)
  const [problem, setProblem] = useState<ErrorShape | undefined>()

  const loadTools = useCallback(async () => {
    const result = await api.call('mcp.tools', {})
    if (result.ok) setTools(result.value.tools)
  }, [api])

  const reload = useCallback(async () => {
    const [list] = await Promise.all([api.call('mcp.list', {}), loadTools()])
    setLoading(false)
    if (!list.ok) return setProblem(list.error)
    setProblem(undefined)
    setServers(list.value.servers)
    setFile(list.value.file)
    setStatuses(byName(list.value.servers.map((s) => s.status)))
  }, [api, loadTools])

  useEffect(() => {
    void reload()
    return api.on('mcp.changed', ({ servers: next }) => {
      setStatuses(byName(next))
      // A server that connected or changed its tool list brings (or takes) tools.
      void loadTools()
    })
  }, [api, reload, loadTools])

  const after = useCallback(
    async (result: Promise<{ ok: boolean; error?: ErrorShape }>) => {
      const answer = await result
      if (!answer.ok) return answer.error
      await reload()
      return undefined
    },
    [reload],
  )

  const save = useCallback((input: RouteInput<'mcp.save'>) => after(api.call('mcp.save', input)), [api, after])
  const setEnabled = useCallback((config: McpServerConfig, enabled: boolean) => after(api.call('mcp.save', { config: { ...config, enabled } })), [api, after])
  const remove = useCallback((name: string) => after(api.call('mcp.remove', { name })), [api, after])
  const restart = useCallback(
    async (name: string) => {
      const result = await api.call('mcp.restart', { name })
      if (!result.ok) return result.error
      setStatuses((previous) => ({ ...previous, [name]: result.value }))
      return undefined
    },
    [api],
  )

  return { servers, statuses, tools, file, loading, problem, reload, save, setEnabled, remove, restart }
}
