import { useCallback, useEffect, useState } from 'react'
import type { ErrorShape, LocalModel, Machine, RecommendedModel, RunningModel } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'

export interface ModelsData {
  models: LocalModel[] | undefined
  running: RunningModel[]
  recommended: RecommendedModel[]
  machine: Machine | undefined
  /** Why the list could not be loaded (Ollama down, wrong host…). */
  problem: ErrorShape | undefined
  loading: boolean
  reload(): Promise<void>
}

/** Installed, loaded and recommended models; reloads when any client pulls or deletes one. */
export function useModelsData(): ModelsData {
  const api = useApi()
  const [models, setModels] = useState<LocalModel[] | undefined>()
  const [running, setRunning] = useState<RunningModel[]>([])
  const [recommended, setRecommended] = useState<RecommendedModel[]>([])
  const [machine, setMachine] = useState<Machine | undefined>()
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [loading, setLoading] = useState(true)

  const reload = useCallback(async () => {
    setLoading(true)
    const [list, ps, rec] = await Promise.all([api.call('models.list', {}), api.call('models.running', {}), api.call('models.recommended', {})])
    setLoading(false)
    if (list.ok) {
      setModels(list.value.models)
      setProblem(undefined)
    } else {
      setModels(undefined)
      setProblem(list.error)
    }
    setRunning(ps.ok ? ps.value.models : [])
    if (rec.ok) {
      setRecommended(rec.value.models)
      setMachine(rec.value.machine)
    }
  }, [api])

  useEffect(() => {
    void reload()
    return api.on('models.changed', () => void reload())
  }, [api, reload])

  return { models, running, recommended, machine, problem, loading, reload }
}
