import { memo, useEffect, useState } from 'react'
import type { SessionMessage } from '../../../../src-shared/contract'
import { formatDateTime } from '../../lib/format'
import { useChatView } from '../../store/chat-view-store'
import { CopyButton, Markdown, StreamingMarkdown } from '../../components/Markdown'
import { CollapsibleMessage } from '../../components/CollapsibleMessage'
import { BranchActionButtons, VersionSwitcher } from './BranchParts'
import { CompactionMarker, useCompactionMarker } from './CompactionMarker'
import { ReadAloudButton } from './Dictation'
import { attemptsLine, ReplyFailure, ReplyStats, ToolCards, TurnNotices, useThread } from './reply-parts'
import { useReplies } from './reply-store'
import { ToolActivity } from './ToolActivity'
import { LIVE_REPLY, LIVE_USER } from './thread'
import { ToolMessage } from './ToolMessage'
import { MessageAttachments } from './MessageAttachments'

const roleName: Record<SessionMessage['role'], string> = { user: 'You', assistant: 'Assistant', system: 'System', tool: 'Tool' }

function EditBox({ initial, onSend, onCancel }: { initial: string; onSend(text: string): void; onCancel(): void }) {
  const [text, setText] = useState(initial)
  return (
    <form
      className="edit-box"
      aria-label="Edit message"
      onSubmit={(event) => {
        event.preventDefault()
        if (text.trim()) onSend(text)
      }}
    >
      <textarea aria-label="Edited message" value={text} rows={3} autoFocus onChange={(event) => setText(event.target.value)} onKeyDown={(event) => event.key === 'Escape' && onCancel()} />
      <div className="edit-actions">
        <button type="submit" className="button" disabled={!text.trim()}>Send edit</button>
        <button type="button" className="button secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  )
}

/** One message: who, which model, when, what it cost, its text, and what can be done with it. */
function ChatMessage({ message }: { message: SessionMessage }) {
  const thread = useThread()
  const stored = useReplies((state) => state.attempts[message.id])
  const [editing, setEditing] = useState(false)
  // Up in an empty composer asks for this message's edit box.
  const editRequested = useChatView((state) => state.editId === message.id)
  useEffect(() => {
    if (!editRequested) return
    setEditing(true)
    useChatView.getState().requestEdit(undefined)
  }, [editRequested])
  const when = formatDateTime(message.createdAt)
  const live = thread?.liveId === message.id ? thread : undefined
  const streaming = message.status === 'streaming'
  const fallback = attemptsLine(stored ?? live?.liveAttempts ?? [])
  const synthetic = message.id === LIVE_USER || message.id === LIVE_REPLY
  const assistant = message.role === 'assistant'
  const failed = message.status === 'error' || live?.liveError !== undefined
  return (
    <article className={`message role-${message.role}${failed ? ' failed' : ''}`} aria-label={`${roleName[message.role]}, ${when}`} aria-busy={streaming}>
      <header className="message-head">
        <strong>{roleName[message.role]}</strong>
        {(message.model || message.provider) && <span className="model-chip">{[message.model, message.provider].filter(Boolean).join(' · ')}</span>}
        <time dateTime={new Date(message.createdAt).toISOString()}>{when}</time>
        <VersionSwitcher messageId={message.id} />
        {streaming && <span className="row-flag">{live ? 'Writing…' : 'Unfinished'}</span>}
        {(live?.stopped || message.timings?.stopped === 1) && <span className="row-flag stopped">Stopped</span>}
      </header>
      {fallback && <p className="fallback-line muted">{fallback}</p>}
      {live?.retryNote && streaming && <p className="fallback-line muted" role="status">{live.retryNote}</p>}
      {live?.budget && <p className="budget-note" role="status">{live.budget}</p>}
      <TurnNotices live={live} />
      {message.reasoning && (
        <details className="reasoning">
          <summary>Thinking</summary>
          <p>{message.reasoning}</p>
        </details>
      )}
      {editing && thread ? (
        <EditBox
          initial={message.text}
          onCancel={() => setEditing(false)}
          onSend={(text) => {
            setEditing(false)
            thread.editAndResend(message.id, text)
          }}
        />
      ) : message.text ? (
        assistant ? streaming ? <StreamingMarkdown text={message.text} /> : <Markdown text={message.text} /> : <CollapsibleMessage text={message.text} />
      ) : (
        streaming && !message.reasoning && <p className="muted typing">Waiting for the first words…</p>
      )}
      <MessageAttachments attachments={message.attachments} />
      {message.toolCalls && message.toolCalls.length > 0 && <ToolCards calls={message.toolCalls} />}
      <ToolActivity message={message} />
      {live?.liveError ? (
        <ReplyFailure message={live.liveError.message} hint={live.liveError.hint} onRetry={thread?.busy ? undefined : thread?.retry} />
      ) : (
        message.error && <ReplyFailure message={message.error} onRetry={assistant && thread && !thread.busy ? () => thread.regenerate(message.id) : undefined} />
      )}
      <ReplyStats message={message} />
      {thread && !streaming && !editing && !synthetic && (message.role === 'user' || assistant) && (
        <div className="message-actions">
          {message.text && <CopyButton text={() => message.text} label="Copy as Markdown" />}
          {assistant && message.text && <ReadAloudButton id={message.id} text={message.text} />}
          {assistant && !failed && <button type="button" className="link-button" disabled={thread.busy} onClick={() => thread.regenerate(message.id)}>Regenerate</button>}
          {message.role === 'user' && <button type="button" className="link-button" disabled={thread.busy} onClick={() => setEditing(true)}>Edit</button>}
          <BranchActionButtons message={message} busy={thread.busy} />
        </div>
      )}
    </article>
  )
}

/** A stored tool result is a compact card, a compaction summary its marker; everything else a full message. */
export const MessageItem = memo(function MessageItem({ message }: { message: SessionMessage }) {
  const marker = useCompactionMarker(message.id)
  if (marker) return <CompactionMarker marker={marker} />
  return message.role === 'tool' ? <ToolMessage message={message} /> : <ChatMessage message={message} />
})
