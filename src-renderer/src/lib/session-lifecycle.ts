import type { ApiClient } from '../../../src-shared/contract'
import { useAppStore } from '../store/app-store'

/**
 * Tells the core which chat this window has open, for the SessionStart/SessionEnd hooks
 * (core/hooks/README.md): a chat shown is `opened` (SessionStart `resume` unless it is open
 * already); switching to another chat `closed` the one before (SessionEnd `other`); New chat
 * `cleared` it (SessionEnd `clear`, Claude Code's /clear). Leaving the Chat screen keeps the chat
 * open, as it stays in the address. Returns the unsubscribe.
 */
export function reportOpenSession(api: ApiClient): () => void {
  let shown = useAppStore.getState().openSessionId
  const tell = (sessionId: string, state: 'opened' | 'closed' | 'cleared'): void => {
    // Only hooks hear of it; a chat deleted meanwhile (E_NOT_FOUND) has nothing to say.
    void api.call('sessions.lifecycle', { sessionId, state }).catch(() => undefined)
  }
  if (shown) tell(shown, 'opened')
  return useAppStore.subscribe((state) => {
    const next = state.openSessionId
    if (next === shown) return
    if (shown) tell(shown, next ? 'closed' : 'cleared')
    if (next) tell(next, 'opened')
    shown = next
  })
}
