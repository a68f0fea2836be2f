import type { ErrorShape, LocalModel, Machine, ModelDetails, PullEvent, RecommendedModel, Result, RunningModel, StreamHandle } from '../../src-shared/contract'

export interface FakeModelsOptions {
  models?: LocalModel[]
  running?: RunningModel[]
  recommended?: RecommendedModel[]
  machine?: Machine
}

const GB = 1024 ** 3
const ok = <T>(value: T): Result<T> => ({ ok: true, value })
const notFound = (name: string): Result<never> => ({ ok: false, error: { code: 'E_NOT_FOUND', message: `"${name}" was not found in Ollama.`, hint: 'Pull it first.', retryable: false } })

export const localModel = (name: string, extra: Partial<LocalModel> = {}): LocalModel => ({
  name,
  size: 2 * GB,
  digest: 'abc',
  family: 'llama',
  parameterSize: '3.2B',
  quantization: 'Q4_K_M',
  modifiedAt: Date.UTC(2025, 0, 2),
  ...extra,
})

export const recommendedModel = (name: string, extra: Partial<RecommendedModel> = {}): RecommendedModel => ({
  name,
  title: name,
  description: 'A model.',
  use: 'chat',
  parameterSize: '3B',
  size: 2 * GB,
  ram: 8 * GB,
  fit: 'good',
  reason: 'Fits.',
  installed: false,
  ...extra,
})

interface PendingPull {
  onEvent(event: PullEvent): void
  settle(result: Result<{ name: string; status: string }>): void
}

/**
 * The models.* routes and the models.pull stream in memory. Pulls are driven by the test:
 * `progress(name, event)`, then `finish(name)` or `fail(name, error)`; cancel ends with E_CANCELLED.
 */
export function fakeModels(options: FakeModelsOptions, changed: () => void) {
  let models = options.models ?? []
  let running = options.running ?? []
  const pulls = new Map<string, PendingPull>()
  const active = (name: string) => {
    const pull = pulls.get(name)
    if (!pull) throw new Error(`no pull of ${name} is in progress yet`)
    return pull
  }
  const machine: Machine = options.machine ?? { totalMemory: 16 * GB, freeDisk: 200 * GB, modelsDir: '/m', gpu: 'unknown', note: 'GPU not detected.' }

  const details = (name: string): ModelDetails => ({
    name,
    family: 'llama',
    parameterSize: '3.2B',
    quantization: 'Q4_K_M',
    format: 'gguf',
    template: '{{ .Prompt }}',
    parameters: 'temperature 0.6',
    license: 'LLAMA 3.2 COMMUNITY LICENSE',
    system: '',
    capabilities: ['completion', 'tools'],
    contextLength: 131072,
  })

  return {
    isModelRoute: (route: string) => route.startsWith('models.'),
    call(route: string, input: unknown): Result<unknown> {
      const { name, confirm } = (input ?? {}) as { name?: string; confirm?: boolean }
      const has = (n: string | undefined) => models.some((m) => m.name === n)
      switch (route) {
        case 'models.list':
          return ok({ models })
        case 'models.running':
          return ok({ models: running })
        case 'models.recommended':
          return ok({ machine, models: (options.recommended ?? []).map((m) => ({ ...m, installed: has(m.name) })) })
        case 'models.show':
          return has(name) ? ok(details(name!)) : notFound(name ?? '')
        case 'models.unload':
          running = running.filter((m) => m.name !== name)
          return ok({ name, unloaded: true })
        case 'models.delete':
          if (!confirm) return { ok: false, error: { code: 'E_VALIDATION', message: 'needs a confirmation', retryable: false } }
          if (!has(name)) return notFound(name ?? '')
          models = models.filter((m) => m.name !== name)
          changed()
          return ok({ name, deleted: true })
        default:
          return { ok: false, error: { code: 'E_UNKNOWN_ROUTE', message: `no ${route}`, retryable: false } }
      }
    },
    stream(input: { name: string }, onEvent: (event: PullEvent) => void): StreamHandle<{ name: string; status: string }> {
      let settle: (result: Result<{ name: string; status: string }>) => void = () => undefined
      const done = new Promise<Result<{ name: string; status: string }>>((resolve) => (settle = resolve))
      pulls.set(input.name, { onEvent, settle })
      return {
        id: pulls.size,
        cancel: () => {
          pulls.delete(input.name)
          settle({ ok: false, error: { code: 'E_CANCELLED', message: 'The pull was cancelled.', retryable: false } })
        },
        done,
      }
    },
    pulling: () => [...pulls.keys()],
    // Each throws until the screen has opened that pull's stream: tests `await waitFor(() => …)`.
    progress(name: string, event: PullEvent) {
      active(name).onEvent(event)
    },
    finish(name: string) {
      const pull = active(name)
      pulls.delete(name)
      models = [...models, localModel(name)]
      pull.settle(ok({ name, status: 'success' }))
      changed()
    },
    fail(name: string, error: ErrorShape) {
      const pull = active(name)
      pulls.delete(name)
      pull.settle({ ok: false, error })
    },
    models: () => models,
  }
}
