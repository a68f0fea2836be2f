import { useMemo } from 'react'
import { useApi } from '../../api/context'
import { useChatPrefs } from './chat-prefs'
import type { ThreadActions } from './reply-parts'
import { retryInput, useReplies } from './reply-store'
import { LIVE_REPLY } from './thread'

/** Regenerate, edit and resend, and retry for one conversation, over the reply store. */
export function useThreadActions(key: string, sessionId: string | undefined, onStarted?: (sessionId: string) => void): ThreadActions {
  const api = useApi()
  const reply = useReplies((state) => state.replies[key])
  const target = useChatPrefs((state) => state.target)
  return useMemo(() => {
    const send = useReplies.getState().send
    const base = sessionId ? { sessionId } : {}
    return {
      busy: reply?.status === 'streaming',
      regenerate: (messageId) => send(api, key, { ...base, text: '', regenerate: messageId, target }, onStarted),
      editAndResend: (messageId, text) => send(api, key, { ...base, text, editOf: messageId, target }, onStarted),
      retry: () => reply && send(api, key, retryInput(reply), onStarted),
      liveId: reply ? (reply.result?.message.id ?? reply.assistantMessageId ?? LIVE_REPLY) : undefined,
      liveError: reply?.status === 'failed' ? reply.error : undefined,
      liveAttempts: reply?.attempts ?? [],
      budget: reply?.budget,
      notices: reply?.notices ?? [],
      retryNote: reply?.retry,
      stopped: reply?.status === 'cancelled',
    }
  }, [api, key, sessionId, onStarted, reply, target])
}
