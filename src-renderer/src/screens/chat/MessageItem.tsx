import { memo } from 'react'
import type { SessionMessage } from '../../../../src-shared/contract'
import { formatBytes, formatCost, formatCount, formatDateTime } from '../../lib/format'
import { splitCodeFences } from '../../lib/message-text'

const roleName: Record<SessionMessage['role'], string> = { user: 'You', assistant: 'Assistant', system: 'System', tool: 'Tool' }

export function MessageBody({ text }: { text: string }) {
  return (
    <div className="message-body">
      {splitCodeFences(text).map((block, i) =>
        block.kind === 'code' ? (
          <pre key={i} data-lang={block.lang || undefined}>
            <code>{block.code}</code>
          </pre>
        ) : (
          <p key={i}>{block.text}</p>
        ),
      )}
    </div>
  )
}

/** "120 in · 340 out", marked when the counts are our estimate rather than the provider's. */
export function usageText(usage: NonNullable<SessionMessage['usage']>): string | undefined {
  const parts: string[] = []
  if (usage.inputTokens !== undefined) parts.push(`${formatCount(usage.inputTokens)} in`)
  if (usage.outputTokens !== undefined) parts.push(`${formatCount(usage.outputTokens)} out`)
  if (usage.cachedTokens) parts.push(`${formatCount(usage.cachedTokens)} cached`)
  if (parts.length === 0) return undefined
  // A prompt alone (what user messages carry) needs no "in".
  if (parts.length === 1 && usage.inputTokens !== undefined) parts[0] = formatCount(usage.inputTokens)
  return `${usage.estimated ? '≈ ' : ''}${parts.join(' · ')} tokens${usage.estimated ? ' (estimated)' : ''}`
}

function MessageMeta({ message }: { message: SessionMessage }) {
  const usage = message.usage ? usageText(message.usage) : undefined
  const totalMs = message.timings?.totalMs
  if (!usage && message.cost === null && totalMs === undefined) return null
  return (
    <footer className="message-meta">
      {usage && <span title={message.usage?.estimated ? 'Estimated from the text length: the provider reported no counts' : undefined}>{usage}</span>}
      {message.cost !== null && <span>{formatCost(message.cost)}</span>}
      {totalMs !== undefined && <span>{(totalMs / 1000).toFixed(1)} s</span>}
    </footer>
  )
}

/** One message: who, which model, when, what it cost, and its text (code fences as code). */
export const MessageItem = memo(function MessageItem({ message }: { message: SessionMessage }) {
  const when = formatDateTime(message.createdAt)
  return (
    <article className={`message role-${message.role}${message.status === 'error' ? ' failed' : ''}`} aria-label={`${roleName[message.role]}, ${when}`}>
      <header className="message-head">
        <strong>{roleName[message.role]}</strong>
        {(message.model || message.provider) && (
          <span className="model-chip">{[message.model, message.provider].filter(Boolean).join(' · ')}</span>
        )}
        <time dateTime={new Date(message.createdAt).toISOString()}>{when}</time>
        {message.status === 'streaming' && <span className="row-flag">Unfinished</span>}
      </header>
      {message.reasoning && (
        <details className="reasoning">
          <summary>Reasoning</summary>
          <p>{message.reasoning}</p>
        </details>
      )}
      {message.text && <MessageBody text={message.text} />}
      {message.attachments.length > 0 && (
        <ul className="attachments" aria-label="Attachments">
          {message.attachments.map((attachment) => (
            <li key={attachment.sha256}>
              {attachment.name} <span className="muted">({attachment.mime}, {formatBytes(attachment.size)})</span>
            </li>
          ))}
        </ul>
      )}
      {message.toolCalls && message.toolCalls.length > 0 && (
        <details className="tool-calls">
          <summary>Tool calls: {message.toolCalls.map((call) => call.name).join(', ')}</summary>
          <pre>
            <code>{JSON.stringify(message.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args })), null, 2)}</code>
          </pre>
        </details>
      )}
      {message.error && <p className="message-error" role="note">{message.error}</p>}
      <MessageMeta message={message} />
    </article>
  )
})
