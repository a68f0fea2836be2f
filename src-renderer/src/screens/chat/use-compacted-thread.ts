import { useCallback, useMemo, useState } from 'react'
import type { ApiClient, ChatContext, SessionMessage } from '../../../../src-shared/contract'
import { withCompactionMarker, withoutSummaries, type MarkerInfo } from './compaction-view'
import type { LiveReply } from './reply-store'
import { withLiveReply } from './thread'
import { useChatContext } from './use-chat-context'
import type { MessagePages } from './use-message-pages'

export interface CompactedThreadView {
  /** The branch being read, with the reply in flight, and the compaction marker where it applies. */
  messages: SessionMessage[]
  markers: ReadonlyMap<string, MarkerInfo>
  hidesOlder: boolean
  /** The context meter's figures (chat.context), once loaded. */
  context: ChatContext | undefined
  /** Show the summarised originals (a find-in-chat match among them). */
  expand(): void
}

/** The thread as read in a compacted chat: summarised originals behind a marker that expands. */
export function useCompactedThread(api: ApiClient, sessionId: string, pages: MessagePages, reply: LiveReply | undefined, version: unknown): CompactedThreadView {
  const context = useChatContext(api, sessionId, version)
  const [expanded, setExpanded] = useState(false)
  const toggle = useCallback(() => setExpanded((open) => !open), [])
  const compactions = context?.compactions
  const view = useMemo(() => {
    const list = compactions ?? []
    const thread = withLiveReply(withoutSummaries(pages.messages, list), reply, sessionId)
    return withCompactionMarker(thread, pages.messages, list, pages.hasOlder, expanded, toggle)
  }, [pages.messages, pages.hasOlder, reply, sessionId, compactions, expanded, toggle])
  const expand = useCallback(() => setExpanded(true), [])
  return { ...view, context, expand }
}
