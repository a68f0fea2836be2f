import type { ScreenId } from '../app/screen-registry'
import { hashFor, useAppStore } from '../store/app-store'

/**
 * Shows a screen, records it in the address (so back/forward and reload work) and moves focus to
 * its title for screen readers. Passing `sessionId` opens (or, with undefined, closes) a session.
 */
export function navigateTo(screen: ScreenId, options?: { sessionId: string | undefined }): void {
  const store = useAppStore.getState()
  if (options) store.setOpenSession(options.sessionId)
  store.setScreen(screen)
  const hash = hashFor(screen, useAppStore.getState().openSessionId)
  if (location.hash !== hash) history.pushState(null, '', hash)
  requestAnimationFrame(() => document.getElementById('screen-title')?.focus())
}

/** Opens a session in the Chat screen. */
export const openSession = (sessionId: string): void => navigateTo('chat', { sessionId })
