import { create } from 'zustand'

/** Text to start the composer with, set from elsewhere (the palette's "Run skill: …"); taken once. */
export const useComposerDraft = create<{ draft: string | undefined; put(text: string): void; take(): void }>((set) => ({
  draft: undefined,
  put: (draft) => set({ draft }),
  take: () => set({ draft: undefined }),
}))
