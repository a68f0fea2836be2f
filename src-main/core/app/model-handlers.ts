import type { modelRoutes, modelStreams } from '../../../src-shared/contract/models'
import type { ModelService } from '../models'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'

export type ModelRouteName = keyof typeof modelRoutes
export type ModelStreamName = keyof typeof modelStreams
export type ModelRouteHandlers = Pick<RouteHandlers, ModelRouteName>
export type ModelStreamHandlers = Pick<StreamHandlers, ModelStreamName>

export interface ModelHandlerDeps {
  models: ModelService
  /** Tells every client the installed models changed (after a pull or delete). */
  changed?: () => void
}

export function createModelHandlers({ models, changed }: ModelHandlerDeps): ModelRouteHandlers {
  return {
    'models.list': async (_input, { signal }) => ({ models: await models.list(signal) }),
    'models.show': ({ name }, { signal }) => models.show(name, signal),
    'models.running': async (_input, { signal }) => ({ models: await models.running(signal) }),
    'models.unload': ({ name }, { signal }) => models.unload(name, signal),
    'models.delete': async ({ name, confirm }, { signal }) => {
      const result = await models.delete(name, confirm === true, signal)
      changed?.()
      return result
    },
    'models.recommended': (_input, { signal }) => models.recommended(signal),
  }
}

export function createModelStreamHandlers({ models, changed }: ModelHandlerDeps): ModelStreamHandlers {
  return {
    async *'models.pull'({ name }, { signal }) {
      const result = yield* models.pull(name, signal)
      changed?.()
      return result
    },
  }
}
