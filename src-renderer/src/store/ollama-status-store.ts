import { create } from 'zustand'
import type { ApiClient, OllamaStatus } from '../../../src-shared/contract'

/** The core's last answer to "is Ollama there?", shared by the sidebar dot, its popover and the full card. */
export interface OllamaStatusState {
  status: OllamaStatus | undefined
  checking: boolean
  /** Why the check itself failed (not "Ollama is down", which is a status). */
  problem: string | undefined
  check(api: ApiClient): Promise<void>
}

export const useOllamaStatus = create<OllamaStatusState>()((set, get) => ({
  status: undefined,
  checking: false,
  problem: undefined,
  check: async (api) => {
    if (get().checking) return
    set({ checking: true })
    const result = await api.call('ollama.status', {})
    if (result.ok) set({ checking: false, status: result.value, problem: undefined })
    else set({ checking: false, problem: result.error.message })
  },
}))

export type OllamaState = 'unknown' | 'ok' | 'fail'

export const ollamaState = (status: OllamaStatus | undefined): OllamaState => (status === undefined ? 'unknown' : status.reachable ? 'ok' : 'fail')
