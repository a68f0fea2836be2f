import { useEffect, useState } from 'react'
import type { ApiClient, SessionMessage, SessionSummary } from '../../../../src-shared/contract'
import { formatDateTime, formatWhen, plural } from '../../lib/format'
import { useAppStore } from '../../store/app-store'
import { MessageBody } from '../../components/MessageBody'
import { RenameField, TagEditor } from './SessionFields'
import type { ExportFormat, SessionActions } from './use-session-actions'

/** How many of the latest messages the preview shows. */
export const PREVIEW_MESSAGES = 6
/** Arrow-key scrubbing through the list should not load every session it passes over. */
const PREVIEW_DELAY_MS = 120
const PREVIEW_CHARS = 280

const roleName: Record<SessionMessage['role'], string> = { user: 'You', assistant: 'Assistant', system: 'System', tool: 'Tool' }

function useLatestMessages(api: ApiClient, sessionId: string | undefined, version: number) {
  const [state, setState] = useState<{ id: string | undefined; messages: SessionMessage[] | 'failed' | undefined }>({ id: undefined, messages: undefined })
  useEffect(() => {
    if (!sessionId) return
    let live = true
    const timer = setTimeout(() => {
      void api.call('sessions.messages', { sessionId, limit: PREVIEW_MESSAGES }).then((result) => {
        if (!live) return
        if (result.ok) setState({ id: sessionId, messages: result.value.messages })
        else {
          useAppStore.getState().notifyError(result.error)
          setState({ id: sessionId, messages: 'failed' })
        }
      })
    }, PREVIEW_DELAY_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, sessionId, version])
  return state.id === sessionId ? state.messages : undefined
}

export interface SessionPreviewProps {
  api: ApiClient
  session: SessionSummary | undefined
  /** Bumped when the session changed elsewhere, to reload its messages. */
  version: number
  renaming: boolean
  onRenaming(renaming: boolean): void
  knownTags: readonly string[]
  actions: SessionActions
  onOpen(id: string): void
}

/** The selected session: what it is, its latest messages, and everything one can do with it. */
export function SessionPreview({ api, session, version, renaming, onRenaming, knownTags, actions, onOpen }: SessionPreviewProps) {
  const messages = useLatestMessages(api, session?.id, version)
  const [format, setFormat] = useState<ExportFormat>('markdown')
  if (!session) {
    return (
      <aside className="card session-preview empty" aria-label="Preview">
        <p className="muted">Select a session to see it here.</p>
      </aside>
    )
  }
  const { id } = session
  const inTrash = session.deletedAt !== null
  return (
    <aside className="card session-preview" aria-label="Preview">
      <div className="preview-head">
        {renaming ? (
          <RenameField
            key={id}
            initial={session.title}
            onCancel={() => onRenaming(false)}
            onSave={async (title) => {
              const saved = await actions.update(id, { title })
              if (saved) onRenaming(false)
              return saved !== undefined
            }}
          />
        ) : (
          <>
            <h2 className="preview-title">{session.title || 'Untitled'}</h2>
            <button type="button" className="button secondary" onClick={() => onRenaming(true)} title="Rename (F2)">Rename</button>
            <button type="button" className="button" onClick={() => onOpen(id)} title="Open (Enter)">Open</button>
          </>
        )}
      </div>
      <dl className="facts compact">
        <dt>Last activity</dt>
        <dd>{formatDateTime(session.updatedAt)}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(session.createdAt)}</dd>
        <dt>Messages</dt>
        <dd>{plural(session.messageCount, 'message')}</dd>
        {session.source && (
          <>
            <dt>Imported from</dt>
            <dd>{session.source}</dd>
          </>
        )}
        {session.workspace && (
          <>
            <dt>Workspace</dt>
            <dd><code>{session.workspace}</code></dd>
          </>
        )}
        {inTrash && (
          <>
            <dt>In the trash</dt>
            <dd>since {formatDateTime(session.deletedAt!)}</dd>
          </>
        )}
      </dl>
      <TagEditor
        tags={session.tags}
        known={knownTags}
        onAdd={(tag) => void actions.update(id, { addTags: [tag] })}
        onRemove={(tag) => void actions.update(id, { removeTags: [tag] })}
      />
      <div className="preview-actions" role="group" aria-label="Session actions">
        <button type="button" className="button secondary" aria-pressed={session.pinned} onClick={() => void actions.update(id, { pinned: !session.pinned })}>
          {session.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button type="button" className="button secondary" onClick={() => void actions.update(id, { archived: !session.archived })}>
          {session.archived ? 'Unarchive' : 'Archive'}
        </button>
        {inTrash ? (
          <button type="button" className="button secondary" onClick={() => void actions.restore([id])}>Restore</button>
        ) : (
          <button type="button" className="button danger" onClick={() => void actions.remove([id], session.title)} title="Delete (Del)">Delete</button>
        )}
        <span className="spacer" />
        <select className="compact-select" aria-label="Export format" value={format} onChange={(event) => setFormat(event.target.value as ExportFormat)}>
          <option value="markdown">Markdown</option>
          <option value="json">JSON</option>
          <option value="html">HTML</option>
        </select>
        <button type="button" className="button secondary" onClick={() => void actions.exportSession(id, format)}>Export</button>
      </div>
      <section className="preview-messages" aria-label="Latest messages" aria-busy={messages === undefined}>
        <h3>Latest messages</h3>
        {messages === undefined && <p className="muted">Loading…</p>}
        {messages === 'failed' && <p className="muted">The messages could not be loaded.</p>}
        {messages?.length === 0 && <p className="muted">No messages yet.</p>}
        {messages !== 'failed' && messages?.map((message) => (
          <article key={message.id} className={`preview-message role-${message.role}`}>
            <header>
              <strong>{roleName[message.role]}</strong>
              {message.model && <span className="muted">{message.model}</span>}
              <time className="muted" dateTime={new Date(message.createdAt).toISOString()}>{formatWhen(message.createdAt)}</time>
            </header>
            {message.text ? (
              <MessageBody text={message.text.length > PREVIEW_CHARS ? `${message.text.slice(0, PREVIEW_CHARS)}…` : message.text} />
            ) : (
              message.attachments.length > 0 && <p className="muted">{plural(message.attachments.length, 'attachment')}</p>
            )}
          </article>
        ))}
      </section>
    </aside>
  )
}
