import { create } from 'zustand'
import type { ApiClient, ErrorShape, InstallProgress, StreamResult } from '../../../src-shared/contract'
import { updateSettings } from './bootstrap'

export const steps = ['welcome', 'ollama', 'model', 'chat', 'cloud', 'done'] as const
export type Step = (typeof steps)[number]

export const stepTitles: Record<Step, string> = {
  welcome: 'Welcome',
  ollama: 'Ollama',
  model: 'First model',
  chat: 'First chat',
  cloud: 'Cloud providers',
  done: 'Done',
}

export interface Install {
  state: 'running' | 'done' | 'cancelled' | 'failed'
  phase: InstallProgress['phase']
  bytes?: number
  total?: number
  bytesPerSecond?: number
  etaSeconds?: number
  result?: StreamResult<'ollama.install'>
  error?: ErrorShape
  cancel(): void
}

interface OnboardingState {
  /** Opened again from Settings or the palette (first run opens by itself, from the settings). */
  open: boolean
  /** Closed in this window, before the saved setting caught up. */
  closed: boolean
  step: Step
  /** The model picked (or pulled) for the first chat. */
  model: string | undefined
  install: Install | undefined
  show(): void
  go(step: Step): void
  setModel(model: string | undefined): void
  /** `input`: e.g. `{ force: true }` to update an install that is running. */
  startInstall(api: ApiClient, onEnd?: (install: Install) => void, input?: { force?: boolean; method?: string }): void
  /** Skip or finish: remember it, so the wizard does not open by itself again. */
  finish(api: ApiClient): Promise<void>
}

export const useOnboarding = create<OnboardingState>((set, get) => ({
  open: false,
  closed: false,
  step: 'welcome',
  model: undefined,
  install: undefined,
  show: () => set({ open: true, closed: false, step: 'welcome' }),
  go: (step) => set({ step }),
  setModel: (model) => set({ model }),
  startInstall(api, onEnd, input = {}) {
    if (get().install?.state === 'running') return
    const update = (change: Partial<Install>): void => set((state) => (state.install ? { install: { ...state.install, ...change } } : {}))
    const handle = api.stream('ollama.install', input, (event) => {
      if (event.phase === 'log') return
      update({ phase: event.phase, ...(event.bytes !== undefined ? { bytes: event.bytes, total: event.total, bytesPerSecond: event.bytesPerSecond, etaSeconds: event.etaSeconds } : {}) })
    })
    set({ install: { state: 'running', phase: 'detect', cancel: () => handle.cancel() } })
    void handle.done.then((result) => {
      if (result.ok) update({ state: 'done', result: result.value })
      else update({ state: result.error.code === 'E_CANCELLED' ? 'cancelled' : 'failed', error: result.error })
      const ended = get().install
      if (ended) onEnd?.(ended)
    })
  },
  async finish(api) {
    get().install?.cancel()
    set({ open: false, closed: true, step: 'welcome', install: undefined })
    await updateSettings(api, { onboarding: { completed: true } })
  },
}))
