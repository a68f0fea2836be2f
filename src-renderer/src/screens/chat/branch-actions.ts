import { createContext, useContext, useMemo } from 'react'
import type { ApiClient, ChatTarget, MessageVersion, ModelInfo } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { useChatPrefs } from './chat-prefs'
import { useReplies } from './reply-store'

/** What the messages of a stored conversation can do with its branches (sibling versions). */
export interface BranchActions {
  versions: Record<string, MessageVersion>
  /** Models for "Regenerate with…". */
  models: readonly ModelInfo[]
  /** Read the branch through this message (the previous or next version). */
  show(messageId: string): void
  remove(messageId: string): void
  /** Continue a stopped reply in the same message. */
  continueReply(messageId: string): void
  regenerateWith(messageId: string, target: ChatTarget): void
}

export const BranchContext = createContext<BranchActions | null>(null)
export const useBranches = (): BranchActions | null => useContext(BranchContext)

async function run(call: () => ReturnType<ApiClient['call']>, after: () => void): Promise<void> {
  const result = await call()
  if (!result.ok) useAppStore.getState().notifyError(result.error)
  after()
}

/** The branch moved: a finished reply no longer stands in for what is stored; read the new branch. */
export function settle(sessionId: string, changed: () => void): void {
  const replies = useReplies.getState()
  if (replies.replies[sessionId] && replies.replies[sessionId].status !== 'streaming') replies.forget(sessionId)
  changed()
}

/** Branch actions over the core's routes; `changed` reloads the branch being read. */
export function useBranchActions(sessionId: string, versions: Record<string, MessageVersion>, models: readonly ModelInfo[], changed: () => void): BranchActions {
  const api = useApi()
  const target = useChatPrefs((state) => state.target)
  return useMemo(() => {
    const send = useReplies.getState().send
    return {
      versions,
      models,
      show: (messageId) => void run(() => api.call('sessions.setBranch', { sessionId, messageId }), () => settle(sessionId, changed)),
      remove: (messageId) => void run(() => api.call('sessions.deleteMessage', { sessionId, messageId }), () => settle(sessionId, changed)),
      continueReply: (messageId) => send(api, sessionId, { sessionId, text: '', continueOf: messageId, target }),
      regenerateWith: (messageId, chosen) => send(api, sessionId, { sessionId, text: '', regenerate: messageId, target: chosen }),
    }
  }, [api, sessionId, versions, models, changed, target])
}
