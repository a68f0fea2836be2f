import { ModelService, probeMachine } from '../models'
import type { CapabilityWiring } from './capability'
import type { BaseWiringContext } from './wiring-context'

type ModelRouteHandlers = CapabilityWiring<'models'>['handlers']
type ModelStreamHandlers = CapabilityWiring<'models'>['streamHandlers']

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

export interface ModelWiring extends CapabilityWiring<'models'> {
  models: ModelService
}

/** The local Ollama's model library: list, show, pull, delete, and what this machine can run. */
export function wireModels(ctx: BaseWiringContext, deps: Omit<ModelHandlerDeps, 'models'>): ModelWiring {
  const models = new ModelService({
    host: ctx.ollamaHost,
    fetch: ctx.options.fetch,
    machine: ctx.options.machine ?? (() => probeMachine(ctx.env, ctx.options.home)),
  })
  const handlerDeps = { ...deps, models }
  return { models, handlers: createModelHandlers(handlerDeps), streamHandlers: createModelStreamHandlers(handlerDeps) }
}
