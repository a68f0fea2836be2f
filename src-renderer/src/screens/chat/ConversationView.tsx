import { ChatSettingsButton } from './ChatSettingsPanel'
import { ModelGone } from './ModelGone'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ErrorShape, SessionSummary } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatDateTime, plural } from '../../lib/format'
import { useAppStore } from '../../store/app-store'
import { useChatView } from '../../store/chat-view-store'
import '../../chat.css'
import { BranchContext, useBranchActions } from './branch-actions'
import { Composer } from './Composer'
import { CompareColumns } from './CompareColumns'
import { useCompare } from './compare-store'
import { CompactionMarkers } from './CompactionMarker'
import { ContextMeter } from './ContextMeter'
import { ExportMenu } from './ExportMenu'
import { FindBar } from './FindBar'
import { MessageList, type ScrollTarget } from './MessageList'
import { ThreadContext } from './reply-parts'
import { useReplies } from './reply-store'
import { useChatModels } from './use-chat-models'
import { useCompactedThread } from './use-compacted-thread'
import { useMessagePages } from './use-message-pages'
import { useEditLast, useReveal } from './use-reveal'
import { spendLabel, useSessionSpend } from './use-session-spend'
import { useThreadActions } from './use-thread-actions'

/** A stored conversation: a slim header, every message (virtualised), and the composer. */
export function ConversationView({ sessionId }: { sessionId: string }) {
  const api = useApi()
  const [session, setSession] = useState<SessionSummary | undefined>()
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [version, setVersion] = useState(0)
  const pages = useMessagePages(api, sessionId)
  const { reload } = pages
  const models = useChatModels()
  const reply = useReplies((state) => state.replies[sessionId])
  const comparing = useCompare((state) => state.runs[sessionId])
  const actions = useThreadActions(sessionId, sessionId)
  const branches = useBranchActions(sessionId, pages.versions, models.models, reload)
  const replyStatus = reply?.status
  const compacted = useCompactedThread(api, sessionId, pages, reply, `${version}:${replyStatus ?? ''}`)
  const { messages } = compacted
  const findOpen = useChatView((state) => state.findOpen)
  const [listElement, setListElement] = useState<HTMLElement | null>(null)
  const [target, setTarget] = useState<ScrollTarget | undefined>()
  const nonce = useRef(0)
  const show = useCallback((id: string, highlight: boolean) => setTarget({ id, nonce: ++nonce.current, highlight }), [])
  // A find-in-chat match: shown at once when in view, else its page is loaded first (and the summarised originals shown).
  const shownIds = useRef(new Set<string>())
  shownIds.current = new Set(messages.map((message) => message.id))
  const { expand } = compacted
  const showFound = useCallback(
    (id: string) => {
      if (shownIds.current.has(id)) return show(id, false)
      expand()
      useChatView.getState().requestReveal(sessionId, id)
    },
    [show, expand, sessionId],
  )
  useReveal(sessionId, messages, pages, show)
  useEditLast(messages, show)

  // A finished, failed or stopped reply is stored: fetch what the core saved.
  useEffect(() => {
    if (replyStatus && replyStatus !== 'streaming') reload()
  }, [replyStatus, reload])
  const spent = spendLabel(useSessionSpend(api, sessionId, `${version}:${replyStatus ?? ''}`))

  useEffect(() => {
    let live = true
    void api.call('sessions.get', { id: sessionId }).then((result) => {
      if (!live) return
      if (result.ok) setSession(result.value)
      else {
        useAppStore.getState().notifyError(result.error)
        setProblem(result.error)
      }
    })
    return () => {
      live = false
    }
  }, [api, sessionId, version])

  // An empty id list means "many changed" (an import); otherwise only this session matters.
  useEffect(
    () =>
      api.on('sessions.changed', ({ ids }) => {
        if (ids.length > 0 && !ids.includes(sessionId)) return
        setVersion((n) => n + 1)
        reload()
      }),
    [api, sessionId, reload],
  )

  const failure = problem ?? pages.error
  if (failure) {
    return (
      <section className="card conversation-problem" role="alert">
        <h2>This conversation could not be opened</h2>
        <p>{failure.message}</p>
        {failure.hint && <p className="hint">{failure.hint}</p>}
      </section>
    )
  }

  return (
    <section className="conversation" aria-labelledby="conversation-title" aria-busy={pages.status === 'loading'}>
      <header className="chat-header">
        <div className="chat-header-title">
          {/* Cut with an ellipsis when long; the whole title shows on hover. */}
          <h2 id="conversation-title" title={session ? session.title || 'Untitled' : undefined}>{session ? session.title || 'Untitled' : 'Loading…'}</h2>
          {session && (
            <p className="chat-header-meta">
              {plural(session.messageCount, 'message')} · started {formatDateTime(session.createdAt)}
              {session.deletedAt !== null && ' · in the trash'}
              {session.tags.length > 0 && ` · ${session.tags.join(', ')}`}
              {spent && <span title="Tokens and cost of every reply in this conversation"> · {spent}</span>}
            </p>
          )}
        </div>
        {/* Header actions: other features (versions, context meter, export) add their buttons here. */}
        <div className="chat-header-actions">
          {compacted.context && <ContextMeter sessionId={sessionId} context={compacted.context} streaming={replyStatus === 'streaming'} />}
          <ExportMenu sessionId={sessionId} />
          <ChatSettingsButton sessionId={sessionId} />
        </div>
      </header>
      <ModelGone sessionId={sessionId} />
      {findOpen && <FindBar sessionId={sessionId} version={version} onShow={showFound} list={listElement} />}
      <CompactionMarkers.Provider value={compacted.markers}>
      <ThreadContext.Provider value={actions}>
        <BranchContext.Provider value={branches}>
        {comparing ? (
          <div className="message-area compare-area">
            <CompareColumns runKey={sessionId} run={comparing} models={models.models} onChosen={reload} />
          </div>
        ) : pages.status === 'ready' && messages.length === 0 ? (
          <p className="muted conversation-empty">No messages in this session yet.</p>
        ) : (
          <div className="message-area" ref={setListElement}>
            <MessageList messages={messages} hasOlder={pages.hasOlder && !compacted.hidesOlder} loadingOlder={pages.loadingOlder} onLoadOlder={pages.loadOlder} target={target} />
          </div>
        )}
        </BranchContext.Provider>
      </ThreadContext.Provider>
      </CompactionMarkers.Provider>
      <Composer sessionId={sessionId} replyKey={sessionId} data={models} />
    </section>
  )
}
