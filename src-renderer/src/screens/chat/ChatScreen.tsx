import { useState } from 'react'
import { OllamaStatusCard } from '../../components/OllamaStatusCard'
import { navigateTo } from '../../lib/navigation'
import { useAppStore } from '../../store/app-store'
import { ollamaState, useOllamaStatus } from '../../store/ollama-status-store'
import '../../chat.css'
import '../../chat-layout.css'
import { Composer } from './Composer'
import { CompareColumns } from './CompareColumns'
import { useCompare } from './compare-store'
import { ConversationColumn } from './ConversationColumn'
import { ConversationView } from './ConversationView'
import { MessageItem } from './MessageItem'
import { NoProviders } from './NoProviders'
import { ThreadContext } from './reply-parts'
import { NEW_CHAT, useReplies } from './reply-store'
import { withLiveReply } from './thread'
import { useChatKeys } from './use-chat-keys'
import { useChatModels } from './use-chat-models'
import { useThreadActions } from './use-thread-actions'

const openNew = (sessionId: string): void => navigateTo('chat', { sessionId })

/** A chat without a session yet: the core creates one on the first send, and the view moves to it. */
function NewChat() {
  const data = useChatModels()
  const reply = useReplies((state) => state.replies[NEW_CHAT])
  const comparing = useCompare((state) => state.runs[NEW_CHAT])
  const actions = useThreadActions(NEW_CHAT, undefined, openNew)
  if (!data.loading && data.providers.length === 0) return <NoProviders />
  return (
    <section className="conversation new-chat" aria-labelledby="conversation-title">
      <header className="chat-header">
        <div className="chat-header-title">
          <h2 id="conversation-title">New chat</h2>
        </div>
        <div className="chat-header-actions" />
      </header>
      <div className="new-chat-body" role="log" aria-label="Messages">
        <ThreadContext.Provider value={actions}>
          {comparing ? (
            <CompareColumns runKey={NEW_CHAT} run={comparing} models={data.models} onChosen={() => undefined} />
          ) : reply ? (
            withLiveReply([], reply, '').map((message) => <MessageItem key={message.id} message={message} />)
          ) : (
            <div className="new-chat-welcome">
              <p className="new-chat-lead">What can I help with?</p>
              <p className="muted">Pick a model below, or leave it on Auto to let the fallback chain choose. Replies stream in as they are written.</p>
            </div>
          )}
        </ThreadContext.Provider>
      </div>
      <Composer sessionId={undefined} replyKey={NEW_CHAT} data={data} onStarted={openNew} />
    </section>
  )
}

/** The full Ollama card, only while something is wrong (the sidebar dot says the rest). */
function OllamaProblem() {
  const state = useOllamaStatus((s) => ollamaState(s.status))
  const problem = useOllamaStatus((s) => s.problem)
  const [hidden, setHidden] = useState(false)
  if ((state !== 'fail' && !problem) || hidden) return null
  return <OllamaStatusCard onDismiss={() => setHidden(true)} />
}

/** Chat: the conversation column beside the open session's conversation, or a new chat. */
export function ChatScreen() {
  const openSessionId = useAppStore((state) => state.openSessionId)
  useChatKeys(openSessionId)
  return (
    <div className="chat-screen">
      <ConversationColumn />
      <div className="chat-main">
        <OllamaProblem />
        {openSessionId ? <ConversationView key={openSessionId} sessionId={openSessionId} /> : <NewChat />}
      </div>
    </div>
  )
}
