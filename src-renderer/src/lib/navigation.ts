import type { ScreenId } from '../app/screen-registry'
import { hashFor, useAppStore } from '../store/app-store'
import { useChatView } from '../store/chat-view-store'
import { settingsHash, type SettingsSectionId } from '../app/settings-sections'
import { useSettingsNav } from '../store/settings-nav-store'

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

/** Opens a session at one message (a search hit): the chat scrolls to it and highlights it. */
export function openSessionAt(sessionId: string, messageId: string | null): void {
  if (messageId) useChatView.getState().requestReveal(sessionId, messageId)
  navigateTo('chat', { sessionId })
}

/** Chat with nothing open yet, the cursor in the composer (Ctrl/Cmd+N, New chat). */
export function startNewChat(): void {
  navigateTo('chat', { sessionId: undefined })
  useChatView.getState().focusComposer()
}

/** Settings at one section (and card): the palette's and links' way in (`#/settings/<section>[/<card>]`). */
export function openSettings(section: SettingsSectionId, card?: string): void {
  useAppStore.getState().setScreen('settings')
  const hash = settingsHash(section, card)
  if (location.hash !== hash) history.pushState(null, '', hash)
  useSettingsNav.getState().request(section, card)
}
