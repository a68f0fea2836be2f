import { useEffect, useState } from 'react'
import type { ErrorShape, Skill } from '../../../src-shared/contract'
import { useApi } from '../api/context'
import { workspaceInput } from '../store/workspace-store'

export interface SkillsData {
  skills: Skill[]
  dirs: string[]
  loading: boolean
  problem: ErrorShape | undefined
}

/** The user's and the workspace's skills; `enabled: false` waits (the composer asks only once `/` is typed). */
export function useSkills(workspace: string, enabled = true): SkillsData {
  const api = useApi()
  const [data, setData] = useState<SkillsData>({ skills: [], dirs: [], loading: enabled, problem: undefined })
  useEffect(() => {
    if (!enabled) return
    let live = true
    setData((previous) => ({ ...previous, loading: true }))
    void api.call('skills.list', workspaceInput(workspace)).then((result) => {
      if (!live) return
      if (result.ok) setData({ skills: result.value.skills, dirs: result.value.dirs, loading: false, problem: undefined })
      else setData({ skills: [], dirs: [], loading: false, problem: result.error })
    })
    return () => {
      live = false
    }
  }, [api, workspace, enabled])
  return data
}
