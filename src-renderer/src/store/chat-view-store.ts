import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'

/**
 * How the Chat screen is laid out and what other places asked it to do: the conversation column's
 * collapse (remembered), a search hit to scroll to, the composer to focus, a message to edit, the
 * find bar. Requests carry a counter so asking twice for the same thing still acts twice.
 */
export interface ChatView {
  columnCollapsed: boolean
  toggleColumn(): void
  /** A message to bring into view and highlight when its chat is open (a search hit). */
  reveal: { sessionId: string; messageId: string; nonce: number } | undefined
  requestReveal(sessionId: string, messageId: string): void
  doneReveal(nonce: number): void
  /** Bumped to scroll the open chat to its latest message (on every send). */
  bottomNonce: number
  requestBottom(): void
  /** The cursor should go to the composer (Ctrl/Cmd+N, New chat); the composer takes it when it is there. */
  composerWanted: boolean
  focusComposer(): void
  /** The composer's model picker should open (the palette's "Switch model"). */
  modelPickerWanted: boolean
  openModelPicker(): void
  /** The composer did what was wanted. */
  took(what: 'composerWanted' | 'modelPickerWanted'): void
  /** The message whose edit box should open (Up in an empty composer). */
  editId: string | undefined
  requestEdit(messageId: string | undefined): void
  findOpen: boolean
  /** Bumped on every Ctrl/Cmd+F, so a second press puts the cursor back in the find bar. */
  findNonce: number
  openFind(): void
  setFindOpen(open: boolean): void
}

let nonce = 0

/** `requestEdit(LAST_USER_MESSAGE)`: the open chat finds which message that is. */
export const LAST_USER_MESSAGE = '\u0000last-user'

export const useChatView = create<ChatView>()(
  persist(
    (set) => ({
      columnCollapsed: false,
      toggleColumn: () => set((state) => ({ columnCollapsed: !state.columnCollapsed })),
      reveal: undefined,
      requestReveal: (sessionId, messageId) => set({ reveal: { sessionId, messageId, nonce: ++nonce } }),
      doneReveal: (done) => set((state) => (state.reveal?.nonce === done ? { reveal: undefined } : {})),
      bottomNonce: 0,
      requestBottom: () => set((state) => ({ bottomNonce: state.bottomNonce + 1 })),
      composerWanted: false,
      focusComposer: () => set({ composerWanted: true }),
      modelPickerWanted: false,
      openModelPicker: () => set({ modelPickerWanted: true }),
      took: (what) => set({ [what]: false }),
      editId: undefined,
      requestEdit: (editId) => set({ editId }),
      findOpen: false,
      findNonce: 0,
      openFind: () => set((state) => ({ findOpen: true, findNonce: state.findNonce + 1 })),
      setFindOpen: (findOpen) => set({ findOpen }),
    }),
    {
      name: 'ollama-desk.chat-view',
      storage: createJSONStorage(() => localStorage),
      partialize: (state) => ({ columnCollapsed: state.columnCollapsed }),
    },
  ),
)
