import { useCallback, useEffect, useState } from 'react'
import type { ApiClient, SessionSummary } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'
import type { TagCount } from './SessionToolbar'

/** Every tag in use, for the filter and for suggestions; reload() after a change. */
export function useSessionTags(api: ApiClient): { tags: TagCount[]; reload(): void } {
  const [tags, setTags] = useState<TagCount[]>([])
  const [version, setVersion] = useState(0)
  useEffect(() => {
    let live = true
    void api.call('sessions.tags', {}).then((result) => {
      if (!live) return
      if (result.ok) setTags(result.value.tags)
      else useAppStore.getState().notifyError(result.error)
    })
    return () => {
      live = false
    }
  }, [api, version])
  const reload = useCallback(() => setVersion((n) => n + 1), [])
  return { tags, reload }
}

/** One session by id (a search hit names only the id); reloaded when `version` changes. */
export function useSession(api: ApiClient, id: string | undefined, version: number): SessionSummary | undefined {
  const [session, setSession] = useState<SessionSummary | undefined>()
  useEffect(() => {
    if (!id) return
    let live = true
    void api.call('sessions.get', { id }).then((result) => {
      if (!live) return
      if (result.ok) setSession(result.value)
      else useAppStore.getState().notifyError(result.error)
    })
    return () => {
      live = false
    }
  }, [api, id, version])
  return session?.id === id ? session : undefined
}
