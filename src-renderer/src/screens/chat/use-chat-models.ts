import { useCallback, useEffect, useState } from 'react'
import type { ChatTarget, ErrorShape, ModelInfo, ProviderView } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'

export interface ChatModels {
  providers: ProviderView[]
  models: ModelInfo[]
  /** Providers that could not list their models. */
  errors: { providerId: string; error: ErrorShape }[]
  /** Still asking; `providers` is empty until then, which is not "none configured". */
  loading: boolean
  problem: ErrorShape | undefined
}

/** The configured providers and their models; follows `providers.changed`. */
export function useChatModels(): ChatModels {
  const api = useApi()
  const [state, setState] = useState<ChatModels>({ providers: [], models: [], errors: [], loading: true, problem: undefined })

  const load = useCallback(async () => {
    const [list, models] = await Promise.all([api.call('providers.list', {}), api.call('providers.models', {})])
    setState({
      providers: list.ok ? list.value.providers : [],
      models: models.ok ? models.value.models : [],
      errors: models.ok ? models.value.errors : [],
      loading: false,
      problem: list.ok ? undefined : list.error,
    })
  }, [api])

  useEffect(() => {
    void load()
    return api.on('providers.changed', () => void load())
  }, [api, load])

  return state
}

/** The model a target names, when it names one that is listed. */
export const modelFor = (models: readonly ModelInfo[], target: ChatTarget): ModelInfo | undefined =>
  'auto' in target ? undefined : models.find((m) => m.providerId === target.providerId && m.id === target.model)

/** Whether pictures can go to this target: its model has vision, or (auto) some model does. */
export function acceptsImages(models: readonly ModelInfo[], target: ChatTarget): boolean {
  if ('auto' in target) return models.some((m) => m.capabilities.vision)
  return modelFor(models, target)?.capabilities.vision ?? false
}

/** The targets that cannot see pictures: the one chosen, or each model ticked to compare. */
export function blindTargets<T extends ChatTarget>(models: readonly ModelInfo[], targets: readonly T[]): T[] {
  return targets.filter((target) => !acceptsImages(models, target))
}
