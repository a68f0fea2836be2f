import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'
import type { ChatTarget } from '../../../../src-shared/contract'

interface ChatPrefs {
  /** The model the composer sends to; remembered across launches. */
  target: ChatTarget
  choose(target: ChatTarget): void
}

export const AUTO: ChatTarget = { auto: true }

export const sameTarget = (a: ChatTarget, b: ChatTarget): boolean =>
  'auto' in a ? 'auto' in b : !('auto' in b) && a.providerId === b.providerId && a.model === b.model

export const useChatPrefs = create<ChatPrefs>()(
  persist((set) => ({ target: AUTO, choose: (target) => set({ target }) }), {
    name: 'ollama-desk.chat-prefs',
    storage: createJSONStorage(() => localStorage),
    partialize: (state) => ({ target: state.target }),
  }),
)
