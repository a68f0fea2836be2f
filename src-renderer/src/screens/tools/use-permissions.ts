import { useCallback, useEffect, useState } from 'react'
import type { ErrorShape, Permissions } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { workspaceInput } from '../../store/workspace-store'

export type PermissionLevel = 'user' | 'workspace'

export interface PermissionsData {
  user: Permissions | undefined
  /** null: no workspace folder, so no workspace rules. */
  workspace: Permissions | null
  loading: boolean
  problem: ErrorShape | undefined
  /** Resolves to the route's error (shown next to the fields), or undefined when saved. */
  save(level: PermissionLevel, permissions: Permissions): Promise<ErrorShape | undefined>
}

/** The permission rules of the user and (with a folder) the workspace, as the core stores them. */
export function usePermissions(workspace: string): PermissionsData {
  const api = useApi()
  const [rules, setRules] = useState<{ user: Permissions | undefined; workspace: Permissions | null }>({ user: undefined, workspace: null })
  const [loading, setLoading] = useState(true)
  const [problem, setProblem] = useState<ErrorShape | undefined>()

  useEffect(() => {
    let live = true
    setLoading(true)
    void api.call('permissions.get', workspaceInput(workspace)).then((result) => {
      if (!live) return
      setLoading(false)
      if (!result.ok) return setProblem(result.error)
      setProblem(undefined)
      setRules(result.value)
    })
    return () => {
      live = false
    }
  }, [api, workspace])

  const save = useCallback(
    async (level: PermissionLevel, permissions: Permissions) => {
      const result = await api.call('permissions.update', { source: level, permissions, ...workspaceInput(workspace) })
      if (!result.ok) return result.error
      setRules((previous) => ({ ...previous, [level]: result.value }))
      return undefined
    },
    [api, workspace],
  )

  return { ...rules, loading, problem, save }
}
