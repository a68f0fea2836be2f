import type { SessionMessage } from '../../../../src-shared/contract'
import '../../agents.css'
import { useReplies, type HookNotice, type LiveReply, type ToolResult } from './reply-store'
import { LIVE_REPLY } from './thread'
import { decisionLabel } from './ToolMessage'

const liveIdOf = (reply: LiveReply): string => reply.result?.message.id ?? reply.assistantMessageId ?? LIVE_REPLY

export function ToolResultCards({ results }: { results: readonly ToolResult[] }) {
  return (
    <ul className="tool-results" aria-label="Tool results">
      {results.map((result, i) => (
        <li key={`${result.callId}-${i}`} aria-label={`${result.name} ${result.ok ? 'ok' : 'failed'}`}>
          <details className={`tool-result${result.ok ? '' : ' failed'}`}>
            <summary>
              <code>{result.name}</code> <span className={result.ok ? 'tool-ok' : 'tool-failed'}>{result.ok ? 'ok' : 'failed'}</span>
              {result.decision && <span className="muted"> · {decisionLabel(result.decision)}</span>}
            </summary>
            <pre>{result.output || '(no output)'}</pre>
          </details>
        </li>
      ))}
    </ul>
  )
}

export function HookNotices({ notices }: { notices: readonly HookNotice[] }) {
  return (
    <>
      {notices.map((notice, i) => (
        <p key={i} className={`hook-notice${notice.blocked ? ' blocked' : ''}`} role={notice.blocked ? 'alert' : 'status'}>
          {notice.blocked ? `⚠ Blocked by a ${notice.event} hook: ` : notice.event === 'Compaction' ? '' : `${notice.event} hook: `}
          {notice.message}
        </p>
      ))}
    </>
  )
}

/** Hook notices and tool results of the reply this message is (while the reply is in memory). */
export function ToolActivity({ message }: { message: SessionMessage }) {
  const reply = useReplies((state) => (message.role === 'assistant' ? Object.values(state.replies).find((r) => liveIdOf(r) === message.id) : undefined))
  if (!reply || (reply.hookNotices.length === 0 && reply.toolResults.length === 0)) return null
  return (
    <>
      <HookNotices notices={reply.hookNotices} />
      {reply.toolResults.length > 0 && <ToolResultCards results={reply.toolResults} />}
    </>
  )
}
