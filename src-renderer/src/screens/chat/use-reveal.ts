import { useEffect, useState } from 'react'
import { useApi } from '../../api/context'
import type { SessionMessage } from '../../../../src-shared/contract'
import { LAST_USER_MESSAGE, useChatView } from '../../store/chat-view-store'
import { settle } from './branch-actions'
import type { MessagePages } from './use-message-pages'

type Show = (messageId: string, highlight: boolean) => void

/**
 * A search hit asked for one of this chat's messages: page back until it is loaded, then show and
 * highlight it. A message that is in no loaded page, with none left to load, is given up on.
 */
export function useReveal(sessionId: string, messages: readonly SessionMessage[], pages: MessagePages, show: Show): void {
  const reveal = useChatView((state) => (state.reveal?.sessionId === sessionId ? state.reveal : undefined))
  const { hasOlder, loadingOlder, loadOlder, status, refresh } = pages
  const api = useApi()
  // A hit on another branch: the core reads that branch from now on (the newest message under the hit).
  const [switched, setSwitched] = useState<number | undefined>()
  useEffect(() => {
    if (!reveal || switched === reveal.nonce) return
    void api
      .call('sessions.setBranch', { sessionId, messageId: reveal.messageId })
      .then((result) => (result.ok ? refresh().then(() => settle(sessionId, () => undefined)) : undefined))
      .then(() => setSwitched(reveal.nonce))
  }, [api, reveal, sessionId, switched, refresh])
  useEffect(() => {
    if (reveal && switched !== reveal.nonce) return
    if (!reveal || status !== 'ready') return
    if (messages.some((message) => message.id === reveal.messageId)) {
      show(reveal.messageId, true)
      useChatView.getState().doneReveal(reveal.nonce)
    } else if (hasOlder) {
      if (!loadingOlder) loadOlder()
    } else useChatView.getState().doneReveal(reveal.nonce)
  }, [reveal, switched, messages, status, hasOlder, loadingOlder, loadOlder, show])
}

/** Up in an empty composer: scroll to the last message the user wrote and open its edit box. */
export function useEditLast(messages: readonly SessionMessage[], show: Show): void {
  const editId = useChatView((state) => state.editId)
  useEffect(() => {
    if (editId !== LAST_USER_MESSAGE) return
    const last = messages.findLast((message) => message.role === 'user' && message.status !== 'streaming')
    useChatView.getState().requestEdit(last?.id)
    if (last) show(last.id, false)
  }, [editId, messages, show])
}
