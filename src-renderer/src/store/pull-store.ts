import { create } from 'zustand'
import type { ApiClient, ErrorShape, PullEvent } from '../../../src-shared/contract'
import { useAppStore } from './app-store'

export interface Layer {
  digest: string
  completed: number
  total: number
}

export interface Pull {
  name: string
  status: string
  /** Per-layer progress, in the order Ollama reported the layers. */
  layers: Layer[]
  percent: number
  bytesPerSecond?: number
  state: 'running' | 'done' | 'cancelled' | 'failed'
  error?: ErrorShape
  cancel(): void
}

interface PullState {
  pulls: Pull[]
  /** Starts a pull (or resumes a stopped one of the same name); resolves when it ends. */
  start(api: ApiClient, name: string, onEnd?: (pull: Pull) => void): void
  dismiss(name: string): void
}

const apply = (pull: Pull, event: PullEvent): Pull => {
  const next: Pull = { ...pull, status: event.status }
  if (event.digest) {
    const layer = { digest: event.digest, completed: event.completed ?? 0, total: event.total ?? 0 }
    const index = pull.layers.findIndex((l) => l.digest === event.digest)
    next.layers = index < 0 ? [...pull.layers, layer] : pull.layers.map((l, i) => (i === index ? layer : l))
  }
  if (event.percent !== undefined) next.percent = event.percent
  if (event.bytesPerSecond !== undefined) next.bytesPerSecond = event.bytesPerSecond
  return next
}

/** Pulls live outside the screen, so they keep going (and stay visible) while the user looks elsewhere. */
export const usePulls = create<PullState>((set, get) => {
  const update = (name: string, change: (pull: Pull) => Pull): void =>
    set((state) => ({ pulls: state.pulls.map((pull) => (pull.name === name ? change(pull) : pull)) }))
  return {
    pulls: [],
    start(api, name, onEnd) {
      const existing = get().pulls.find((pull) => pull.name === name)
      if (existing?.state === 'running') return
      const handle = api.stream('models.pull', { name }, (event) => update(name, (pull) => apply(pull, event)))
      const pull: Pull = { name, status: 'starting', layers: [], percent: 0, state: 'running', cancel: () => handle.cancel() }
      set((state) => ({ pulls: [...state.pulls.filter((p) => p.name !== name), pull] }))
      void handle.done.then((result) => {
        update(name, (p) =>
          result.ok
            ? { ...p, state: 'done', percent: 100, status: 'success' }
            : { ...p, state: result.error.code === 'E_CANCELLED' ? 'cancelled' : 'failed', error: result.error },
        )
        if (!result.ok && result.error.code !== 'E_CANCELLED') useAppStore.getState().notifyError(result.error)
        const ended = get().pulls.find((p) => p.name === name)
        if (ended) onEnd?.(ended)
      })
    },
    dismiss: (name) => set((state) => ({ pulls: state.pulls.filter((pull) => pull.name !== name || pull.state === 'running') })),
  }
})
