import type { modelRoutes, modelStreams } from '../../../src-shared/contract/models'
import type { ModelService } from '../models'
import type { RouteHandlers, StreamHandlers } from '../rpc'

export type ModelRouteName = keyof typeof modelRoutes
export type ModelStreamName = keyof typeof modelStreams
export type ModelRouteHandlers = Pick<RouteHandlers, ModelRouteName>
export type ModelStreamHandlers = Pick<StreamHandlers, ModelStreamName>

export interface ModelHandlerDeps {
  models: ModelService
  /** Tells every client the installed models changed (after a pull or delete). */
  changed?: () => void
  /** A pull finished: the model and its download size (the sum of its layers). */
  pulled?: (pull: { name: string; bytes: number }) => void
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

export function createModelStreamHandlers({ models, changed, pulled }: ModelHandlerDeps): ModelStreamHandlers {
  return {
    async *'models.pull'({ name }, { signal }) {
      const layers = new Map<string, number>()
      const pull = models.pull(name, signal)
      for (;;) {
        const step = await pull.next()
        if (step.done) {
          changed?.()
          pulled?.({ name, bytes: [...layers.values()].reduce((sum, size) => sum + size, 0) })
          return step.value
        }
        if (step.value.digest && step.value.total) layers.set(step.value.digest, step.value.total)
        yield step.value
      }
    },
  }
}
