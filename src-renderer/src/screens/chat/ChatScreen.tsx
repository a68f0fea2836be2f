import { OllamaStatusCard } from '../../components/OllamaStatusCard'
import { ScreenHeader } from '../../components/ScreenHeader'
import { navigateTo } from '../../lib/navigation'
import { useAppStore } from '../../store/app-store'
import '../../chat.css'
import { Composer } from './Composer'
import { ConversationView } from './ConversationView'
import { MessageItem } from './MessageItem'
import { NoProviders } from './NoProviders'
import { ThreadContext } from './reply-parts'
import { NEW_CHAT, useReplies } from './reply-store'
import { withLiveReply } from './thread'
import { useChatModels } from './use-chat-models'
import { useThreadActions } from './use-thread-actions'

const openNew = (sessionId: string): void => navigateTo('chat', { sessionId })

/** A chat without a session yet: the core creates one on the first send, and the view moves to it. */
function NewChat() {
  const data = useChatModels()
  const reply = useReplies((state) => state.replies[NEW_CHAT])
  const actions = useThreadActions(NEW_CHAT, undefined, openNew)
  if (!data.loading && data.providers.length === 0) return <NoProviders />
  return (
    <section className="card conversation new-chat" aria-labelledby="new-chat-title">
      <header className="conversation-head">
        <h2 id="new-chat-title">New chat</h2>
        <p className="muted">Pick a model below, or leave it on Auto to let the fallback chain choose.</p>
      </header>
      <div className="new-chat-body" role="log" aria-label="Messages">
        <ThreadContext.Provider value={actions}>
          {reply ? withLiveReply([], reply, '').map((message) => <MessageItem key={message.id} message={message} />) : <p className="muted">Ask anything. Replies stream in as they are written.</p>}
        </ThreadContext.Provider>
      </div>
      <Composer sessionId={undefined} replyKey={NEW_CHAT} data={data} onStarted={openNew} />
    </section>
  )
}

/** Chat: the open session's conversation, or a new chat. */
export function ChatScreen() {
  const openSessionId = useAppStore((state) => state.openSessionId)
  return (
    <div className="chat-screen fill-screen">
      <ScreenHeader
        id="chat"
        actions={
          <>
            <button type="button" className="button secondary" onClick={() => navigateTo('sessions')}>← Sessions</button>
            {openSessionId && <button type="button" className="button secondary" onClick={() => navigateTo('chat', { sessionId: undefined })}>New chat</button>}
          </>
        }
      />
      <OllamaStatusCard />
      {openSessionId ? <ConversationView key={openSessionId} sessionId={openSessionId} /> : <NewChat />}
    </div>
  )
}
