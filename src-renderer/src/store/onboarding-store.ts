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

/** What a step reports while it is shown: done enough to go on, still waiting, or failed. */
export type StepStatus = 'ready' | 'waiting' | 'failed'
/** How the user left a step: the step list shows each (green, grey or red; never green unless done). */
export type StepOutcome = 'done' | 'skipped' | 'failed'

export const outcomeOf = (status: StepStatus): StepOutcome => (status === 'ready' ? 'done' : status === 'failed' ? 'failed' : 'skipped')

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
  /** How each step already left was left (a step left again overwrites it). */
  outcomes: Partial<Record<Step, StepOutcome>>
  /** The model picked (or pulled) for the first chat. */
  model: string | undefined
  install: Install | undefined
  show(): void
  go(step: Step): void
  /** Leaves the current step for `step`, recording how the current one ended. */
  leave(status: StepStatus, step: Step): void
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
  outcomes: {},
  model: undefined,
  install: undefined,
  show: () => set({ open: true, closed: false, step: 'welcome', outcomes: {} }),
  go: (step) => set({ step }),
  leave: (status, step) => set((state) => ({ step, outcomes: { ...state.outcomes, [state.step]: outcomeOf(status) } })),
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
    set({ open: false, closed: true, step: 'welcome', outcomes: {}, install: undefined })
    await updateSettings(api, { onboarding: { completed: true } })
  },
}))
