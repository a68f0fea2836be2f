import { useEffect, useState } from 'react'
import type { ApiClient, McpPrompt, McpResource } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'

// Without MCP (or on an error) there is simply nothing to offer.
const loadResources = async (api: ApiClient): Promise<McpResource[]> => {
  const result = await api.call('mcp.resources', {})
  return result.ok ? result.value.resources : []
}
const loadPrompts = async (api: ApiClient): Promise<McpPrompt[]> => {
  const result = await api.call('mcp.prompts', {})
  return result.ok ? result.value.prompts : []
}

/** A list from the connected MCP servers, asked again whenever one connects, fails or changes (mcp.changed). */
function useMcpList<T>(load: (api: ApiClient) => Promise<T[]>, enabled: boolean): T[] {
  const api = useApi()
  const [items, setItems] = useState<T[]>([])
  useEffect(() => {
    if (!enabled) return
    let live = true
    const refresh = (): void => {
      void load(api).then((next) => {
        if (live) setItems(next)
      })
    }
    refresh()
    const off = api.on('mcp.changed', refresh)
    return () => {
      live = false
      off()
    }
  }, [api, load, enabled])
  return items
}

export const useMcpResources = (): McpResource[] => useMcpList(loadResources, true)
/** `enabled: false` waits: the composer asks for prompts only once `/` is typed. */
export const useMcpPrompts = (enabled: boolean): McpPrompt[] => useMcpList(loadPrompts, enabled)
