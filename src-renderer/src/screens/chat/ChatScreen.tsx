import { OllamaStatusCard } from '../../components/OllamaStatusCard'
import { ScreenHeader, Upcoming } from '../../components/ScreenHeader'
import { navigateTo } from '../../lib/navigation'
import { useAppStore } from '../../store/app-store'
import { ConversationView } from './ConversationView'

/** Chat: the open session's conversation when there is one, otherwise what is coming. */
export function ChatScreen() {
  const openSessionId = useAppStore((state) => state.openSessionId)
  if (!openSessionId) {
    return (
      <>
        <ScreenHeader id="chat" />
        <OllamaStatusCard />
        <Upcoming
          title="Streaming chat is next"
          points={[
            'Ollama, Anthropic, OpenAI (Chat and Responses), Gemini, Hugging Face, any OpenAI-compatible server and local GGUF files',
            'Markdown with code highlighting, stop, regenerate, edit and resend, image attachments',
            'Token, cost and speed for every reply, with automatic fallback when a provider fails',
          ]}
        />
      </>
    )
  }
  return (
    <div className="chat-screen fill-screen">
      <ScreenHeader
        id="chat"
        actions={
          <>
            <button type="button" className="button secondary" onClick={() => navigateTo('sessions')}>← Sessions</button>
            <button type="button" className="button secondary" onClick={() => navigateTo('chat', { sessionId: undefined })}>Close</button>
          </>
        }
      />
      <OllamaStatusCard />
      <ConversationView key={openSessionId} sessionId={openSessionId} />
    </div>
  )
}
