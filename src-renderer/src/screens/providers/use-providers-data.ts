import { useCallback, useEffect, useState } from 'react'
import type { ErrorShape, PresetInfo, ProviderHealth, ProviderView } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'

export interface ProvidersData {
  providers: ProviderView[]
  presets: PresetInfo[]
  health: ProviderHealth[]
  healthAt: number | undefined
  problem: ErrorShape | undefined
  loading: boolean
  reload(): Promise<void>
}

/** Providers and presets, with live health: reloads on `providers.changed`, follows `health.changed`. */
export function useProvidersData(): ProvidersData {
  const api = useApi()
  const [providers, setProviders] = useState<ProviderView[]>([])
  const [presets, setPresets] = useState<PresetInfo[]>([])
  const [health, setHealth] = useState<ProviderHealth[]>([])
  const [healthAt, setHealthAt] = useState<number | undefined>()
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [loading, setLoading] = useState(true)

  const reload = useCallback(async () => {
    const [list, snapshot] = await Promise.all([api.call('providers.list', {}), api.call('health.snapshot', {})])
    setLoading(false)
    if (list.ok) {
      setProviders(list.value.providers)
      setPresets(list.value.presets)
      setProblem(undefined)
    } else setProblem(list.error)
    if (snapshot.ok) {
      setHealth(snapshot.value.providers)
      setHealthAt(snapshot.value.at)
    }
  }, [api])

  useEffect(() => {
    void reload()
    const offProviders = api.on('providers.changed', () => void reload())
    const offHealth = api.on('health.changed', ({ providers: next, at }) => {
      setHealth(next)
      setHealthAt(at)
    })
    return () => {
      offProviders()
      offHealth()
    }
  }, [api, reload])

  return { providers, presets, health, healthAt, problem, loading, reload }
}

/** Field errors by path from a validation failure ("config.name" → its message). */
export function issuesByPath(error: ErrorShape | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of error?.issues ?? []) out[issue.path] ??= issue.message
  return out
}
