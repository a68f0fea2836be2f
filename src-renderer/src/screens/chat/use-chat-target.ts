import { useEffect } from 'react'
import type { ApiClient } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'
import { useChatPrefs } from './chat-prefs'

/**
 * The model the composer sends to follows the chat: an open chat restores the model stored with it;
 * a new chat starts on the default model from Settings → Chat (when one is set).
 */
export function useChatTarget(api: ApiClient, sessionId: string | undefined): void {
  const defaultTarget = useAppStore((state) => state.settings?.chat?.defaultTarget ?? null)
  useEffect(() => {
    if (!sessionId) {
      if (defaultTarget) useChatPrefs.getState().choose(defaultTarget)
      return
    }
    let live = true
    void api.call('chat.settings.get', { sessionId }).then((result) => {
      if (live && result.ok && result.value.settings.target) useChatPrefs.getState().choose(result.value.settings.target)
    })
    return () => {
      live = false
    }
  }, [api, sessionId, defaultTarget?.providerId, defaultTarget?.model])
}

/** Settings → Chat: Enter sends (Shift+Enter breaks the line), or Ctrl/Cmd+Enter sends (Enter breaks the line). */
export function useSendKey(): 'enter' | 'mod-enter' {
  return useAppStore((state) => state.settings?.chat?.sendKey ?? 'enter')
}

export const sendKeyHint = (key: 'enter' | 'mod-enter'): string => (key === 'enter' ? 'Enter sends, Shift+Enter new line' : 'Ctrl/Cmd+Enter sends, Enter new line')

/** Whether this key press sends the message under the chosen send key. */
export function isSendKey(key: 'enter' | 'mod-enter', event: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; isComposing: boolean }): boolean {
  if (event.key !== 'Enter' || event.isComposing) return false
  return key === 'enter' ? !event.shiftKey && !event.ctrlKey && !event.metaKey : event.ctrlKey || event.metaKey
}
