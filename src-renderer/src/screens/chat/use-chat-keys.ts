import { useEffect } from 'react'
import { useChatView } from '../../store/chat-view-store'
import { compareStreaming, useCompare } from './compare-store'
import { NEW_CHAT, useReplies } from './reply-store'

/** An open dialog or popover takes Esc before the chat does. */
const somethingOpen = (): boolean => document.querySelector('[role="dialog"], [role="alertdialog"], [aria-modal="true"], .model-popover, .workspace-pop') !== null

/** The Chat screen's keys: Esc stops the reply being written, Ctrl/Cmd+F finds in the open chat. */
export function useChatKeys(openSessionId: string | undefined): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return
      const mod = event.metaKey || event.ctrlKey
      if (event.key === 'Escape' && !mod && !event.altKey && !event.shiftKey) {
        if (somethingOpen()) return
        const key = openSessionId ?? NEW_CHAT
        const replies = useReplies.getState()
        const compare = useCompare.getState()
        const comparing = compareStreaming(compare.runs[key])
        if (replies.replies[key]?.status !== 'streaming' && !comparing) return
        event.preventDefault()
        replies.stop(key)
        compare.stop(key)
        return
      }
      if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'f' && openSessionId) {
        event.preventDefault()
        useChatView.getState().openFind()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [openSessionId])
}
